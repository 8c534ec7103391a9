"""CloudTrail: an account-wide multi-region trail that is logging."""
from __future__ import annotations

from typing import Any

from hipaacheck.model import Outcome, Resource, errored, failed, passed
from hipaacheck.registry import check


@check("aws.cloudtrail.multi_region_logging", resource_type="aws.cloudtrail.account",
       reads=("trails", "unlisted_regions"))
def multi_region_logging(resource: Resource, params: dict[str, Any]) -> Outcome:
    """At least one multi-region trail is logging every management event (read and write);
    what could not be read is an error, not a fail."""
    trails = resource.get("trails") or []
    multi = [t for t in trails if t.get("multi_region")]
    good = [t["arn"] for t in multi if t.get("is_logging") is True and t.get("management_events") == "all"]
    if good:
        return passed(f"multi-region trail logging all management events: {', '.join(good)}", trails=good)
    unknown = {t["arn"]: t.get("status_error") or t.get("selectors_error")
               or "GetEventSelectors reported no event selector" for t in multi
               if t.get("status_error") or (t.get("is_logging") is True and t.get("management_events") is None)}
    unlisted = resource.get("unlisted_regions") or {}
    if unknown or unlisted:
        return errored("no multi-region trail seen logging all management events, and some trails or regions"
                       " could not be read", unreadable_trails=unknown, unlisted_regions=unlisted)
    logging = {t["arn"]: t.get("management_events") for t in multi if t.get("is_logging") is True}
    if logging:
        return failed("multi-region trails log only some management events: "
                      + ", ".join(f"{arn} ({kind})" for arn, kind in logging.items()), management_events=logging)
    if multi:
        return failed(f"multi-region trails exist but none is logging: {', '.join(t['arn'] for t in multi)}",
                      trails=[t["arn"] for t in multi])
    return failed("no multi-region CloudTrail trail", trail_count=len(trails))
