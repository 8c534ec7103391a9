"""CloudTrail: an account-wide multi-region trail that is logging; each trail's CloudWatch Logs delivery."""
from __future__ import annotations

from datetime import datetime
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


@check("aws.cloudtrail.cloudwatch_delivery", resource_type="aws.cloudtrail.trail",
       reads=("cloudwatch_logs_log_group_arn", "cloudwatch_delivery", "observed_at"),
       params={"max_delivery_age_hours": {"type": "number", "exclusiveMinimum": 0, "default": 24}})
def cloudwatch_delivery(resource: Resource, params: dict[str, Any]) -> Outcome:
    """The trail names a CloudWatch Logs group and CloudTrail delivered to it within
    ``max_delivery_age_hours`` of collection (GetTrailStatus LatestCloudWatchLogsDeliveryTime)."""
    group = resource.get("cloudwatch_logs_log_group_arn")
    if not group:
        return failed("trail does not deliver events to CloudWatch Logs", log_group=None)
    delivery = resource.get("cloudwatch_delivery")
    latest, error, limit = delivery["latest_delivery_time"], delivery["latest_delivery_error"], \
        params["max_delivery_age_hours"]
    evidence = {"log_group": group, "latest_delivery_time": latest, "latest_delivery_error": error,
                "max_delivery_age_hours": limit}
    last_error = f" (last delivery error: {error})" if error else ""
    if latest is None:
        return failed(f"trail names {group} but CloudTrail has delivered nothing to it{last_error}", **evidence)
    hours = (datetime.fromisoformat(resource.get("observed_at")) - datetime.fromisoformat(latest)).total_seconds() / 3600
    evidence["delivery_age_hours"] = round(hours, 1)
    if hours > limit:
        return failed(f"last delivery to {group} was {hours:.0f} h before collection, over {limit:g} h{last_error}",
                      **evidence)
    return passed(f"trail delivers to {group} (last delivery {hours:.1f} h before collection)", **evidence)
