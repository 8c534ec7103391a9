"""CloudTrail: trails (listed in their home region, with logging status) and an account-level summary.

``aws.cloudtrail.account`` exists even when there is no trail at all, so "no multi-region trail"
is a failing finding, not a skip. Both types share one listing per region through the memo.
"""
from __future__ import annotations

from typing import Any, Iterator

from ...model import Resource
from . import aws_collector
from .context import AwsContext


def _trail(ctx: AwsContext, region: str, trail: dict[str, Any]) -> Resource:
    resource = ctx.resource(
        "aws.cloudtrail.trail", trail["TrailARN"], region, name=trail["Name"],
        multi_region=trail.get("IsMultiRegionTrail", False),
        include_global_events=trail.get("IncludeGlobalServiceEvents", False),
        log_file_validation=trail.get("LogFileValidationEnabled", False),
        kms_key_id=trail.get("KmsKeyId"), s3_bucket=trail.get("S3BucketName"),
        cloudwatch_logs_log_group_arn=trail.get("CloudWatchLogsLogGroupArn"))
    ctx.read(resource, "is_logging",
             lambda: ctx.client("cloudtrail", region).get_trail_status(Name=trail["TrailARN"])["IsLogging"])
    return resource


def region_trails(ctx: AwsContext, region: str) -> list[Resource]:
    """Trails whose home region is ``region``, once per run."""

    def fetch() -> list[Resource]:
        listed = ctx.client("cloudtrail", region).describe_trails(includeShadowTrails=False).get("trailList", [])
        homed = [t for t in listed if t.get("HomeRegion", region) == region]
        return ctx.map(lambda t: _trail(ctx, region, t), homed)

    return ctx.memo(("cloudtrail", "trails", region), fetch)


@aws_collector("aws.cloudtrail.trail", service="cloudtrail")
def trails(ctx: AwsContext, region: str | None) -> Iterator[Resource]:
    yield from region_trails(ctx, region)


@aws_collector("aws.cloudtrail.account", service="cloudtrail", is_global=True)
def account(ctx: AwsContext, region: str | None) -> Iterator[Resource]:
    resource = ctx.resource("aws.cloudtrail.account", ctx.arn("cloudtrail", None, "account"), None,
                            trails=[], unlisted_regions={})
    for name in ctx.scan_regions:
        try:
            found = region_trails(ctx, name)
        except Exception as exc:  # noqa: BLE001 - recorded; the check errors unless a good trail is seen
            code, message, operation = ctx.describe(exc)
            resource.attributes["unlisted_regions"][name] = f"{operation}: {code}: {message}"
            continue
        for trail in found:
            resource.attributes["trails"].append({
                "arn": trail.id, "home_region": name, "multi_region": trail.attributes["multi_region"],
                "is_logging": trail.attributes.get("is_logging"),
                "status_error": trail.unreadable.get("is_logging")})
    yield resource
