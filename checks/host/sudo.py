"""sudo: every use re-authenticates, and cached credentials expire."""
from __future__ import annotations

from typing import Any

from hipaacheck.model import Location, NotApplicable, Outcome, Resource, failed, passed
from hipaacheck.registry import check


def _present(resource: Resource) -> None:
    if not resource.get("present"):
        raise NotApplicable("sudo is not installed (no /etc/sudoers)")


@check("host.sudo.no_nopasswd", resource_type="host.sudoers")
def no_nopasswd(resource: Resource, params: dict[str, Any]) -> list[Outcome]:
    """No sudoers rule carries the NOPASSWD tag."""
    _present(resource)
    rules = resource.get("nopasswd") or []
    if rules:
        return [failed(f"NOPASSWD rule for {r['who']}", Location(r["path"], r["line"]), item=f"{r['path']}:{r['line']}")
                for r in rules]
    return [passed("no sudoers rule has NOPASSWD", files=resource.get("files"))]


@check("host.sudo.authenticate", resource_type="host.sudoers")
def authenticate(resource: Resource, params: dict[str, Any]) -> list[Outcome]:
    """No Defaults entry turns authentication off (``!authenticate``)."""
    _present(resource)
    bad = [d for d in resource.get("defaults") or [] if d["name"] == "authenticate" and d["negated"]]
    if bad:
        return [failed("Defaults !authenticate turns off sudo authentication", Location(d["path"], d["line"]),
                       item=f"{d['path']}:{d['line']}", scope=d["scope"]) for d in bad]
    return [passed("sudo authentication is not turned off")]


@check("host.sudo.timestamp_timeout", resource_type="host.sudoers", params={
    "max_minutes": {"type": "number", "minimum": 0, "default": 15},
})
def timestamp_timeout(resource: Resource, params: dict[str, Any]) -> list[Outcome]:
    """Every ``timestamp_timeout`` is 0..max_minutes (unset = sudo's default of 5; negative = never expires)."""
    _present(resource)
    limit = params["max_minutes"]
    entries = [d for d in resource.get("defaults") or [] if d["name"] == "timestamp_timeout"]
    outcomes = []
    for d in entries:
        try:
            value = float(d.get("value", ""))
        except ValueError:
            value = None
        loc, item = Location(d["path"], d["line"]), f"{d['path']}:{d['line']}"
        if d["negated"]:
            value = 0.0  # !timestamp_timeout: always ask
        if value is None or not 0 <= value <= limit:
            outcomes.append(failed(f"timestamp_timeout={d.get('value')} in {item}; expected 0..{limit:g} minutes",
                                   loc, item=item, value=d.get("value")))
        else:
            outcomes.append(passed(f"timestamp_timeout={value:g} minutes", loc, item=item, value=value))
    return outcomes or [passed("timestamp_timeout unset: sudo's default of 5 minutes applies", value=5)]
