"""Systems Manager's view of EC2 instances: which are managed, and their patch and association compliance.

Each is one paginated listing per region, made only when a selected control reads the attribute;
there is no resource type of its own: the attributes are the instance's (``aws.ec2.instance``).
"""
from __future__ import annotations

from typing import Any, Callable

from ...model import Resource
from ._listing import read_each, regional
from .context import AwsContext

SSM_CALLS = ("ssm:DescribeInstanceInformation", "ssm:ListResourceComplianceSummaries")  # what ssm_view calls


def _compliance(ctx: AwsContext, region: str | None, kind: str) -> dict[str, dict[str, Any]]:
    """Instance id -> its ``kind`` (Patch or Association) compliance summary, once per region."""

    def summarize() -> dict[str, dict[str, Any]]:
        items = regional(ctx, region, "ssm", "list_resource_compliance_summaries", "ResourceComplianceSummaryItems",
                         Filters=[{"Key": "ComplianceType", "Values": [kind], "Type": "EQUAL"}])
        out = {}
        for item in items:
            if item.get("ResourceType") not in (None, "ManagedInstance"):
                continue
            counts = (item.get("NonCompliantSummary") or {}).get("SeveritySummary") or {}
            out[item.get("ResourceId")] = {
                "status": item.get("Status"), "overall_severity": item.get("OverallSeverity"),
                **{name.lower(): counts.get(f"{name}Count", 0)
                   for name in ("Critical", "High", "Medium", "Low", "Informational", "Unspecified")}}
        return out

    return ctx.memo(("ssm", region, "compliance", kind), summarize)


def _managed(ctx: AwsContext, region: str | None) -> dict[str, str | None]:
    """Instance id -> SSM agent ping status of every managed instance in the region."""
    return ctx.memo(("ssm", region, "managed"), lambda: {
        i.get("InstanceId"): i.get("PingStatus")
        for i in regional(ctx, region, "ssm", "describe_instance_information", "InstanceInformationList")})


def ssm_view(ctx: AwsContext, region: str | None, instances: list[Resource]) -> None:
    """``ssm_managed`` (the agent's ping status, None when not managed), ``patch_compliance`` and
    ``association_compliance`` (None when SSM reports nothing for the instance)."""
    read_each(ctx, instances, "ssm_managed", lambda r: _managed(ctx, region).get(r.attributes["instance_id"]))
    for attribute, kind in (("patch_compliance", "Patch"), ("association_compliance", "Association")):
        read_each(ctx, instances, attribute, _reader(ctx, region, kind))


def _reader(ctx: AwsContext, region: str | None, kind: str) -> Callable[[Resource], Any]:
    return lambda resource: _compliance(ctx, region, kind).get(resource.attributes["instance_id"])
