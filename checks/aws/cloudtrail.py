"""CloudTrail: an account-wide multi-region trail that is logging."""
from __future__ import annotations

from typing import Any

from hipaacheck.model import Outcome, Resource, errored, failed, passed
from hipaacheck.registry import check


@check("aws.cloudtrail.multi_region_logging", resource_type="aws.cloudtrail.account")
def multi_region_logging(resource: Resource, params: dict[str, Any]) -> Outcome:
    """At least one multi-region trail is logging; what could not be read is an error, not a fail."""
    trails = resource.get("trails") or []
    good = [t["arn"] for t in trails if t.get("multi_region") and t.get("is_logging") is True]
    if good:
        return passed(f"multi-region trail logging: {', '.join(good)}", trails=good)
    unknown = {t["arn"]: t["status_error"] for t in trails if t.get("multi_region") and t.get("status_error")}
    unlisted = resource.get("unlisted_regions") or {}
    if unknown or unlisted:
        return errored("no multi-region trail seen logging, and some trails or regions could not be read",
                       unreadable_trails=unknown, unlisted_regions=unlisted)
    multi = [t["arn"] for t in trails if t.get("multi_region")]
    if multi:
        return failed(f"multi-region trails exist but none is logging: {', '.join(multi)}", trails=multi)
    return failed("no multi-region CloudTrail trail", trail_count=len(trails))
