"""One way to list a resource type and read per-resource settings, shared by the simple collectors.

``listed`` turns every item of a paginated listing into a resource; ``read_each`` makes one
per-resource call for an attribute, on the bounded reader pool, only when a selected control
reads that attribute (through :meth:`AwsContext.read`, which also turns a failed call into an
unreadable attribute); ``regional`` memoizes a listing that several resources consult.
"""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, Callable, Iterable

from ...model import Resource
from .context import AwsContext


def listed(ctx: AwsContext, region: str | None, service: str, operation: str, result_key: str,
           build: Callable[[dict[str, Any]], Resource | None], **kwargs: Any) -> list[Resource]:
    """``build(item)`` for every item under ``result_key`` of ``operation`` (None leaves an item out)."""
    items = ctx.paginate(service, region, operation, result_key, **kwargs)
    return [resource for resource in map(build, items) if resource is not None]


def read_each(ctx: AwsContext, resources: Iterable[Resource], attribute: str,
              call: Callable[[Resource], Any], not_found: tuple[str, ...] = (), default: Any = None) -> None:
    """Store ``call(resource)`` as ``attribute`` of each resource that a selected control reads it of."""
    wanted = [r for r in resources if not ctx.skip_unwanted(r, attribute)]
    ctx.map(lambda r: ctx.read(r, attribute, lambda: call(r), not_found, default), wanted)


def describe_each(ctx: AwsContext, resources: list[Resource], call: Callable[[Resource], dict[str, Any]],
                  settings: Callable[[dict[str, Any]], dict[str, Any]]) -> list[Resource]:
    """Fill each resource with ``settings(call(resource))``: for types whose listing gives names only.

    Every attribute comes from that one call, so a failed call marks the whole resource unreadable.
    """

    def one(resource: Resource) -> None:
        try:
            answer = call(resource)
        except Exception as exc:  # noqa: BLE001 - recorded on the resource: its checks report error
            resource.unreadable["*"] = ctx.reason(exc)
            return
        resource.attributes.update(settings(answer))

    ctx.map(one, resources)
    return resources


def by_token(call: Callable[..., dict[str, Any]], result_key: str, token: str, *, stop_on_empty: bool = False,
             **kwargs: Any) -> list[Any]:
    """Every item under ``result_key`` of ``call(**kwargs)``, following ``token`` (in the answer and the next
    request) by hand, for operations botocore has no paginator for. A token seen twice fails the listing.
    An empty page with a token goes on to the next page (some APIs answer so mid-listing), unless
    ``stop_on_empty``: for APIs that hand a marker with their last, empty page (WAFv2)."""
    from .responses import RepeatedToken

    items: list[Any] = []
    seen: set[str] = set()
    while True:
        answer = call(**kwargs)
        items.extend(answer.get(result_key) or [])
        next_token = answer.get(token)
        if not next_token or (stop_on_empty and not answer.get(result_key)):
            return items
        if next_token in seen:
            raise RepeatedToken(f"{token} {str(next_token)[:80]} came back a second time")
        seen.add(next_token)
        kwargs[token] = next_token


def regional(ctx: AwsContext, region: str | None, service: str, operation: str, result_key: str,
             **kwargs: Any) -> list[Any]:
    """A paginated listing made once per run and region, however many resources consult it."""
    key = (service, region, operation, tuple(sorted((k, repr(v)) for k, v in kwargs.items())))
    return ctx.memo(key, lambda: ctx.paginate(service, region, operation, result_key, **kwargs))


BACKUP_PROTECTED_CALLS = ("backup:ListProtectedResources",)  # what backup_protected calls


def backup_protected(ctx: AwsContext, region: str | None, arn: str) -> bool:
    """Whether AWS Backup holds a recovery point of ``arn`` (ListProtectedResources, once per region)."""
    protected = ctx.memo(("backup", region, "protected-arns"), lambda: frozenset(
        r.get("ResourceArn") for r in regional(ctx, region, "backup", "list_protected_resources", "Results")))
    return arn in protected


def days_since(ctx: AwsContext, value: Any) -> int | None:
    """Whole days from ``value`` (a datetime or ISO 8601 text) to the start of collection."""
    if value is None:
        return None
    when = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return (datetime.fromisoformat(ctx.observed_at) - when).days


def tags(items: Iterable[dict[str, Any]] | None, key: str = "Key", value: str = "Value") -> dict[str, str]:
    """AWS's ``[{"Key": k, "Value": v}]`` tag lists as a mapping."""
    return {str(t.get(key)): str(t.get(value, "")) for t in items or [] if t.get(key) is not None}
