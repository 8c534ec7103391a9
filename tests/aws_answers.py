"""Answers for the AWS calls moto 5.2.5 has no handler for, shaped by botocore's service model.

``model_answers(monkeypatch, {"ListAnalyzers": {...}})`` answers each named operation on every
session the AWS source opens, before any request is sent, with the given response (or
``response(params, region)`` for a callable: ``params`` are the call's API parameters); a :class:`Refusal`
answers an error, whose code must be one the operation's model lists. Each response is
validated against the operation's output shape with the validator ``botocore.stub.Stubber`` uses
(``botocore.validate.validate_parameters``), so a response botocore could not produce fails the test:
the hook runs in the source's collector threads, where the source turns any exception into an ``error``
finding, so each failure is also recorded in :data:`SHAPE_ERRORS`, which the autouse fixture in
``aws_fixtures`` asserts empty after every test.
A Stubber itself is not used: it needs one queue per client in call order, and the collectors call
from a thread pool in no fixed order.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from aws_helpers import _Http, _Raw, hook_events

SHAPE_ERRORS: list[str] = []  # answers that failed validation in this test (checked by aws_fixtures)


@dataclass(frozen=True)
class Refusal:
    """An error answer (``ResourceNotFoundException`` for "no policy"): ``code`` must be a modelled error."""
    code: str
    status: int = 400

    def answer(self, model: Any) -> tuple[_Http, dict[str, Any]]:
        if self.code not in {error.name for error in model.error_shapes}:
            SHAPE_ERRORS.append(f"{model.name}: {self.code} is not one of its errors")
            raise ValueError(SHAPE_ERRORS[-1])
        return _Http(self.status), {"Error": {"Code": self.code, "Message": f"answered {self.code}"},
                                    "ResponseMetadata": {"HTTPStatusCode": self.status}}


def model_answers(monkeypatch, responses: dict[str, Any]) -> list[str]:
    """Answer ``responses`` (operation name -> response); returns the operations answered, in order."""
    from botocore.validate import validate_parameters

    answered: list[str] = []

    def remember(params=None, context=None, model=None, **_: Any) -> None:
        if context is not None and model is not None and model.name in responses:
            context["hipaacheck_params"] = dict(params or {})

    def answer(model=None, context=None, request_signer=None, **_: Any):
        if model is None or model.name not in responses:
            return None
        response = responses[model.name]
        if callable(response):
            response = response((context or {}).get("hipaacheck_params") or {},
                                getattr(request_signer, "region_name", None))
        if isinstance(response, Refusal):
            refused = response.answer(model)
            answered.append(model.name)
            return refused
        try:
            validate_parameters(response, model.output_shape)  # what Stubber.add_response checks
        except Exception as exc:
            SHAPE_ERRORS.append(f"{model.name}: {exc}")
            raise
        answered.append(model.name)
        return _Http(200), {**response, "ResponseMetadata": {"HTTPStatusCode": 200}}

    hook_events(monkeypatch, "provide-client-params", remember)
    hook_events(monkeypatch, "before-call", answer)
    return answered


def edit_answer(monkeypatch, operation: str, edit: Callable[[dict[str, Any], dict[str, Any]], None],
                service: str) -> None:
    """Change moto's parsed answer to ``operation`` (``edit(parsed, params)``) for what moto does not model."""

    def remember(params=None, context=None, **_: Any) -> None:
        if context is not None:
            context["hipaacheck_params"] = dict(params or {})

    def after(parsed=None, context=None, **_: Any) -> None:
        edit(parsed, (context or {}).get("hipaacheck_params") or {})

    hook_events(monkeypatch, f"provide-client-params.{service}.{operation}", remember)
    hook_events(monkeypatch, f"after-call.{service}.{operation}", after)


def wire_answer(monkeypatch, service: str, operation: str, body: bytes,
                content_type: str = "application/json") -> None:
    """Answer every HTTP request of ``operation`` (``service`` as botocore's event names spell it: ``iam``,
    ``securityhub``) with HTTP 200 and ``body``, which botocore then parses as usual: for an answer AWS may
    send but the model's output shape would refuse as a parsed one (a required member left out)."""
    from botocore.awsrequest import AWSResponse

    def send(request=None, **_: Any):
        return AWSResponse(request.url, 200, {"content-type": content_type}, _Raw(body))

    hook_events(monkeypatch, f"before-send.{service}.{operation}", send, first=True)  # ahead of moto's own answer
