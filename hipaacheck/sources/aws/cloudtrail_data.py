"""CloudTrail S3 data events: which trails record object-level reads and writes, for which buckets.

One account resource (like ``aws.cloudtrail.account``), so "no trail records them" is a failing
finding. The trails' event selectors are the ones the trail collector reads (one call per trail).
Bucket tags (``bucket_tags``) are read only when a control limits the requirement to tagged buckets.
"""
from __future__ import annotations

from typing import Any, Iterator

from ...model import Resource
from ._listing import tags
from .cloudtrail import TRAIL_CALLS, covering_trails, event_selectors
from .s3 import listed_buckets
from .context import AwsContext
from .registry import aws_collector

S3_OBJECT = "AWS::S3::Object"
ALL_BUCKETS = {"arn:aws:s3", "arn:aws:s3:::", "arn:aws-us-gov:s3", "arn:aws-us-gov:s3:::", "arn:aws-cn:s3",
               "arn:aws-cn:s3:::"}


def _targets(values: list[str]) -> tuple[bool, set[str]]:
    """(all buckets, named buckets) from S3 object ARN prefixes (``arn:aws:s3:::bucket/`` or all)."""
    every = any(v.rstrip("/") in ALL_BUCKETS for v in values)
    named = {v.split(":::", 1)[1].split("/", 1)[0] for v in values if ":::" in v and v.split(":::", 1)[1]}
    return every, named


def _add(coverage: dict[str, dict[str, Any]], kinds: set[str], every: bool, named: set[str]) -> None:
    for kind in kinds:
        coverage[kind]["all"] = coverage[kind]["all"] or every
        coverage[kind]["buckets"] |= named


def s3_data_coverage(answer: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """``{"read"|"write": {"all": bool, "buckets": [names]}}``: S3 object events the selectors record."""
    coverage: dict[str, dict[str, Any]] = {k: {"all": False, "buckets": set()} for k in ("read", "write")}
    for selector in answer.get("EventSelectors") or []:
        kind = selector.get("ReadWriteType", "All")
        kinds = {"read", "write"} if kind == "All" else {"read" if kind == "ReadOnly" else "write"}
        for data in selector.get("DataResources") or []:
            if data.get("Type") == S3_OBJECT:
                _add(coverage, kinds, *_targets(data.get("Values") or []))
    for selector in answer.get("AdvancedEventSelectors") or []:
        fields = {f.get("Field"): f for f in selector.get("FieldSelectors") or []}
        if (fields.pop("eventCategory", {}) or {}).get("Equals") != ["Data"]:
            continue
        if (fields.pop("resources.type", {}) or {}).get("Equals") != [S3_OBJECT]:
            continue
        read_only = fields.pop("readOnly", None)
        arns = fields.pop("resources.ARN", None)
        if fields or (arns and set(arns) - {"Field", "StartsWith"}):
            continue  # any other filter (eventName, NotStartsWith...) leaves events out: not counted
        kinds = ({"read", "write"} if read_only is None
                 else {"read"} if read_only.get("Equals") == ["true"] else {"write"})
        _add(coverage, kinds, *(_targets(arns["StartsWith"]) if arns else (True, set())))
    return {k: {"all": v["all"], "buckets": sorted(v["buckets"])} for k, v in coverage.items()}


def _bucket_tags(ctx: AwsContext) -> dict[str, dict[str, str]]:
    """Each listed bucket's tags, asked of its own region (where ListBuckets reports it; a redirect otherwise);
    a bucket whose tags cannot be read carries the reason instead."""

    def one(listed: dict[str, Any]) -> tuple[str, Any]:
        name = listed["Name"]
        try:
            answer = ctx.client("s3", listed.get("BucketRegion")).get_bucket_tagging(Bucket=name)
            return name, tags(answer.get("TagSet"))
        except Exception as exc:  # noqa: BLE001 - recorded as the bucket's entry
            code = ctx.describe(exc)[0]
            return name, {} if code == "NoSuchTagSet" else {"unreadable": ctx.reason(exc)}

    return dict(ctx.map(one, listed_buckets(ctx)))


@aws_collector("aws.cloudtrail.s3_data_events", service="cloudtrail", is_global=True,
               uses={"aws.cloudtrail.trail": ("is_logging",)},
               calls=("s3:GetBucketTagging", "s3:ListBuckets", *TRAIL_CALLS))
def s3_data_events(ctx: AwsContext, region: str | None) -> Iterator[Resource]:
    found, unlisted = covering_trails(ctx)  # a multi-region trail homed outside the scan covers it too
    resource = ctx.resource("aws.cloudtrail.s3_data_events", ctx.arn("cloudtrail", None, "s3-data-events"), None,
                            trails=[], unread={f"trails in {name}": why for name, why in unlisted.items()})
    for trail in found:
        entry = {"arn": trail.id, "multi_region": trail.attributes["multi_region"],
                 "is_logging": trail.attributes.get("is_logging")}
        try:
            entry["s3"] = s3_data_coverage(event_selectors(ctx, trail.region or ctx.default_region, trail.id))
        except Exception as exc:  # noqa: BLE001 - recorded; the check errors unless a good trail is seen
            resource.attributes["unread"][trail.id] = ctx.reason(exc)
            continue
        resource.attributes["trails"].append(entry)
    ctx.read(resource, "bucket_tags", lambda: _bucket_tags(ctx))
    yield resource
