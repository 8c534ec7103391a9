"""GuardDuty: a detector enabled in every scanned region."""
from __future__ import annotations

from typing import Any

from hipaacheck.model import Outcome, Resource, failed, passed
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
