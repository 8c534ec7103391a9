"""Shell idle timeout (TMOUT)."""
from __future__ import annotations

from typing import Any

from hipaacheck.model import Location, Outcome, Resource, failed, passed
from hipaacheck.registry import check


@check("host.shell.tmout", resource_type="host.shell_timeout", params={
    "max_seconds": {"type": "integer", "minimum": 1, "default": 900},
    "require_readonly": {"type": "boolean", "default": True},
})
def tmout(resource: Resource, params: dict[str, Any]) -> list[Outcome]:
    """Every TMOUT assignment is 1..max_seconds, at least one exists, none is unset, and TMOUT is readonly."""
    limit = params["max_seconds"]
    assignments = resource.get("assignments") or []
    if not assignments:
        return [failed("TMOUT is set in no shell start-up file, so idle shells never log out",
                       files=resource.get("files"))]
    outcomes = []
    for entry in assignments:
        value, loc = entry["value"], Location(entry["path"], entry["line"])
        item = f"{entry['path']}:{entry['line']}"
        if not isinstance(value, int) or not 0 < value <= limit:
            outcomes.append(failed(f"TMOUT={value} in {item}; expected 1..{limit}", loc, item=item, tmout=value))
    for entry in resource.get("unsets") or []:  # a start-up file that unsets TMOUT ends the timeout for some shells
        item = f"{entry['path']}:{entry['line']}"
        outcomes.append(failed(f"TMOUT is unset in {item}", Location(entry["path"], entry["line"]), item=item))
    if params["require_readonly"] and not resource.get("readonly"):
        first = assignments[0]
        outcomes.append(failed("TMOUT is not readonly, so a user can unset it", Location(first["path"], first["line"]),
                               item="readonly"))
    if outcomes:
        return outcomes
    first = assignments[0]
    return [passed(f"TMOUT={first['value']} ({len(assignments)} assignment(s), readonly)",
                   Location(first["path"], first["line"]), tmout=[a["value"] for a in assignments], max_seconds=limit)]
