"""DynamoDB tables: server-side encryption type and point-in-time recovery."""
from __future__ import annotations

from typing import Iterable

from ...model import Resource
from ._reads import make_resource
from .context import AwsContext
from . import aws_collector


@aws_collector("aws.dynamodb.table", service="dynamodb")
def tables(ctx: AwsContext, region: str | None) -> Iterable[Resource]:
    client = ctx.client("dynamodb", region)
    for name in ctx.paginate("dynamodb", region, "list_tables", "TableNames"):
        resource = make_resource(ctx, "aws.dynamodb.table", ctx.arn("dynamodb", region, f"table/{name}"),
                                 region, name=name)

        def sse(name: str = name) -> dict:
            description = client.describe_table(TableName=name)["Table"].get("SSEDescription") or {}
            # absent SSEDescription: encrypted with an AWS-owned key (no customer control over the key)
            return {"status": description.get("Status"), "type": description.get("SSEType"),
                    "kms_key_arn": description.get("KMSMasterKeyArn")}

        def pitr(name: str = name) -> str | None:
            backups = client.describe_continuous_backups(TableName=name)["ContinuousBackupsDescription"]
            return (backups.get("PointInTimeRecoveryDescription") or {}).get("PointInTimeRecoveryStatus")

        ctx.read(resource, "sse", sse)
        ctx.read(resource, "point_in_time_recovery", pitr)
        yield resource
