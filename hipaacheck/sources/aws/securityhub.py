"""Security Hub: one resource per region saying whether the hub is enabled there, and which security
standards it runs (a hub with none evaluates nothing)."""
from __future__ import annotations

from typing import Iterator

from ...model import Resource
from .registry import aws_collector
from .context import AwsContext, iso

NOT_ENABLED = ("InvalidAccessException", "ResourceNotFoundException")


@aws_collector("aws.securityhub.hub", service="securityhub",
               calls=("securityhub:DescribeHub", "securityhub:GetEnabledStandards"))
def hubs(ctx: AwsContext, region: str | None) -> Iterator[Resource]:
    resource = ctx.resource("aws.securityhub.hub", ctx.arn("securityhub", region, "hub/default"), region)

    def describe() -> dict:
        hub = ctx.client("securityhub", region).describe_hub()
        return {"enabled": True, "hub_arn": hub.get("HubArn"), "subscribed_at": iso(hub.get("SubscribedAt"))}

    hub = ctx.read(resource, "hub", describe, NOT_ENABLED, {"enabled": False})
    if hub is not None and not hub["enabled"]:
        resource.attributes["standards"] = []  # no hub, no standard
    else:
        ctx.read(resource, "standards", lambda: [
            {"arn": s.get("StandardsArn"), "subscription_arn": s.get("StandardsSubscriptionArn"),
             "status": s.get("StandardsStatus")}
            for s in ctx.paginate("securityhub", region, "get_enabled_standards", "StandardsSubscriptions")],
            NOT_ENABLED, [])
    yield resource
