"""CloudWatch alarms on CloudTrail events (the CIS monitoring set): a logging multi-region trail delivers
to a log group with a metric filter for the event, an alarm watches that filter's metric, and the alarm
notifies an SNS topic that someone is subscribed to."""
from __future__ import annotations

import re
from typing import Any

from hipaacheck.model import Outcome, Resource, errored, failed, passed
from hipaacheck.registry import check

SPACES_AND_QUOTES = re.compile(r"[\s\"']")


def normalize(pattern: str) -> str:
    """A filter pattern without blanks or quotes, so ``$.eventName = "DeleteTrail"`` matches ``$.eventName=DeleteTrail``."""
    return SPACES_AND_QUOTES.sub("", pattern)


def _matching_filters(trail: dict[str, Any], terms: list[str]) -> list[dict[str, Any]]:
    wanted = [normalize(t) for t in terms]
    return [f for f in trail.get("filters") or [] if all(t in normalize(f.get("pattern") or "") for t in wanted)]


def _notifying_alarms(resource: Resource, region: str, metrics: list[dict[str, Any]]) -> tuple[list[str], list[str]]:
    """(alarms that notify a subscribed topic, alarms on the metric that notify nobody)."""
    alarms = (resource.get("alarms") or {}).get(region) or []
    subscribers = resource.get("topic_subscribers") or {}
    keys = {(m.get("namespace"), m.get("name")) for m in metrics}
    good: list[str] = []
    silent: list[str] = []
    for alarm in alarms:
        if (alarm.get("namespace"), alarm.get("metric")) not in keys:
            continue
        notified = alarm.get("actions_enabled") and any(subscribers.get(a, 0) > 0 for a in alarm.get("actions") or [])
        (good if notified else silent).append(str(alarm.get("name")))
    return good, silent


@check("aws.cloudwatch.event_alarm", resource_type="aws.cloudwatch.event_alarms",
       reads=("trails", "alarms", "topic_subscribers", "unread"), params={
    "event": {"type": "string", "minLength": 1},
    "terms": {"type": "array", "minItems": 1, "items": {"type": "string", "minLength": 1}},
}, required=["event", "terms"])
def event_alarm(resource: Resource, params: dict[str, Any]) -> Outcome:
    """Some alarm notifies a subscribed SNS topic when a metric filter on a logging multi-region trail's
    log group sees ``event`` (the filter pattern contains every one of ``terms``, blanks and quotes aside)."""
    event, gaps = params["event"], []
    for trail in resource.get("trails") or []:
        if not (trail.get("multi_region") and trail.get("is_logging") and trail.get("log_group")):
            continue
        filters = _matching_filters(trail, params["terms"])
        if not filters:
            gaps.append(f"{trail['log_group']}: no metric filter for {event}")
            continue
        metrics = [m for f in filters for m in f.get("metrics") or []]
        good, silent = _notifying_alarms(resource, trail["log_group_region"], metrics)
        if good:
            return passed(f"{event}: alarm {good[0]} on filter {filters[0].get('name')} notifies a subscribed topic",
                          trail=trail["arn"], log_group=trail["log_group"], filter=filters[0].get("name"),
                          alarms=good)
        gaps.append(f"{trail['log_group']}: filter {filters[0].get('name')} has "
                    + (f"alarms that notify no subscribed topic ({', '.join(silent)})" if silent else "no alarm"))
    unread = resource.get("unread") or {}
    if unread:
        shown = "; ".join(f"{k}: {v}" for k, v in sorted(unread.items())[:3])
        return errored(f"{event}: no notifying alarm seen, and some of the chain could not be read ({shown})",
                       gaps=gaps, unread=unread)
    if not gaps:
        return failed(f"{event}: no logging multi-region trail delivers to CloudWatch Logs", gaps=[])
    return failed(f"{event}: no alarm notifies anyone ({'; '.join(gaps[:3])})", gaps=gaps, terms=params["terms"])
