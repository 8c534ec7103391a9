"""AWS Config: one resource per region describing its configuration recorders and whether they record."""
from __future__ import annotations

from typing import Iterator

from ...model import Resource
from .registry import aws_collector
from .context import AwsContext, iso


def _recorder(recorder: dict) -> dict:
    """Name and scope: whether every supported resource type is recorded (``allSupported``, which
    the ALL_SUPPORTED_RESOURCE_TYPES strategy implies) and which types are excluded."""
    group = recorder.get("recordingGroup") or {}
    strategy = (group.get("recordingStrategy") or {}).get("useOnly")
    return {"name": recorder["name"], "all_supported": bool(group.get("allSupported", False)),
            "strategy": strategy, "resource_types": sorted(group.get("resourceTypes") or []),
            "excluded_types": sorted((group.get("exclusionByResourceTypes") or {}).get("resourceTypes") or [])}


@aws_collector("aws.config.recorder", service="config",
               calls=("config:DescribeConfigurationRecorderStatus", "config:DescribeConfigurationRecorders"))
def recorders(ctx: AwsContext, region: str | None) -> Iterator[Resource]:
    client = ctx.client("config", region)
    found = client.describe_configuration_recorders().get("ConfigurationRecorders", [])
    resource = ctx.resource("aws.config.recorder", ctx.arn("config", region, "configuration-recorders"), region,
                            recorders=[_recorder(r) for r in found])
    if found:
        ctx.read(resource, "statuses", lambda: {
            s["name"]: {"recording": s.get("recording", False), "last_status": s.get("lastStatus"),
                        "last_error_code": s.get("lastErrorCode"), "last_start": iso(s.get("lastStartTime"))}
            for s in client.describe_configuration_recorder_status().get("ConfigurationRecordersStatus", [])})
    else:
        resource.attributes["statuses"] = {}
    yield resource
