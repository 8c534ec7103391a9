"""EKS clusters: API endpoint exposure, envelope encryption of Kubernetes secrets, control-plane logs."""
from __future__ import annotations

from typing import Any, Iterable

from ...model import Resource
from ._listing import describe_each
from .context import AwsContext
from .registry import aws_collector


def _settings(cluster: dict[str, Any]) -> dict[str, Any]:
    vpc = cluster.get("resourcesVpcConfig") or {}
    encrypted = sorted({r for c in cluster.get("encryptionConfig") or [] if (c.get("provider") or {}).get("keyArn")
                        for r in c.get("resources") or []})
    logs = sorted({t for entry in (cluster.get("logging") or {}).get("clusterLogging") or [] if entry.get("enabled")
                   for t in entry.get("types") or []})
    return {"version": cluster.get("version"),
            "endpoint_public_access": bool(vpc.get("endpointPublicAccess", True)),
            "endpoint_private_access": bool(vpc.get("endpointPrivateAccess", False)),
            "public_access_cidrs": sorted(vpc.get("publicAccessCidrs") or []),
            "encrypted_resources": encrypted, "enabled_log_types": logs}


@aws_collector("aws.eks.cluster", service="eks",
               calls=("eks:DescribeCluster", "eks:ListClusters"))
def clusters(ctx: AwsContext, region: str | None) -> Iterable[Resource]:
    """One DescribeCluster per cluster: ListClusters gives names only."""
    client = ctx.client("eks", region)
    resources = [ctx.resource("aws.eks.cluster", ctx.arn("eks", region, f"cluster/{name}"), region, name=name)
                 for name in ctx.paginate("eks", region, "list_clusters", "clusters")]
    return describe_each(ctx, resources, lambda r: client.describe_cluster(name=r.attributes["name"])["cluster"],
                         _settings)
