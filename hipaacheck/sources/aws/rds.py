"""RDS: DB instances and DB clusters (with the TLS parameters of their parameter groups),
DB snapshots and DB cluster snapshots (with who may restore them)."""
from __future__ import annotations

from typing import Any, Callable, Iterable

from ...model import Resource
from ._listing import BACKUP_PROTECTED_CALLS, backup_protected
from .context import AwsContext
from .registry import aws_collector

TLS_PARAMETERS = ("rds.force_ssl", "require_secure_transport", "tls")  # tls: DocumentDB clusters


def _tls_parameters(ctx: AwsContext, region: str | None, operation: str, **group: str) -> dict[str, Any]:
    """The TLS-enforcing parameters a (cluster) parameter group reports (an absent name was not reported)."""
    parameters = ctx.paginate("rds", region, operation, "Parameters", **group)
    return {p["ParameterName"]: p.get("ParameterValue") for p in parameters
            if p.get("ParameterName") in TLS_PARAMETERS}


def _read_restore_grants(ctx: AwsContext, resources: list[Resource],
                         attributes_of: Callable[[str], list[dict[str, Any]]]) -> None:
    """Store each snapshot's ``restore`` attribute values (account ids, or ``all`` when public)."""

    def read(resource: Resource) -> None:
        def call() -> list[str]:
            return sorted({v for a in attributes_of(resource.attributes["identifier"])
                           if a.get("AttributeName") == "restore" for v in a.get("AttributeValues") or []})

        ctx.read(resource, "restore_grants", call)

    ctx.map(read, resources)


@aws_collector("aws.rds.db_instance", service="rds",
               calls=("rds:DescribeDBInstances", "rds:DescribeDBParameters", *BACKUP_PROTECTED_CALLS))
def db_instances(ctx: AwsContext, region: str | None) -> Iterable[Resource]:
    for db in ctx.paginate("rds", region, "describe_db_instances", "DBInstances"):
        groups = [g["DBParameterGroupName"] for g in db.get("DBParameterGroups") or []]
        resource = ctx.resource("aws.rds.db_instance", db["DBInstanceArn"], region,
                                identifier=db["DBInstanceIdentifier"], engine=db.get("Engine"),
                                engine_version=db.get("EngineVersion"),
                                cluster=db.get("DBClusterIdentifier"),
                                storage_encrypted=bool(db.get("StorageEncrypted", False)),
                                kms_key_id=db.get("KmsKeyId"),
                                backup_retention_period=db.get("BackupRetentionPeriod", 0),
                                publicly_accessible=bool(db.get("PubliclyAccessible", False)),
                                deletion_protection=bool(db.get("DeletionProtection", False)),
                                multi_az=bool(db.get("MultiAZ", False)),
                                log_exports=sorted(db.get("EnabledCloudwatchLogsExports") or []),
                                auto_minor_version_upgrade=bool(db.get("AutoMinorVersionUpgrade", False)),
                                monitoring_interval=db.get("MonitoringInterval", 0),
                                parameter_groups=groups)
        ctx.read(resource, "backup_protected", lambda: backup_protected(ctx, region, resource.id))
        if not db.get("DBClusterIdentifier"):  # a cluster member's TLS settings are the cluster's
            ctx.read(resource, "tls_parameters", lambda: {
                g: ctx.memo(("rds", region, "parameters", g),
                            lambda: _tls_parameters(ctx, region, "describe_db_parameters",
                                                        DBParameterGroupName=g))
                for g in groups})
        yield resource


@aws_collector("aws.rds.db_cluster", service="rds",
               calls=("rds:DescribeDBClusterParameters", "rds:DescribeDBClusters", *BACKUP_PROTECTED_CALLS))
def db_clusters(ctx: AwsContext, region: str | None) -> Iterable[Resource]:
    """Aurora, Multi-AZ DB clusters (and DocumentDB/Neptune, which share the API): the settings
    that live on the cluster, and the TLS parameters of its cluster parameter group (read once
    per group per run)."""
    for cluster in ctx.paginate("rds", region, "describe_db_clusters", "DBClusters"):
        group = cluster.get("DBClusterParameterGroup")
        resource = ctx.resource(
            "aws.rds.db_cluster", cluster["DBClusterArn"], region,
            identifier=cluster["DBClusterIdentifier"], engine=cluster.get("Engine"),
            engine_version=cluster.get("EngineVersion"), engine_mode=cluster.get("EngineMode"),
            storage_encrypted=bool(cluster.get("StorageEncrypted", False)),
            kms_key_id=cluster.get("KmsKeyId") if cluster.get("StorageEncrypted") else None,
            deletion_protection=bool(cluster.get("DeletionProtection", False)),
            backup_retention_period=cluster.get("BackupRetentionPeriod", 0),
            iam_database_authentication=bool(cluster.get("IAMDatabaseAuthenticationEnabled", False)),
            multi_az=bool(cluster.get("MultiAZ", False)),
            log_exports=sorted(cluster.get("EnabledCloudwatchLogsExports") or []),
            members=sorted(m["DBInstanceIdentifier"] for m in cluster.get("DBClusterMembers") or []),
            parameter_group=group)
        ctx.read(resource, "backup_protected", lambda: backup_protected(ctx, region, resource.id))
        if group:
            ctx.read(resource, "tls_parameters", lambda: {
                group: ctx.memo(("rds", region, "cluster-parameters", group),
                                lambda: _tls_parameters(ctx, region, "describe_db_cluster_parameters",
                                                        DBClusterParameterGroupName=group))})
        else:
            resource.unreadable["tls_parameters"] = "rds:DescribeDBClusters reported no cluster parameter group"
        yield resource


@aws_collector("aws.rds.db_snapshot", service="rds",
               calls=("rds:DescribeDBSnapshotAttributes", "rds:DescribeDBSnapshots"))
def db_snapshots(ctx: AwsContext, region: str | None) -> Iterable[Resource]:
    client = ctx.client("rds", region)
    resources = [
        ctx.resource("aws.rds.db_snapshot",
                     snap.get("DBSnapshotArn") or ctx.arn("rds", region, f"snapshot:{snap['DBSnapshotIdentifier']}"),
                     region, identifier=snap["DBSnapshotIdentifier"], instance=snap.get("DBInstanceIdentifier"),
                     snapshot_type=snap.get("SnapshotType"), encrypted=bool(snap.get("Encrypted", False)),
                     kms_key_id=snap.get("KmsKeyId"))
        for snap in ctx.paginate("rds", region, "describe_db_snapshots", "DBSnapshots")]
    _read_restore_grants(ctx, resources, lambda name: (client.describe_db_snapshot_attributes(
        DBSnapshotIdentifier=name).get("DBSnapshotAttributesResult") or {}).get("DBSnapshotAttributes") or [])
    return resources


@aws_collector("aws.rds.db_cluster_snapshot", service="rds",
               calls=("rds:DescribeDBClusterSnapshotAttributes", "rds:DescribeDBClusterSnapshots"))
def db_cluster_snapshots(ctx: AwsContext, region: str | None) -> Iterable[Resource]:
    client = ctx.client("rds", region)
    resources = [
        ctx.resource("aws.rds.db_cluster_snapshot",
                     snap.get("DBClusterSnapshotArn")
                     or ctx.arn("rds", region, f"cluster-snapshot:{snap['DBClusterSnapshotIdentifier']}"),
                     region, identifier=snap["DBClusterSnapshotIdentifier"], cluster=snap.get("DBClusterIdentifier"),
                     engine=snap.get("Engine"), snapshot_type=snap.get("SnapshotType"),
                     encrypted=bool(snap.get("StorageEncrypted", False)),
                     kms_key_id=snap.get("KmsKeyId") if snap.get("StorageEncrypted") else None)
        for snap in ctx.paginate("rds", region, "describe_db_cluster_snapshots", "DBClusterSnapshots")]
    _read_restore_grants(ctx, resources, lambda name: (client.describe_db_cluster_snapshot_attributes(
        DBClusterSnapshotIdentifier=name).get("DBClusterSnapshotAttributesResult") or {})
        .get("DBClusterSnapshotAttributes") or [])
    return resources
