"""DynamoDB tables: server-side encryption type, deletion protection, point-in-time recovery and AWS Backup
recovery points (DescribeTable read once per table for both of its attributes)."""
from __future__ import annotations

from typing import Iterable

from ...model import Resource
from ._listing import BACKUP_PROTECTED_CALLS, backup_protected
from .context import AwsContext
from .registry import aws_collector


@aws_collector("aws.dynamodb.table", service="dynamodb",
               calls=("dynamodb:DescribeContinuousBackups", "dynamodb:DescribeTable", "dynamodb:ListTables",
                      *BACKUP_PROTECTED_CALLS))
def tables(ctx: AwsContext, region: str | None) -> Iterable[Resource]:
    client = ctx.client("dynamodb", region)
    resources = [ctx.resource("aws.dynamodb.table", ctx.arn("dynamodb", region, f"table/{name}"), region, name=name)
                 for name in ctx.paginate("dynamodb", region, "list_tables", "TableNames")]

    def table(name: str) -> dict:
        return ctx.memo(("dynamodb", region, "table", name), lambda: client.describe_table(TableName=name)["Table"])

    def sse(name: str) -> dict:
        description = table(name).get("SSEDescription") or {}
        # no SSEDescription: encrypted with an AWS-owned key (no customer control over the key)
        return {"status": description.get("Status"), "type": description.get("SSEType"),
                "kms_key_arn": description.get("KMSMasterKeyArn")}

    def pitr(name: str) -> str | None:
        backups = client.describe_continuous_backups(TableName=name)["ContinuousBackupsDescription"]
        return (backups.get("PointInTimeRecoveryDescription") or {}).get("PointInTimeRecoveryStatus")

    def enrich(resource: Resource) -> None:
        name = resource.attributes["name"]
        ctx.read(resource, "sse", lambda: sse(name))
        ctx.read(resource, "deletion_protection", lambda: bool(table(name).get("DeletionProtectionEnabled", False)))
        ctx.read(resource, "point_in_time_recovery", lambda: pitr(name))
        ctx.read(resource, "backup_protected", lambda: backup_protected(ctx, region, resource.id))

    ctx.map(enrich, resources)
    return resources
