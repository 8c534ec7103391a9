"""Small helpers for collectors: a read shared by many resources, and tag-free resource building.

:func:`shared_read` runs one region-wide call (flow logs, SSL policies) once per
run through :meth:`AwsContext.memo` and remembers a failure too, so every
resource that depends on it gets the same unreadable reason from
:meth:`AwsContext.read` instead of a retried call per resource.
"""
from __future__ import annotations

from typing import Any, Callable

from ...model import Resource
from .context import AwsContext


class _Failed:
    def __init__(self, exc: BaseException) -> None:
        self.exc = exc


def shared_read(ctx: AwsContext, key: Any, call: Callable[[], Any]) -> Callable[[], Any]:
    """A thunk for ``ctx.read``: the memoised result of ``call``, or its memoised exception re-raised."""

    def capture() -> Any:
        try:
            return call()
        except Exception as exc:  # noqa: BLE001 - re-raised by every reader below
            return _Failed(exc)

    def thunk() -> Any:
        value = ctx.memo(key, capture)
        if isinstance(value, _Failed):
            raise value.exc
        return value

    return thunk


def make_resource(ctx: AwsContext, resource_type: str, resource_id: str, region: str | None,
                  **attributes: Any) -> Resource:
    return Resource(type=resource_type, id=resource_id, attributes=attributes, region=region, account=ctx.account)
