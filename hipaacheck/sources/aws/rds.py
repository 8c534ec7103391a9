"""RDS: DB instances (with the TLS parameters of their parameter groups) and DB snapshots."""
from __future__ import annotations

from typing import Any, Iterable

from ...model import Resource
from .context import AwsContext
from . import aws_collector

TLS_PARAMETERS = ("rds.force_ssl", "require_secure_transport")


def _tls_parameters(ctx: AwsContext, region: str | None, group: str) -> dict[str, Any]:
    """The TLS-enforcing parameters a group reports (an absent name was not reported at all)."""
    parameters = ctx.paginate("rds", region, "describe_db_parameters", "Parameters", DBParameterGroupName=group)
    return {p["ParameterName"]: p.get("ParameterValue") for p in parameters
            if p.get("ParameterName") in TLS_PARAMETERS}


@aws_collector("aws.rds.db_instance", service="rds")
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
                                parameter_groups=groups)
        ctx.read(resource, "tls_parameters", lambda groups=groups: {
            g: ctx.memo(("rds", region, "parameters", g), lambda g=g: _tls_parameters(ctx, region, g))
            for g in groups})
        yield resource


@aws_collector("aws.rds.db_snapshot", service="rds")
def db_snapshots(ctx: AwsContext, region: str | None) -> Iterable[Resource]:
    client = ctx.client("rds", region)
    resources = [
        ctx.resource("aws.rds.db_snapshot",
                     snap.get("DBSnapshotArn") or ctx.arn("rds", region, f"snapshot:{snap['DBSnapshotIdentifier']}"),
                     region, identifier=snap["DBSnapshotIdentifier"], instance=snap.get("DBInstanceIdentifier"),
                     snapshot_type=snap.get("SnapshotType"), encrypted=bool(snap.get("Encrypted", False)),
                     kms_key_id=snap.get("KmsKeyId"))
        for snap in ctx.paginate("rds", region, "describe_db_snapshots", "DBSnapshots")]

    def restore_grants(resource: Resource) -> None:
        def call() -> list[str]:
            answer = client.describe_db_snapshot_attributes(DBSnapshotIdentifier=resource.attributes["identifier"])
            attributes = (answer.get("DBSnapshotAttributesResult") or {}).get("DBSnapshotAttributes") or []
            return sorted({v for a in attributes if a.get("AttributeName") == "restore"
                           for v in a.get("AttributeValues") or []})

        ctx.read(resource, "restore_grants", call)

    ctx.map(restore_grants, resources)
    return resources
