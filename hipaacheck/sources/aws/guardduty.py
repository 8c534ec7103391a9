"""GuardDuty: one resource per region, so a region with no detector is a failing resource, not a skip."""
from __future__ import annotations

from typing import Iterator

from ...model import Resource
from .registry import aws_collector
from .context import AwsContext


@aws_collector("aws.guardduty.detector", service="guardduty",
               calls=("guardduty:GetDetector", "guardduty:ListDetectors"))
def detectors(ctx: AwsContext, region: str | None) -> Iterator[Resource]:
    client = ctx.client("guardduty", region)
    ids = ctx.paginate("guardduty", region, "list_detectors", "DetectorIds")
    resource = ctx.resource("aws.guardduty.detector", ctx.arn("guardduty", region, "detectors"), region,
                            detector_ids=sorted(ids))
    ctx.read(resource, "statuses", lambda: {i: client.get_detector(DetectorId=i).get("Status") for i in sorted(ids)})
    yield resource
