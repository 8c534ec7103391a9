"""GuardDuty: a detector enabled in every scanned region; high-severity findings not left open."""
from __future__ import annotations

from typing import Any

from hipaacheck.model import NotApplicable, Outcome, Resource, failed, passed
from hipaacheck.registry import check


@check("aws.guardduty.enabled", resource_type="aws.guardduty.detector", reads=("statuses",))
def enabled(resource: Resource, params: dict[str, Any]) -> Outcome:
    """The region has a GuardDuty detector whose status is ENABLED."""
    statuses = resource.get("statuses") or {}
    on = sorted(i for i, status in statuses.items() if status == "ENABLED")
    if on:
        return passed(f"detector enabled: {', '.join(on)}", statuses=statuses)
    if statuses:
        return failed("GuardDuty detector present but not enabled", statuses=statuses)
    return failed("no GuardDuty detector in this region", statuses={})


@check("aws.guardduty.high_findings_resolved", resource_type="aws.guardduty.detector",
       reads=("detector_ids", "high_findings"), params={
    "max_open_days": {"type": "integer", "minimum": 0, "default": 7},
})
def high_findings_resolved(resource: Resource, params: dict[str, Any]) -> Outcome:
    """No high-severity finding has stayed open (not archived) longer than ``max_open_days``."""
    if not resource.get("detector_ids"):
        raise NotApplicable("no GuardDuty detector in this region: evaluated by aws.guardduty.enabled")
    findings = resource.get("high_findings") or []
    limit = params["max_open_days"]
    old = [f for f in findings if (f.get("open_days") or 0) > limit]
    if old:
        types = sorted({str(f.get("type")) for f in old})
        return failed(f"{len(old)} high-severity finding(s) open more than {limit} days "
                      f"(oldest {old[0].get('open_days')} days; {', '.join(types[:3])})",
                      open=[{k: f.get(k) for k in ("id", "type", "severity", "open_days")} for f in old])
    return passed(f"no high-severity finding open more than {limit} days ({len(findings)} open, all newer)",
                  open_count=len(findings))
