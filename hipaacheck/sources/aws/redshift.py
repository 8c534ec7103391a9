"""Redshift provisioned clusters: encryption, public accessibility, snapshots, audit logging (one
DescribeLoggingStatus each) and ``require_ssl`` from the cluster parameter group (each group read once per run)."""
from __future__ import annotations

from typing import Iterable

from ...model import Resource
from .context import AwsContext
from .registry import aws_collector


def _require_ssl(ctx: AwsContext, region: str | None, group: str) -> str | None:
    """The group's ``require_ssl`` value, lower-cased; None when the group does not report it."""
    parameters = ctx.paginate("redshift", region, "describe_cluster_parameters", "Parameters",
                              ParameterGroupName=group)
    value = next((p.get("ParameterValue") for p in parameters if p.get("ParameterName") == "require_ssl"), None)
    return str(value).strip().lower() if value is not None else None


@aws_collector("aws.redshift.cluster", service="redshift",
               calls=("redshift:DescribeClusterParameters", "redshift:DescribeClusters",
                      "redshift:DescribeLoggingStatus"))
def clusters(ctx: AwsContext, region: str | None) -> Iterable[Resource]:
    for cluster in ctx.paginate("redshift", region, "describe_clusters", "Clusters"):
        name = cluster["ClusterIdentifier"]
        groups = [g["ParameterGroupName"] for g in cluster.get("ClusterParameterGroups") or []]
        resource = ctx.resource("aws.redshift.cluster", ctx.arn("redshift", region, f"cluster:{name}"), region,
                                identifier=name, encrypted=bool(cluster.get("Encrypted", False)),
                                kms_key_id=cluster.get("KmsKeyId"),
                                publicly_accessible=bool(cluster.get("PubliclyAccessible", False)),
                                parameter_group=groups[0] if groups else None,
                                automated_snapshot_retention=cluster.get("AutomatedSnapshotRetentionPeriod", 0),
                                allow_version_upgrade=bool(cluster.get("AllowVersionUpgrade", False)))
        ctx.read(resource, "audit_logging", lambda: bool(ctx.client("redshift", region).describe_logging_status(
            ClusterIdentifier=name).get("LoggingEnabled", False)))
        if groups:  # a cluster has one parameter group
            group = groups[0]
            ctx.read(resource, "require_ssl", lambda: ctx.memo(
                ("redshift", region, "parameters", group), lambda: _require_ssl(ctx, region, group)))
        else:
            resource.unreadable["require_ssl"] = "redshift:DescribeClusters reported no cluster parameter group"
        yield resource
