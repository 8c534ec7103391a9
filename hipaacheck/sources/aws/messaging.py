"""SNS topics and SQS queues: encryption settings only (policies and messages are not read)."""
from __future__ import annotations

from typing import Iterable

from ...model import Resource
from .context import AwsContext
from .registry import aws_collector


@aws_collector("aws.sns.topic", service="sns",
               calls=("sns:GetTopicAttributes", "sns:ListTopics"))
def topics(ctx: AwsContext, region: str | None) -> Iterable[Resource]:
    client = ctx.client("sns", region)
    resources = [ctx.resource("aws.sns.topic", t["TopicArn"], region, name=t["TopicArn"].rsplit(":", 1)[-1])
                 for t in ctx.paginate("sns", region, "list_topics", "Topics")]

    def encryption(resource: Resource) -> None:
        ctx.read(resource, "kms_master_key_id", lambda: client.get_topic_attributes(
            TopicArn=resource.id)["Attributes"].get("KmsMasterKeyId"))

    ctx.map(encryption, resources)
    return resources


@aws_collector("aws.sqs.queue", service="sqs",
               calls=("sqs:GetQueueAttributes", "sqs:ListQueues"))
def queues(ctx: AwsContext, region: str | None) -> Iterable[Resource]:
    client = ctx.client("sqs", region)
    resources = []
    for url in ctx.paginate("sqs", region, "list_queues", "QueueUrls"):
        name = url.rstrip("/").rsplit("/", 1)[-1]
        resources.append(ctx.resource("aws.sqs.queue", ctx.arn("sqs", region, name), region, name=name, url=url))

    def encryption(resource: Resource) -> None:
        def call() -> dict:
            attributes = client.get_queue_attributes(QueueUrl=resource.attributes["url"], AttributeNames=[
                "KmsMasterKeyId", "SqsManagedSseEnabled"])["Attributes"]
            return {"kms_master_key_id": attributes.get("KmsMasterKeyId"),
                    "sqs_managed_sse": str(attributes.get("SqsManagedSseEnabled", "false")).lower() == "true"}

        ctx.read(resource, "encryption", call)

    ctx.map(encryption, resources)
    return resources
