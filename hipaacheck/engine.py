"""The engine: every selected control on every resource of its type, in a fixed order.

Nothing a check does can stop the run: an exception becomes an ``error``
finding, :class:`~hipaacheck.model.Unreadable` becomes an ``error`` with the
source's reason, :class:`~hipaacheck.model.NotApplicable` becomes ``skip``.
"""
from __future__ import annotations

from typing import Any, Iterable

from .inventory import Inventory
from .memory import gc_paused
from .model import NO_EXTRA, Finding, Location, NotApplicable, Outcome, Resource, Unreadable, source_family
from .profiles import ActiveControl
from .registry import CheckSpec, get_check


def make_finding(active: ActiveControl, resource: dict[str, Any], outcome: Outcome,
                 target: str | None = None) -> Finding:
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
        target=target,
    )


def run_check(active: ActiveControl, resource: Resource, spec: CheckSpec | None = None) -> list[Outcome]:
    """Run one check on one resource (``spec``: the control's check, if already looked up); never raises."""
    spec = spec or get_check(active.control.check)
    if spec is None:  # guarded at load time; kept for plugins unloaded since
        return [Outcome("error", f"check {active.control.check!r} is not registered")]
    try:
        result = spec.function(resource, spec.prepared(active.params))
    except Exception as exc:  # noqa: BLE001 - a broken check is an error finding, not a crash
        return [outcome_of_exception(exc)]
    return [result] if type(result) is Outcome else outcomes_of(result)


def outcome_of_exception(exc: Exception) -> Outcome:
    """What a check's exception means: unreadable input is an error, not applicable a skip, any other a broken check."""
    if isinstance(exc, Unreadable):
        return Outcome("error", f"could not read {exc.attribute}: {exc.reason}", {"unreadable": exc.attribute})
    if isinstance(exc, NotApplicable):
        return Outcome("skip", str(exc) or "not applicable")
    return Outcome("error", f"check raised {type(exc).__name__}: {exc}")


def outcomes_of(result: Any) -> list[Outcome]:
    """A check's return value other than one plain Outcome: an Outcome subclass, or an iterable of them."""
    try:
        outcomes = [result] if isinstance(result, Outcome) else list(result or [])
    except Exception as exc:  # noqa: BLE001 - a generator check raises while it is consumed
        return [outcome_of_exception(exc)]
    if not outcomes:
        return [Outcome("skip", "nothing to evaluate on this resource")]
    bad = [o for o in outcomes if not isinstance(o, Outcome)]
    if bad:
        return [Outcome("error", f"check returned {type(bad[0]).__name__}, expected Outcome")]
    return outcomes


def evaluate(active_controls: Iterable[ActiveControl], inventory: Inventory,
             target: tuple[str, str] | None = None) -> list[Finding]:
    """Every finding, in :func:`finding_order`: made in that order, so 400k findings need no sort.

    ``target``: (source family, target key); the findings of that family's controls name the target
    (:attr:`Finding.target`) as they are made.
    """
    with gc_paused(long_lived=True):
        return _evaluate(active_controls, inventory, target)


def _evaluate(active_controls: Iterable[ActiveControl], inventory: Inventory,
              target: tuple[str, str] | None) -> list[Finding]:
    by_type = {rtype: sorted(resources, key=_resource_order) for rtype, resources in inventory.by_type().items()}
    errors_by_type: dict[str, list] = {}
    for error in inventory.errors:
        errors_by_type.setdefault(error.resource_type, []).append(error)
    collected = set(inventory.resource_types)
    findings: list[Finding] = []
    for active in sorted(active_controls, key=lambda a: a.control.id):
        rtype = active.control.resource_type
        family = source_family(rtype)
        owner = target[1] if target is not None and target[0] == family else None
        placeholder = {"type": rtype, "id": "*"}
        if family != inventory.source and rtype not in collected:  # auxiliary sources add their types
            findings.append(make_finding(active, placeholder, Outcome(
                "skip", f"applies to {family} resources; this scan's source is {inventory.source}"), owner))
            continue
        if rtype not in collected:
            findings.append(make_finding(active, placeholder, Outcome(
                "error", f"the inventory holds no {rtype} data (not collected)"), owner))
            continue
        errors = [make_finding(active, *_collection_error(rtype, error), owner)
                  for error in errors_by_type.get(rtype, [])]
        resources = by_type.get(rtype, [])
        if not resources and not errors:
            findings.append(make_finding(active, placeholder, Outcome("skip", f"no {rtype} resources found"), owner))
        chunk = _control_findings(active, resources, owner)
        if errors:  # few: placed among the resources' findings by a sort of this control's findings only
            chunk.extend(errors)
            chunk.sort(key=finding_order)
        findings.extend(chunk)
    return findings


def _resource_order(resource: Resource) -> tuple[str, str, str, str]:
    return resource.sort_key


def _collection_error(rtype: str, error: Any) -> tuple[dict[str, Any], Outcome]:
    ref = {"type": rtype, "id": error.operation or "*"}
    if error.region:
        ref["region"] = error.region
    reason = " ".join(p for p in (error.operation, error.code) if p)
    message = f"could not collect {rtype}: {reason + ': ' if reason else ''}{error.message}"
    return ref, Outcome("error", message, {"code": error.code} if error.code else {})


def _control_findings(active: ActiveControl, resources: list[Resource], target: str | None) -> list[Finding]:
    """One control's findings on ``resources`` (sorted), in :func:`finding_order`: the hot loop of a scan."""
    control = active.control
    control_id, check_id, severity, citations, title = (control.id, control.check, active.severity,
                                                        control.citations, control.title)
    spec = get_check(control.check)
    try:
        if spec is None:  # guarded at load time; kept for plugins unloaded since
            raise LookupError(f"check {check_id!r} is not registered")
        function, params = spec.function, spec.prepared(active.params)
    except Exception as exc:  # noqa: BLE001 - every resource's finding says why the check could not run
        message = str(exc) if isinstance(exc, LookupError) else f"check could not prepare its params: {exc}"
        return [Finding(control_id, check_id, "error", severity, resource.ref(), citations, message, {}, title,
                        None, NO_EXTRA, target) for resource in resources]
    host_files = control.resource_type.startswith("host.")  # a host resource's id is the file it was read from
    findings: list[Finding] = []
    append = findings.append
    for resource in resources:
        ref = resource.ref()
        try:  # run_check, inlined: the hot loop of a scan
            result = function(resource, params)
            outcomes = (result,) if type(result) is Outcome else outcomes_of(result)
        except Exception as exc:  # noqa: BLE001 - a broken check is an error finding, not a crash
            outcomes = (outcome_of_exception(exc),)
        if len(outcomes) > 1:
            outcomes = sorted(outcomes, key=_outcome_order)
        host_file = resource.id if host_files and resource.id.startswith("/") else None
        for outcome in outcomes:
            location = outcome.location
            if location is None and host_file is not None:
                location = outcome.location = Location(path=host_file)
            append(Finding(control_id, check_id, outcome.status, severity,
                           {**ref, "item": outcome.item} if outcome.item else ref, citations,
                           outcome.message, outcome.evidence, title, location, NO_EXTRA, target))
    return findings


def _outcome_order(outcome: Outcome) -> tuple[str, str]:
    return (outcome.item or "", outcome.message)


def finding_order(finding: Finding) -> tuple[str, ...]:
    """The order of findings in results: control, resource, item, message."""
    return (*finding.sort_key, finding.resource.get("item") or "", finding.message)
