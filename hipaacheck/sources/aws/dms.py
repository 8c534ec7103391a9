"""Database Migration Service replication instances: whether each has a public address (from the listing)."""
from __future__ import annotations

from typing import Any, Iterable

from ...model import Resource
from ._listing import listed
from .context import AwsContext
from .registry import aws_collector


@aws_collector("aws.dms.replication_instance", service="dms", calls=("dms:DescribeReplicationInstances",))
def replication_instances(ctx: AwsContext, region: str | None) -> Iterable[Resource]:
    def build(instance: dict[str, Any]) -> Resource:
        resource = ctx.resource("aws.dms.replication_instance", instance["ReplicationInstanceArn"], region,
                                name=instance.get("ReplicationInstanceIdentifier"))
        if "PubliclyAccessible" in instance:
            resource.attributes["publicly_accessible"] = bool(instance["PubliclyAccessible"])
        else:  # not "not public": what the listing did not say is unknown
            resource.unreadable["publicly_accessible"] = "DescribeReplicationInstances did not report PubliclyAccessible"
        return resource

    return listed(ctx, region, "dms", "describe_replication_instances", "ReplicationInstances", build)
