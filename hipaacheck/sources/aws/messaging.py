"""SNS topics and SQS queues: encryption settings only (policies and messages are not read)."""
from __future__ import annotations

from typing import Iterable

from ...model import Resource
from ._reads import make_resource
from .context import AwsContext
from . import aws_collector


@aws_collector("aws.sns.topic", service="sns")
def topics(ctx: AwsContext, region: str | None) -> Iterable[Resource]:
    client = ctx.client("sns", region)
    for topic in ctx.paginate("sns", region, "list_topics", "Topics"):
        arn = topic["TopicArn"]
        resource = make_resource(ctx, "aws.sns.topic", arn, region, name=arn.rsplit(":", 1)[-1])
        ctx.read(resource, "kms_master_key_id",
                 lambda arn=arn: client.get_topic_attributes(TopicArn=arn)["Attributes"].get("KmsMasterKeyId"))
        yield resource


@aws_collector("aws.sqs.queue", service="sqs")
def queues(ctx: AwsContext, region: str | None) -> Iterable[Resource]:
    client = ctx.client("sqs", region)
    for url in ctx.paginate("sqs", region, "list_queues", "QueueUrls"):
        name = url.rstrip("/").rsplit("/", 1)[-1]
        resource = make_resource(ctx, "aws.sqs.queue", ctx.arn("sqs", region, name), region, name=name, url=url)

        def encryption(url: str = url) -> dict:
            attributes = client.get_queue_attributes(
                QueueUrl=url, AttributeNames=["KmsMasterKeyId", "SqsManagedSseEnabled"])["Attributes"]
            return {"kms_master_key_id": attributes.get("KmsMasterKeyId"),
                    "sqs_managed_sse": str(attributes.get("SqsManagedSseEnabled", "false")).lower() == "true"}

        ctx.read(resource, "encryption", encryption)
        yield resource
