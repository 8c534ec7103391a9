"""CloudWatch alarms on CloudTrail events: one account resource that follows each logging multi-region
trail to its CloudWatch Logs group, the group's metric filters, the alarms on those metrics and whether
each alarm's SNS topic has a confirmed subscription.

Metric filters are read per trail log group, alarms once per region, subscriptions once per topic
named by an alarm: nothing is read for regions without such a log group.
"""
from __future__ import annotations

from typing import Any, Iterator

from ...model import Resource
from ._listing import regional
from .cloudtrail import TRAIL_CALLS, covering_trails
from .context import AwsContext
from .registry import aws_collector


def _log_group(arn: str | None) -> tuple[str, str] | None:
    """(region, name) of ``arn:aws:logs:REGION:ACCOUNT:log-group:NAME:*``."""
    parts = (arn or "").split(":")
    if len(parts) < 7 or parts[5] != "log-group":
        return None
    return parts[3], parts[6]


def _filters(ctx: AwsContext, region: str, group: str) -> list[dict[str, Any]]:
    return [{"name": f.get("filterName"), "pattern": f.get("filterPattern") or "",
             "metrics": [{"namespace": m.get("metricNamespace"), "name": m.get("metricName")}
                         for m in f.get("metricTransformations") or []]}
            for f in ctx.paginate("logs", region, "describe_metric_filters", "metricFilters", logGroupName=group)]


def _alarms(ctx: AwsContext, region: str) -> list[dict[str, Any]]:
    return [{"name": a.get("AlarmName"), "namespace": a.get("Namespace"), "metric": a.get("MetricName"),
             "actions_enabled": bool(a.get("ActionsEnabled", True)), "actions": sorted(a.get("AlarmActions") or [])}
            for a in regional(ctx, region, "cloudwatch", "describe_alarms", "MetricAlarms")]


def _subscribers(ctx: AwsContext, topic: str) -> int:
    """Confirmed subscriptions of an SNS topic (pending ones notify nobody)."""
    region = topic.split(":")[3]
    subscriptions = ctx.paginate("sns", region, "list_subscriptions_by_topic", "Subscriptions", TopicArn=topic)
    return sum(1 for s in subscriptions if str(s.get("SubscriptionArn", "")).startswith("arn:"))


def _trail_view(ctx: AwsContext, trail: Resource, unreadable: dict[str, str]) -> dict[str, Any]:
    target = _log_group(trail.attributes.get("cloudwatch_logs_log_group_arn"))
    view: dict[str, Any] = {"arn": trail.id, "multi_region": trail.attributes["multi_region"],
                            "is_logging": trail.attributes.get("is_logging"), "log_group": None, "filters": []}
    if "is_logging" in trail.unreadable:
        unreadable[trail.id] = trail.unreadable["is_logging"]
    if target is None:
        return view
    region, group = target
    view.update(log_group=group, log_group_region=region)
    try:
        view["filters"] = _filters(ctx, region, group)
    except Exception as exc:  # noqa: BLE001 - recorded: the check errors unless another trail passes
        unreadable[trail.id] = ctx.reason(exc)
    return view


@aws_collector("aws.cloudwatch.event_alarms", service="cloudwatch", is_global=True,
               uses={"aws.cloudtrail.trail": ("is_logging",)},
               calls=("cloudwatch:DescribeAlarms", "logs:DescribeMetricFilters", "sns:ListSubscriptionsByTopic",
                      *TRAIL_CALLS))
def event_alarms(ctx: AwsContext, region: str | None) -> Iterator[Resource]:
    resource = ctx.resource("aws.cloudwatch.event_alarms", ctx.arn("cloudwatch", None, "event-alarms"), None,
                            trails=[], alarms={}, topic_subscribers={}, unread={})
    attributes = resource.attributes
    found, unlisted = covering_trails(ctx)  # a multi-region trail homed outside the scan covers it too
    attributes["unread"].update({f"trails in {name}": why for name, why in unlisted.items()})
    attributes["trails"].extend(_trail_view(ctx, trail, attributes["unread"]) for trail in found)
    for alarm_region in sorted({t["log_group_region"] for t in attributes["trails"] if t.get("log_group")}):
        try:
            attributes["alarms"][alarm_region] = _alarms(ctx, alarm_region)
        except Exception as exc:  # noqa: BLE001
            attributes["unread"][f"alarms in {alarm_region}"] = ctx.reason(exc)
    topics = sorted({a for alarms in attributes["alarms"].values() for alarm in alarms for a in alarm["actions"]
                     if a.startswith("arn:") and ":sns:" in a})
    for topic, count in zip(topics, ctx.map(lambda t: _safe_subscribers(ctx, t), topics), strict=True):
        if isinstance(count, int):
            attributes["topic_subscribers"][topic] = count
        else:
            attributes["unread"][topic] = count
    yield resource


def _safe_subscribers(ctx: AwsContext, topic: str) -> int | str:
    try:
        return _subscribers(ctx, topic)
    except Exception as exc:  # noqa: BLE001 - the reason is recorded for the topic
        return ctx.reason(exc)
