"""Shared AWS plumbing: session, clients, retries, error description, per-run memo, call counting."""
from __future__ import annotations

import os
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Callable, Iterable, Iterator, Mapping, TypeVar
from urllib.parse import urlsplit

from ...errors import InputError
from ...memory import keep_long_lived, release_long_lived
from ...model import Resource
from ..deadline import Deadline, DeadlineExceeded

T = TypeVar("T")
R = TypeVar("R")
NOT_COLLECTED = "not collected: no control selected when collecting reads it"

@dataclass
class AwsOptions:
    regions: list[str] | None = None
    endpoint_url: str | None = None
    profile: str | None = None
    role_arn: str | None = None
    external_id: str | None = None
    max_workers: int = 8
    max_attempts: int = 8
    connect_timeout: float = 5.0
    read_timeout: float = 30.0
    deadline: float | None = None  # seconds for the whole collection; then no more API calls

    @classmethod
    def from_values(cls, values: Mapping[str, Any]) -> "AwsOptions":
        """Options from the source's option values (``SourceSpec.options``, numbers already checked where
        they were read: :mod:`~hipaacheck.sources.option_types`); absent ones keep their defaults."""
        raw_regions = values.get("regions")
        regions = [r.strip() for r in raw_regions.split(",") if r.strip()] if raw_regions else None
        numbers = {name: values[name] for name in ("max_workers", "max_attempts", "connect_timeout", "read_timeout",
                                                   "deadline") if values.get(name) is not None}
        return cls(
            regions=regions,
            endpoint_url=values.get("endpoint_url") or os.environ.get("AWS_ENDPOINT_URL"),
            profile=values.get("aws_profile"),
            role_arn=values.get("role_arn"),
            external_id=values.get("external_id"),
            **numbers,
        )


def assume_role(sts: Any, role_arn: str, session_name: str,
                external_id: str | None = None) -> tuple[dict[str, str], dict[str, Any]]:
    """AssumeRole: the session's credential keywords (``aws_access_key_id``...) and the answer's
    ``AssumedRoleUser`` (empty when the answer has none)."""
    kwargs = {"RoleArn": role_arn, "RoleSessionName": session_name}
    if external_id:
        kwargs["ExternalId"] = external_id
    answer = sts.assume_role(**kwargs)
    creds = answer["Credentials"]
    credentials = {"aws_access_key_id": creds["AccessKeyId"], "aws_secret_access_key": creds["SecretAccessKey"],
                   "aws_session_token": creds["SessionToken"]}
    return credentials, answer.get("AssumedRoleUser") or {}


def client_config(options: AwsOptions) -> Any:
    """The botocore configuration of every client of a run, the identity call's included: adaptive
    retries, ``--max-attempts``, ``--connect-timeout`` and ``--read-timeout``."""
    from botocore.config import Config

    return Config(
        # total_max_attempts counts the first try, as --max-attempts says; botocore's max_attempts would not
        retries={"mode": "adaptive", "total_max_attempts": options.max_attempts},
        connect_timeout=options.connect_timeout,
        read_timeout=options.read_timeout,
        max_pool_connections=max(10, options.max_workers * 2),  # reader and collector pools
    )


def bound_by(deadline: Deadline, session: Any) -> None:
    """``--deadline`` checked before each HTTP attempt (retries included) of ``session``'s clients."""
    if deadline.at is None:
        return

    def check(**_: Any) -> None:
        deadline.check("before this call")

    session.events.register("before-send", check)


def describe_error(exc: BaseException) -> tuple[str, str, str | None]:
    """(code, message, operation) for any exception a boto3 call can raise.

    HTTP 403 bodies that botocore cannot parse come back with code ``'403'``;
    they are reported as AccessDenied. Unimplemented emulator calls answer an
    HTML 500/404 (code ``'500'``/``'404'``) or, for EC2, raise ResponseParserError.
    """
    from botocore.exceptions import ClientError

    if isinstance(exc, ClientError):
        error = exc.response.get("Error", {})
        code = str(error.get("Code") or "Unknown")
        status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        if code == "403" or (code.isdigit() and status == 403):
            code = "AccessDenied"
        message = str(error.get("Message") or code)
        return code, " ".join(message.split())[:300], getattr(exc, "operation_name", None)
    return type(exc).__name__, " ".join(str(exc).split())[:300], None


def iso(value: Any) -> Any:
    """botocore timestamps are datetimes; inventories hold ISO 8601 strings."""
    return value.isoformat() if hasattr(value, "isoformat") else value


def parse_timestamp(value: Any) -> Any:
    """botocore's timestamp parsing, with the standard library for the ISO 8601 text most answers carry.

    botocore's own goes through dateutil: a twentieth of the collector's CPU on listings full of
    dates. Any other form (epoch numbers, HTTP dates) still goes to botocore's.
    """
    if isinstance(value, str) and "T" in value:
        try:
            return datetime.fromisoformat(value)  # Python 3.11+ reads the "Z" suffix too
        except ValueError:
            pass
    from botocore.utils import parse_timestamp as botocore_parse

    return botocore_parse(value)


def new_session(profile: str | None = None, **credentials: Any) -> Any:
    """A boto3 session (``boto3.Session`` arguments) whose clients use :func:`parse_timestamp`."""
    import boto3
    import botocore.session

    core = botocore.session.Session()
    core.get_component("response_parser_factory").set_parser_defaults(timestamp_parser=parse_timestamp)
    return boto3.Session(botocore_session=core, profile_name=profile, **credentials)


def strip_account_host_label(request: Any = None, **_: Any) -> None:
    """S3 Control puts the account id in the host (``123456789012.127.0.0.1``); a custom
    endpoint (emulator, VPC endpoint by IP) cannot resolve that, so drop the label."""
    parts = urlsplit(request.url)
    label, _, rest = parts.netloc.partition(".")
    if label.isdigit() and len(label) == 12 and rest:
        request.url = parts._replace(netloc=rest).geturl()


class AwsContext:
    """One connected session: clients per (service, region), identity, a memo for shared reads,
    a bounded pool for per-resource reads, and API call counting (total and per operation).

    ``observed_at`` is the UTC time collection started, ISO 8601; collectors stamp it into
    resources whose checks compare dates ("days since"), so checks never read the clock.
    ``wanted`` (set by the source) maps a resource type to the attributes worth an API call;
    a type it does not name, or names with None, has every attribute read.
    """

    def __init__(self, session: Any, options: AwsOptions, identity: dict[str, str],
                 deadline: Deadline | None = None) -> None:
        from .responses import check_response

        self.session = session
        self.options = options
        self.identity = identity
        self.account = identity.get("Account", "")
        arn = identity.get("Arn", "")
        self.partition = arn.split(":")[1] if arn.count(":") >= 2 and arn.split(":")[1] else "aws"
        self.default_region = session.region_name or "us-east-1"
        self.scan_regions: list[str] = [self.default_region]  # set by the source before collectors run
        self.wanted: Mapping[str, frozenset[str] | None] = {}  # set by the source before collectors run
        self.observed_at = datetime.now(timezone.utc).replace(microsecond=0).isoformat()
        self.config = client_config(options)
        self._clients: dict[tuple[str, str], Any] = {}
        self._paginators: dict[tuple[str, str, str], Any] = {}
        self._lock = threading.Lock()
        self._memo: dict[Any, tuple[bool, Any]] = {}
        self._memo_locks: dict[Any, threading.Lock] = {}
        self._calls = 0
        self._calls_lock = threading.Lock()
        self._last = threading.local()
        self.calls_by_operation: dict[str, int] = {}
        self._readers: ThreadPoolExecutor | None = None
        session.events.register_first("before-call", self._count_call)  # before any short-circuit
        session.events.register("after-call", check_response)  # an answer missing what checks need fails
        if deadline is None:  # connect() started it before the identity call, on this session
            deadline = Deadline.from_seconds(options.deadline)
            bound_by(deadline, session)
        self.deadline = deadline
        if options.endpoint_url:
            session.events.register("before-sign.s3-control", strip_account_host_label)

    @classmethod
    def connect(cls, options: AwsOptions) -> "AwsContext":
        """Identify the caller (assuming ``--role-arn`` first) with the run's client configuration, inside
        its deadline: the first calls are bounded like every other."""
        from botocore.exceptions import BotoCoreError, ClientError

        deadline = Deadline.from_seconds(options.deadline)
        config = client_config(options)
        try:
            session = new_session(options.profile)
        except BotoCoreError as exc:
            raise InputError("--aws-profile", str(exc)) from None

        def sts_of(session: Any) -> Any:
            bound_by(deadline, session)
            return session.client("sts", endpoint_url=options.endpoint_url,
                                  region_name=session.region_name or "us-east-1", config=config)

        try:
            sts = sts_of(session)
            if options.role_arn:
                credentials, _ = assume_role(sts, options.role_arn, "hipaacheck", options.external_id)
                session = new_session(region_name=session.region_name, **credentials)
                sts = sts_of(session)
            identity = sts.get_caller_identity()
        except (BotoCoreError, ClientError, DeadlineExceeded) as exc:
            code, message, _ = describe_error(exc)
            raise InputError("aws credentials", f"cannot identify the caller: {code}: {message}") from None
        return cls(session, options, {k: identity[k] for k in ("Account", "Arn", "UserId") if k in identity},
                   deadline)

    # ------------------------------------------------------------------ calls

    def _count_call(self, model: Any = None, **_: Any) -> None:
        name = f"{model.service_model.service_name}:{model.name}" if model is not None else "?"
        self._last.operation = name
        with self._calls_lock:
            self._calls += 1
            self.calls_by_operation[name] = self.calls_by_operation.get(name, 0) + 1

    def call_count(self) -> int:
        return self._calls

    def describe(self, exc: BaseException) -> tuple[str, str, str]:
        """(code, message, ``service:Operation``) naming the call that failed on this thread."""
        code, message, operation = describe_error(exc)
        last = getattr(exc, "hipaacheck_operation", None) or getattr(self._last, "operation", None)
        if last and (operation is None or last.endswith(f":{operation}")):
            operation = last
        return code, message, operation or "?"

    def reason(self, exc: BaseException) -> str:
        """``service:Operation: Code: message``: why something could not be read."""
        code, message, operation = self.describe(exc)
        return f"{operation}: {code}: {message}"

    def client(self, service: str, region: str | None = None) -> Any:
        """The one client of ``service`` in ``region`` for this run, shared by every thread.

        A new client brings its service model, tens of thousands of objects that live as long as
        the run: freezing them (``gc.freeze``, undone by :meth:`close`) spares every later full
        garbage collection from walking them again, a tenth of the collector's CPU otherwise.
        """
        key = (service, region or self.default_region)
        client = self._clients.get(key)  # no lock once created: clients are thread-safe
        if client is None:
            with self._lock:  # creating clients from one session is not thread-safe
                client = self._clients.get(key)
                if client is None:
                    client = self._clients[key] = self.session.client(
                        service, region_name=key[1], endpoint_url=self.options.endpoint_url, config=self.config)
                    keep_long_lived()
        return client

    def paginator(self, service: str, region: str | None, operation: str) -> Any:
        """The client's paginator for ``operation``, made once (botocore builds a class per call)."""
        key = (service, region or self.default_region, operation)
        paginator = self._paginators.get(key)
        if paginator is None:
            paginator = self._paginators.setdefault(key, self.client(service, region).get_paginator(operation))
        return paginator

    def pages(self, service: str, region: str | None, operation: str, **kwargs: Any) -> Iterator[dict[str, Any]]:
        """Every page of ``operation``; a token seen twice in this listing raises
        :class:`~hipaacheck.sources.aws.responses.RepeatedToken` (pages that loop never end otherwise)."""
        from .responses import unique_pages

        return unique_pages(self.paginator(service, region, operation).paginate(**kwargs), operation)

    def paginate(self, service: str, region: str | None, operation: str, result_key: str, **kwargs: Any) -> list:
        """Every item under ``result_key`` across all pages of ``operation`` (one call per page)."""
        items: list = []
        for page in self.pages(service, region, operation, **kwargs):
            items.extend(page.get(result_key) or [])
        return items

    def map(self, function: Callable[[T], R], items: Iterable[T]) -> list[R]:
        """``function`` over ``items`` on the shared bounded reader pool (per-resource reads).

        Reader tasks never submit to this pool, so collectors running on the outer pool
        cannot deadlock on it. ``function`` must not raise (use :meth:`read`).
        """
        items = list(items)
        if len(items) < 2 or self.options.max_workers < 2:
            return [function(item) for item in items]
        with self._lock:
            if self._readers is None:
                self._readers = ThreadPoolExecutor(max_workers=self.options.max_workers,
                                                   thread_name_prefix="hipaacheck-aws-read")
            readers = self._readers
        return list(readers.map(function, items))

    def close(self) -> None:
        if self._readers is not None:
            self._readers.shutdown(wait=True)
            self._readers = None
        release_long_lived()

    def memo(self, key: Any, compute: Callable[[], Any]) -> Any:
        """Compute a shared read once per run, even when several collectors ask at once.

        A failure is remembered too and raised again to every caller: the call is not repeated.
        """
        with self._lock:
            lock = self._memo_locks.setdefault(key, threading.Lock())
        with lock:
            if key not in self._memo:
                try:
                    self._memo[key] = (True, compute())
                except Exception as exc:  # noqa: BLE001 - re-raised below, to every caller
                    # Name the failed call now: other threads re-raising it have their own last call.
                    exc.hipaacheck_operation = getattr(self._last, "operation", None)  # type: ignore[attr-defined]
                    self._memo[key] = (False, exc)
            ok, value = self._memo[key]
        if not ok:
            raise value
        return value

    def wants(self, resource_type: str, attribute: str) -> bool:
        """Whether a selected control reads ``attribute`` of ``resource_type`` (or may)."""
        names = self.wanted.get(resource_type)
        return names is None or attribute in names

    def skip_unwanted(self, resource: Resource, attribute: str) -> bool:
        """True, marking ``attribute`` unreadable (:data:`NOT_COLLECTED`), when no selected control
        reads it: a later scan of this inventory that needs it reports ``error``, not an absent value."""
        if self.wants(resource.type, attribute):
            return False
        resource.unreadable[attribute] = NOT_COLLECTED
        return True

    def read(self, resource: Resource, attribute: str, call: Callable[[], Any],
             not_found: tuple[str, ...] = (), default: Any = None) -> Any:
        """Run ``call`` and store its result as ``attribute``; returns None when it was not stored.

        An attribute no selected control reads is not fetched (see :meth:`skip_unwanted`).
        Error codes in ``not_found`` mean "not configured" and store ``default``;
        any other failure marks the attribute unreadable naming the API call and error code.
        """
        if self.skip_unwanted(resource, attribute):
            return None
        try:
            value = call()
        except Exception as exc:  # noqa: BLE001
            code, message, operation = self.describe(exc)
            if code in not_found:
                value = default
            else:
                resource.unreadable[attribute] = f"{operation}: {code}: {message}"
                return None
        resource.attributes[attribute] = value
        return value

    def regions(self) -> list[str]:
        if self.options.regions:
            return list(self.options.regions)
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            answer = self.client("ec2", self.default_region).describe_regions(AllRegions=False)
        except (BotoCoreError, ClientError) as exc:  # never narrow the scan silently
            code, message, operation = self.describe(exc)
            raise InputError("--regions", f"cannot list enabled regions ({operation}: {code}: {message});"
                                          " name them with --regions") from None
        names = [r["RegionName"] for r in answer.get("Regions", [])
                 if r.get("OptInStatus", "opt-in-not-required") != "not-opted-in"]
        return sorted(names) or [self.default_region]

    def metadata(self, regions: list[str]) -> dict[str, Any]:
        return {"account": self.account, "caller_arn": self.identity.get("Arn", ""), "partition": self.partition,
                "regions": regions, "endpoint_url": self.options.endpoint_url, "observed_at": self.observed_at}

    def arn(self, service: str, region: str | None, resource: str) -> str:
        return f"arn:{self.partition}:{service}:{region or ''}:{self.account}:{resource}"

    def resource(self, resource_type: str, resource_id: str, region: str | None, **attributes: Any) -> Resource:
        """A resource of this account; pass ``region=None`` for global ones."""
        return Resource(resource_type, resource_id, dict(attributes), region, self.account)
