"""CloudWatch Logs: log groups per region (retention and KMS key come with the listing)."""
from __future__ import annotations

from typing import Iterator

from ...model import Resource
from .registry import aws_collector
from .context import AwsContext


@aws_collector("aws.logs.log_group", service="logs",
               calls=("logs:DescribeLogGroups",))
def log_groups(ctx: AwsContext, region: str | None) -> Iterator[Resource]:
    for group in ctx.paginate("logs", region, "describe_log_groups", "logGroups"):
        arn = group.get("arn", "").removesuffix(":*") or ctx.arn("logs", region, f"log-group:{group['logGroupName']}")
        yield ctx.resource("aws.logs.log_group", arn, region, name=group["logGroupName"],
                           retention_days=group.get("retentionInDays"), kms_key_id=group.get("kmsKeyId"))
