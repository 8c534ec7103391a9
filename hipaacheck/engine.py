"""The engine: every selected control on every resource of its type, in a fixed order.

Nothing a check does can stop the run: an exception becomes an ``error``
finding, :class:`~hipaacheck.model.Unreadable` becomes an ``error`` with the
source's reason, :class:`~hipaacheck.model.NotApplicable` becomes ``skip``.
"""
from __future__ import annotations

from typing import Any, Iterable

from .inventory import Inventory
from .memory import gc_paused
from .model import Finding, Location, NotApplicable, Outcome, Resource, Unreadable, source_family
from .profiles import ActiveControl
from .registry import CheckSpec, get_check


def make_finding(active: ActiveControl, resource: dict[str, Any], outcome: Outcome) -> Finding:
    """A finding shares its resource's reference and its control's citations (never mutated), so
    100k findings do not carry 100k copies of either."""
    control = active.control
    ref = {**resource, "item": outcome.item} if outcome.item else resource
    return Finding(
        control_id=control.id,
        check_id=control.check,
        status=outcome.status,
        severity=active.severity,
        resource=ref,
        citations=control.citations,
        message=outcome.message,
        evidence=outcome.evidence,
        title=control.title,
        location=outcome.location,
    )


def run_check(active: ActiveControl, resource: Resource, spec: CheckSpec | None = None) -> list[Outcome]:
    """Run one check on one resource (``spec``: the control's check, if already looked up); never raises."""
    spec = spec or get_check(active.control.check)
    if spec is None:  # guarded at load time; kept for plugins unloaded since
        return [Outcome("error", f"check {active.control.check!r} is not registered")]
    try:
        result = spec.function(resource, active.params)
        outcomes = [result] if isinstance(result, Outcome) else list(result or [])
    except Unreadable as exc:
        return [Outcome("error", f"could not read {exc.attribute}: {exc.reason}", {"unreadable": exc.attribute})]
    except NotApplicable as exc:
        return [Outcome("skip", str(exc) or "not applicable")]
    except Exception as exc:  # noqa: BLE001 - a broken check is an error finding, not a crash
        return [Outcome("error", f"check raised {type(exc).__name__}: {exc}")]
    if not outcomes:
        return [Outcome("skip", "nothing to evaluate on this resource")]
    bad = [o for o in outcomes if not isinstance(o, Outcome)]
    if bad:
        return [Outcome("error", f"check returned {type(bad[0]).__name__}, expected Outcome")]
    return outcomes


def evaluate(active_controls: Iterable[ActiveControl], inventory: Inventory) -> list[Finding]:
    with gc_paused():
        return _evaluate(active_controls, inventory)


def _evaluate(active_controls: Iterable[ActiveControl], inventory: Inventory) -> list[Finding]:
    by_type = inventory.by_type()
    errors_by_type: dict[str, list] = {}
    for error in inventory.errors:
        errors_by_type.setdefault(error.resource_type, []).append(error)
    collected = set(inventory.resource_types)
    findings: list[Finding] = []
    for active in active_controls:
        rtype = active.control.resource_type
        family = source_family(rtype)
        placeholder = {"type": rtype, "id": "*"}
        if family != inventory.source and rtype not in collected:  # auxiliary sources add their types
            findings.append(make_finding(active, placeholder, Outcome(
                "skip", f"applies to {family} resources; this scan's source is {inventory.source}")))
            continue
        if rtype not in collected:
            findings.append(make_finding(active, placeholder, Outcome(
                "error", f"the inventory holds no {rtype} data (not collected)")))
            continue
        for error in errors_by_type.get(rtype, []):
            ref = {"type": rtype, "id": error.operation or "*"}
            if error.region:
                ref["region"] = error.region
            reason = " ".join(p for p in (error.operation, error.code) if p)
            message = f"could not collect {rtype}: {reason + ': ' if reason else ''}{error.message}"
            findings.append(make_finding(active, ref, Outcome("error", message, {"code": error.code} if error.code else {})))
        resources = by_type.get(rtype, [])
        if not resources and not errors_by_type.get(rtype):
            findings.append(make_finding(active, placeholder, Outcome("skip", f"no {rtype} resources found")))
        spec = get_check(active.control.check)
        for resource in resources:
            ref = resource.ref()
            for outcome in run_check(active, resource, spec):
                if outcome.location is None and resource.type.startswith("host.") and resource.id.startswith("/"):
                    outcome.location = Location(path=resource.id)
                findings.append(make_finding(active, ref, outcome))
    findings.sort(key=finding_order)
    return findings


def finding_order(finding: Finding) -> tuple[str, ...]:
    """The order of findings in results: control, resource, item, message."""
    return (*finding.sort_key, finding.resource.get("item") or "", finding.message)
