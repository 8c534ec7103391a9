"""Answers that cannot be trusted become unreadable, never a pass.

A successful response that lacks a member the service model marks required, or a member a
check relies on (:data:`NEEDED`), is an :class:`IncompleteResponse` raised from botocore's
``after-call`` event: the caller's read fails like any API error, so the attribute is
``unreadable`` and its controls report ``error`` ("Security Hub enabled" is not concluded
from an empty ``DescribeHub``). A pagination token seen twice in one listing
(A, B, A, B...) is a :class:`RepeatedToken`: that listing fails instead of running forever.
"""
from __future__ import annotations

import json
from typing import Any, Iterator

# (service, operation) -> top-level members a check reads that the service model leaves optional.
NEEDED: dict[tuple[str, str], tuple[str, ...]] = {
    ("securityhub", "DescribeHub"): ("HubArn",),  # the hub's existence is what "enabled" means
}


class IncompleteResponse(Exception):
    """A successful answer without a member the model requires or a check needs."""


class RepeatedToken(Exception):
    """A listing's pagination token came back a second time: its pages would never end."""


def check_response(http_response: Any = None, parsed: Any = None, model: Any = None, **_: Any) -> None:
    """botocore ``after-call`` handler: raise :class:`IncompleteResponse` for a successful answer missing
    a required or needed member (errors are left to botocore)."""
    if model is None or not isinstance(parsed, dict) or getattr(http_response, "status_code", 200) >= 300:
        return
    shape = model.output_shape
    required = [*(shape.required_members if shape is not None else ()),
                *NEEDED.get((model.service_model.service_name, model.name), ())]
    missing = [name for name in required if name not in parsed]
    if missing:
        raise IncompleteResponse(f"{model.name} answered without {', '.join(missing)}")


def unique_pages(iterator: Any, operation: str) -> Iterator[dict[str, Any]]:
    """The pages of a botocore page iterator, refusing a next-page token already seen in this listing."""
    seen: set[str] = set()
    for page in iterator:
        yield page
        token = iterator._get_next_token(page)  # botocore's own reading of the paginator's output tokens
        if not token:
            continue
        key = json.dumps(token, sort_keys=True, default=str)
        if key in seen:
            raise RepeatedToken(f"{operation} returned the pagination token {key[:80]} a second time")
        seen.add(key)
