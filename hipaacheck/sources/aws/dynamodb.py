"""DynamoDB tables: server-side encryption type and point-in-time recovery."""
from __future__ import annotations

from typing import Iterable

from ...model import Resource
from .context import AwsContext
from .registry import aws_collector


@aws_collector("aws.dynamodb.table", service="dynamodb",
               calls=("dynamodb:DescribeContinuousBackups", "dynamodb:DescribeTable", "dynamodb:ListTables"))
def tables(ctx: AwsContext, region: str | None) -> Iterable[Resource]:
    client = ctx.client("dynamodb", region)
    resources = [ctx.resource("aws.dynamodb.table", ctx.arn("dynamodb", region, f"table/{name}"), region, name=name)
                 for name in ctx.paginate("dynamodb", region, "list_tables", "TableNames")]

    def sse(name: str) -> dict:
        description = client.describe_table(TableName=name)["Table"].get("SSEDescription") or {}
        # no SSEDescription: encrypted with an AWS-owned key (no customer control over the key)
        return {"status": description.get("Status"), "type": description.get("SSEType"),
                "kms_key_arn": description.get("KMSMasterKeyArn")}

    def pitr(name: str) -> str | None:
        backups = client.describe_continuous_backups(TableName=name)["ContinuousBackupsDescription"]
        return (backups.get("PointInTimeRecoveryDescription") or {}).get("PointInTimeRecoveryStatus")

    def enrich(resource: Resource) -> None:
        name = resource.attributes["name"]
        ctx.read(resource, "sse", lambda: sse(name))
        ctx.read(resource, "point_in_time_recovery", lambda: pitr(name))

    ctx.map(enrich, resources)
    return resources
