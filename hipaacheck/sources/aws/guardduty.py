"""GuardDuty: one resource per region, so a region with no detector is a failing resource, not a skip;
with the open high-severity findings of its detectors (type and age only, never the finding details)."""
from __future__ import annotations

from typing import Any, Iterator

from ...model import Resource
from .registry import aws_collector
from ._listing import days_since
from .context import AwsContext


@aws_collector("aws.guardduty.detector", service="guardduty",
               calls=("guardduty:GetDetector", "guardduty:GetFindings", "guardduty:ListDetectors",
                      "guardduty:ListFindings"))
def detectors(ctx: AwsContext, region: str | None) -> Iterator[Resource]:
    client = ctx.client("guardduty", region)
    ids = ctx.paginate("guardduty", region, "list_detectors", "DetectorIds")
    resource = ctx.resource("aws.guardduty.detector", ctx.arn("guardduty", region, "detectors"), region,
                            detector_ids=sorted(ids))
    ctx.read(resource, "statuses", lambda: {i: client.get_detector(DetectorId=i).get("Status") for i in sorted(ids)})
    ctx.read(resource, "high_findings", lambda: [f for i in sorted(ids) for f in _high_findings(ctx, region, i)])
    yield resource


HIGH = {"Criterion": {"severity": {"GreaterThanOrEqual": 7}, "service.archived": {"Equals": ["false"]}}}
BATCH = 50  # GetFindings limit


def _high_findings(ctx: AwsContext, region: str | None, detector: str) -> list[dict[str, Any]]:
    """Open (not archived) findings of severity 7 or more: type, severity and how many days since first seen."""
    client = ctx.client("guardduty", region)
    ids = ctx.paginate("guardduty", region, "list_findings", "FindingIds", DetectorId=detector, FindingCriteria=HIGH)
    found = []
    for start in range(0, len(ids), BATCH):
        for finding in client.get_findings(DetectorId=detector, FindingIds=ids[start:start + BATCH])["Findings"]:
            first = (finding.get("Service") or {}).get("EventFirstSeen") or finding.get("CreatedAt")
            found.append({"id": finding.get("Id"), "type": finding.get("Type"), "severity": finding.get("Severity"),
                          "created_at": finding.get("CreatedAt"), "open_days": days_since(ctx, first)})
    return sorted(found, key=lambda f: (-(f["open_days"] or 0), str(f["id"])))
