"""ElastiCache replication groups (Redis OSS / Valkey): encryption at rest and in transit, automatic backups."""
from __future__ import annotations

from typing import Iterable

from ...model import Resource
from .context import AwsContext
from .registry import aws_collector


@aws_collector("aws.elasticache.replication_group", service="elasticache",
               calls=("elasticache:DescribeReplicationGroups",))
def replication_groups(ctx: AwsContext, region: str | None) -> Iterable[Resource]:
    for group in ctx.paginate("elasticache", region, "describe_replication_groups", "ReplicationGroups"):
        group_id = group["ReplicationGroupId"]
        yield ctx.resource("aws.elasticache.replication_group",
                           group.get("ARN") or ctx.arn("elasticache", region, f"replicationgroup:{group_id}"),
                           region, replication_group_id=group_id, engine=group.get("Engine"),
                           at_rest_encryption=bool(group.get("AtRestEncryptionEnabled", False)),
                           kms_key_id=group.get("KmsKeyId"),
                           transit_encryption=bool(group.get("TransitEncryptionEnabled", False)),
                           # "preferred" still accepts clear-text clients (during migration to "required")
                           transit_encryption_mode=group.get("TransitEncryptionMode"),
                           snapshot_retention_limit=group.get("SnapshotRetentionLimit", 0))
