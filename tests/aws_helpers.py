"""Shared AWS test helpers: in-process collection, control evaluation, fault injection.

Plain functions and constants only: import what a test module calls
(``from aws_helpers import collect, evaluate_control``). The fixtures (``aws``, ``moto_server``,
``moto_endpoint``) live in ``aws_fixtures``, loaded for every test module as a plugin.

- ``reset_server(url)`` / ``server_client(url, service)``: empty or seed the loopback moto server.
- ``collect(types, ...)``: run the real AwsSource and return the Inventory.
- ``evaluate_control(control_id, inventory, **params)``: findings of one built-in control.
- ``hook_events(monkeypatch, event, handler)``: register a botocore handler on every session the
  AWS source opens; ``deny(...)`` and ``Throttler`` build handlers for access-denied and throttling.
  Answers for what moto does not implement or leaves out are in ``aws_answers`` (``model_answers``,
  ``edit_answer``), checked against botocore's model.
"""
from __future__ import annotations

import json
import threading
import urllib.request
from typing import Any, Callable, Iterable

REGION = "us-east-1"
ACCOUNT = "123456789012"  # moto's default account id


# --------------------------------------------------------------------------- loopback server

def reset_server(url: str) -> None:
    """Empty every backend of the moto server at ``url``."""
    request = urllib.request.Request(f"{url}/moto-api/reset", data=b"", method="POST")
    with urllib.request.urlopen(request, timeout=10):
        pass


def server_client(endpoint: str, service: str, region: str = REGION) -> Any:
    """A boto3 client for seeding the loopback server."""
    import boto3

    return boto3.client(service, region_name=region, endpoint_url=endpoint)


# --------------------------------------------------------------------------- collect and evaluate

def collect(types: Iterable[str], regions: Iterable[str] = (REGION,), endpoint_url: str | None = None,
            max_workers: int = 4, max_attempts: int = 4):
    """Collect ``types`` with the real AWS source (in-process moto or a server endpoint)."""
    from hipaacheck.sources.aws.source import AwsSource
    from hipaacheck.sources.aws.context import AwsOptions

    options = AwsOptions(regions=list(regions), endpoint_url=endpoint_url, max_workers=max_workers,
                         max_attempts=max_attempts)
    return AwsSource(options).collect(set(types))


def active_control(control_id: str, **params: Any):
    """A built-in control with default variable values, ``params`` overriding."""
    from hipaacheck.controls import builtin_controls, effective_params, resolve_params
    from hipaacheck.profiles import ActiveControl
    from hipaacheck.registry import get_check, load_all

    load_all()
    catalog = builtin_controls()
    control = catalog.controls[control_id]
    values = {name: spec["default"] for name, spec in catalog.variables.items()}
    resolved = resolve_params(control.params, values, str(control.path))
    resolved.update(params)
    spec = get_check(control.check)
    return ActiveControl(control, effective_params(spec, resolved), control.severity)


def evaluate_control(control_id: str, inventory, **params: Any) -> list:
    """Findings of one control against ``inventory`` (same engine as a scan)."""
    from hipaacheck.engine import evaluate

    return evaluate([active_control(control_id, **params)], inventory)


def statuses(findings: Iterable, by: str = "id") -> dict[str, str]:
    """``{resource id (or item): status}``; an item-level finding is keyed ``id#item``."""
    out: dict[str, str] = {}
    for finding in findings:
        key = finding.resource.get(by, "")
        if finding.resource.get("item"):
            key = f"{key}#{finding.resource['item']}"
        out[key] = finding.status
    return out


def collect_and_evaluate(control_id: str, regions: Iterable[str] = (REGION,), **params: Any) -> list:
    """Collect just what ``control_id`` needs (in-process moto), then evaluate it."""
    control = active_control(control_id, **params)
    inventory = collect({control.control.resource_type}, regions)
    from hipaacheck.engine import evaluate

    return evaluate([control], inventory)


# --------------------------------------------------------------------------- fault injection

def hook_events(monkeypatch, event: str, handler: Callable[..., Any], first: bool = False) -> None:
    """Register ``handler`` for botocore ``event`` on every session the AWS source creates (``first``: ahead of
    the handlers already there, such as in-process moto's own ``before-send`` answer)."""
    from hipaacheck.sources.aws import context

    original = context.AwsContext.__init__

    def init(self, session, *args, **kwargs):
        (session.events.register_first if first else session.events.register)(event, handler)
        original(self, session, *args, **kwargs)

    monkeypatch.setattr(context.AwsContext, "__init__", init)


class _Http:
    """The minimum of an HTTP response that botocore's client needs after a ``before-call`` answer."""

    def __init__(self, status: int) -> None:
        self.status_code = status
        self.headers: dict[str, str] = {}
        self.content = b""
        self.text = ""


def deny(operations: Iterable[str] | None = None, services: Iterable[str] | None = None,
         code: str = "AccessDenied", status: int = 403, regions: Iterable[str] | None = None,
         when: Callable[[dict[str, Any]], bool] | None = None, message: str | None = None) -> Callable[..., Any]:
    """A ``before-call`` handler answering ``code`` for the named operations (``GetBucketPolicy``)
    or every operation of the named services (botocore service names: ``s3``, ``kms``),
    in every region or only in ``regions``, and only for the requests ``when`` accepts (called with the
    serialised request's parameters: the body of a query API such as IAM or STS); the error's text is
    ``message``, else ``injected CODE for OPERATION``."""
    ops = set(operations or ())
    svcs = set(services or ())
    only = set(regions or ())

    def handler(model=None, request_signer=None, params=None, **_: Any):
        if model is None or (model.name not in ops and model.service_model.service_name not in svcs):
            return None
        if only and getattr(request_signer, "region_name", None) not in only:
            return None
        body = (params or {}).get("body")
        if when is not None and not when(body if isinstance(body, dict) else params or {}):
            return None
        parsed = {"Error": {"Code": code, "Message": message or f"injected {code} for {model.name}"},
                  "ResponseMetadata": {"HTTPStatusCode": status}}
        return _Http(status), parsed

    return handler


class _Raw:
    """An HTTP body as botocore's ``AWSResponse`` reads it."""

    def __init__(self, body: bytes) -> None:
        self._body = body

    def stream(self, **_: Any):
        yield self._body


class Throttler:
    """Answer every ``every``-th HTTP request with a service-shaped throttling error.

    Register :meth:`note_protocol` on ``before-call`` and :meth:`send` on ``before-send``
    (``install(monkeypatch)`` does both); botocore's real retry logic then retries the call.
    """

    def __init__(self, every: int = 3) -> None:
        self.every = every
        self.requests = 0
        self.throttled = 0
        self._lock = threading.Lock()
        self._local = threading.local()

    def install(self, monkeypatch) -> "Throttler":
        hook_events(monkeypatch, "before-call", self.note_protocol)
        hook_events(monkeypatch, "before-send", self.send)
        return self

    def note_protocol(self, model=None, **_: Any) -> None:
        if model is not None:
            self._local.service = (model.service_model.service_name, model.service_model.protocol)

    def send(self, request=None, **_: Any):
        with self._lock:
            self.requests += 1
            if self.requests % self.every:
                return None
            self.throttled += 1
        from botocore.awsrequest import AWSResponse

        service, protocol = getattr(self._local, "service", ("", "json"))
        if protocol in ("json", "rest-json"):
            body = json.dumps({"__type": "ThrottlingException", "message": "Rate exceeded"}).encode()
            return AWSResponse(request.url, 400, {"x-amzn-errortype": "ThrottlingException",
                                                  "content-type": "application/x-amz-json-1.1"}, _Raw(body))
        if protocol == "ec2":
            body = (b"<Response><Errors><Error><Code>RequestLimitExceeded</Code><Message>Rate exceeded"
                    b"</Message></Error></Errors><RequestID>x</RequestID></Response>")
            return AWSResponse(request.url, 503, {}, _Raw(body))
        if service == "s3" or service == "s3control":
            body = b"<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>"
            return AWSResponse(request.url, 503, {}, _Raw(body))
        body = (b"<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded"
                b"</Message></Error><RequestId>x</RequestId></ErrorResponse>")
        return AWSResponse(request.url, 400, {}, _Raw(body))
