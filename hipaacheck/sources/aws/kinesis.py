"""Kinesis data streams: server-side encryption (ListStreams reports it for each stream)."""
from __future__ import annotations

from typing import Any, Iterable

from ...model import Resource
from ._listing import describe_each
from .context import AwsContext
from .registry import aws_collector


def _settings(answer: dict[str, Any]) -> dict[str, Any]:
    summary = answer.get("StreamDescriptionSummary") or {}
    return {"encryption_type": summary.get("EncryptionType", "NONE"), "kms_key_id": summary.get("KeyId")}


@aws_collector("aws.kinesis.stream", service="kinesis",
               calls=("kinesis:DescribeStreamSummary", "kinesis:ListStreams"))
def streams(ctx: AwsContext, region: str | None) -> Iterable[Resource]:
    """ListStreams gives names and ARNs; DescribeStreamSummary (one per stream) gives the encryption."""
    client = ctx.client("kinesis", region)
    resources = [ctx.resource("aws.kinesis.stream", s["StreamARN"], region, name=s["StreamName"])
                 for s in ctx.paginate("kinesis", region, "list_streams", "StreamSummaries")]
    return describe_each(ctx, resources, lambda r: client.describe_stream_summary(
        StreamARN=r.id), _settings)
