"""DynamoDB Accelerator (DAX) clusters: encryption at rest and of the cluster endpoint."""
from __future__ import annotations

from typing import Any, Iterable

from ...model import Resource
from ._listing import listed
from .context import AwsContext
from .registry import aws_collector


@aws_collector("aws.dax.cluster", service="dax", calls=("dax:DescribeClusters",))
def clusters(ctx: AwsContext, region: str | None) -> Iterable[Resource]:
    def build(cluster: dict[str, Any]) -> Resource:
        return ctx.resource("aws.dax.cluster", cluster["ClusterArn"], region, name=cluster["ClusterName"],
                            sse_status=(cluster.get("SSEDescription") or {}).get("Status", "DISABLED"),
                            endpoint_encryption=cluster.get("ClusterEndpointEncryptionType", "NONE"))

    return listed(ctx, region, "dax", "describe_clusters", "Clusters", build)
