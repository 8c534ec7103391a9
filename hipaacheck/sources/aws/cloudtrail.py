"""CloudTrail: trails (listed in their home region, with logging status) and an account-level summary.

``aws.cloudtrail.account`` exists even when there is no trail at all, so "no multi-region trail"
is a failing finding, not a skip. Both types share one listing per region through the memo.
A multi-region or organization trail homed outside the scanned regions still covers them: it is
seen there as a shadow trail (``includeShadowTrails``) and read once, in its home region.
"""
from __future__ import annotations

from typing import Any, Iterator

from ...model import Resource
from .registry import aws_collector
from .context import AwsContext, iso

# what region_trails and event_selectors call, for every collector that reads trails through them
TRAIL_CALLS = ("cloudtrail:DescribeTrails", "cloudtrail:GetEventSelectors", "cloudtrail:GetTrailStatus")


def _trail(ctx: AwsContext, region: str, trail: dict[str, Any]) -> Resource:
    arn = trail["TrailARN"]
    resource = ctx.resource(
        "aws.cloudtrail.trail", arn, region, name=trail["Name"],
        multi_region=trail.get("IsMultiRegionTrail", False),
        organization=trail.get("IsOrganizationTrail", False),
        include_global_events=trail.get("IncludeGlobalServiceEvents", False),
        log_file_validation=trail.get("LogFileValidationEnabled", False),
        kms_key_id=trail.get("KmsKeyId"), s3_bucket=trail.get("S3BucketName"),
        cloudwatch_logs_log_group_arn=trail.get("CloudWatchLogsLogGroupArn"), observed_at=ctx.observed_at)
    client = ctx.client("cloudtrail", region)

    def status() -> dict[str, Any]:  # one GetTrailStatus for both attributes that need it
        return ctx.memo(("cloudtrail", "status", arn), lambda: client.get_trail_status(Name=arn))

    ctx.read(resource, "is_logging", lambda: status()["IsLogging"])
    ctx.read(resource, "cloudwatch_delivery", lambda: cloudwatch_delivery(status()))
    ctx.read(resource, "management_events",
             lambda: management_events(event_selectors(ctx, region, arn)))
    return resource


def cloudwatch_delivery(status: dict[str, Any]) -> dict[str, Any]:
    """When CloudTrail last delivered to CloudWatch Logs and its last error there (GetTrailStatus);
    an absent time means nothing was ever delivered."""
    return {"latest_delivery_time": iso(status.get("LatestCloudWatchLogsDeliveryTime")),
            "latest_delivery_error": status.get("LatestCloudWatchLogsDeliveryError") or None}


def event_selectors(ctx: AwsContext, region: str, arn: str) -> dict[str, Any]:
    """GetEventSelectors of one trail, once per run (management and data events both read it)."""
    return ctx.memo(("cloudtrail", "selectors", arn),
                    lambda: ctx.client("cloudtrail", region).get_event_selectors(TrailName=arn))


def _basic_coverage(selectors: list[dict[str, Any]]) -> set[str]:
    kinds = set()
    for selector in selectors:
        if selector.get("IncludeManagementEvents", True):
            kind = selector.get("ReadWriteType", "All")
            kinds |= {"read", "write"} if kind == "All" else {"read" if kind == "ReadOnly" else "write"}
    return kinds


def _advanced_coverage(selectors: list[dict[str, Any]]) -> set[str]:
    """Management events a selector records in full: eventCategory = Management plus at most a
    readOnly filter (any other field, e.g. an excluded eventSource, leaves events out)."""
    kinds: set[str] = set()
    for selector in selectors:
        fields = {f.get("Field"): f for f in selector.get("FieldSelectors") or []}
        if (fields.pop("eventCategory", {}) or {}).get("Equals") != ["Management"]:
            continue
        read_only = fields.pop("readOnly", None)
        if fields:
            continue
        if read_only is None:
            kinds |= {"read", "write"}
        elif set(read_only) == {"Field", "Equals"} and read_only["Equals"] in (["true"], ["false"]):
            kinds.add("read" if read_only["Equals"] == ["true"] else "write")
    return kinds


def management_events(answer: dict[str, Any]) -> str | None:
    """``all``, ``read``, ``write`` or ``none``: which management events the trail records.
    None when the trail reports no selector of either kind (not a state AWS produces)."""
    basic, advanced = answer.get("EventSelectors") or [], answer.get("AdvancedEventSelectors") or []
    if not basic and not advanced:
        return None
    kinds = _basic_coverage(basic) | _advanced_coverage(advanced)
    return "all" if kinds == {"read", "write"} else kinds.pop() if kinds else "none"


def _listing(ctx: AwsContext, region: str) -> list[dict[str, Any]]:
    """DescribeTrails in ``region`` with its shadow trails (multi-region and organization trails homed
    elsewhere), once per run."""
    return ctx.memo(("cloudtrail", "listing", region), lambda: ctx.client("cloudtrail", region).describe_trails(
        includeShadowTrails=True).get("trailList", []))


def region_trails(ctx: AwsContext, region: str) -> list[Resource]:
    """Trails whose home region is ``region``, once per run."""

    def fetch() -> list[Resource]:
        homed = [t for t in _listing(ctx, region) if t.get("HomeRegion", region) == region]
        return ctx.map(lambda t: _trail(ctx, region, t), homed)

    return ctx.memo(("cloudtrail", "trails", region), fetch)


def remote_trails(ctx: AwsContext) -> list[Resource]:
    """Trails covering the scanned regions from a home region outside them, each once, read at home.
    A region whose listing failed is skipped here: its own trails collector reports the failure."""

    def fetch() -> list[Resource]:
        found: dict[str, dict[str, Any]] = {}
        for region in ctx.scan_regions:
            try:
                listed = _listing(ctx, region)
            except Exception:  # noqa: BLE001 - reported by the collector of that region
                continue
            for trail in listed:
                if trail.get("HomeRegion", region) not in ctx.scan_regions:
                    found.setdefault(trail["TrailARN"], trail)
        return ctx.map(lambda t: _trail(ctx, t["HomeRegion"], t), [found[arn] for arn in sorted(found)])

    return ctx.memo(("cloudtrail", "remote"), fetch)


@aws_collector("aws.cloudtrail.trail", service="cloudtrail",
               calls=TRAIL_CALLS)
def trails(ctx: AwsContext, region: str | None) -> Iterator[Resource]:
    assert region is not None  # a regional collector
    yield from region_trails(ctx, region)
    if region == ctx.scan_regions[0]:  # trails homed outside the scan appear once, with the first region
        yield from remote_trails(ctx)


@aws_collector("aws.cloudtrail.account", service="cloudtrail", is_global=True,
               uses={"aws.cloudtrail.trail": ("is_logging", "management_events")},
               calls=TRAIL_CALLS)
def account(ctx: AwsContext, region: str | None) -> Iterator[Resource]:
    found, unlisted = covering_trails(ctx)
    yield ctx.resource("aws.cloudtrail.account", ctx.arn("cloudtrail", None, "account"), None,
                       trails=[_summary(trail) for trail in found], unlisted_regions=unlisted)


def covering_trails(ctx: AwsContext) -> tuple[list[Resource], dict[str, str]]:
    """Every trail covering the scan (those homed in each scanned region, then those homed outside it, each
    once), and the scanned regions whose trails could not be listed, with why: the checks error unless a
    good trail is seen."""
    found: list[Resource] = []
    unlisted: dict[str, str] = {}
    for name in ctx.scan_regions:
        try:
            found += region_trails(ctx, name)
        except Exception as exc:  # noqa: BLE001 - recorded, see above
            unlisted[name] = ctx.reason(exc)
    return found + remote_trails(ctx), unlisted


def _summary(trail: Resource) -> dict[str, Any]:
    return {"arn": trail.id, "home_region": trail.region, "multi_region": trail.attributes["multi_region"],
            "is_logging": trail.attributes.get("is_logging"), "status_error": trail.unreadable.get("is_logging"),
            "management_events": trail.attributes.get("management_events"),
            "selectors_error": trail.unreadable.get("management_events")}
