"""EMR clusters that are running or waiting: Kerberos, security configuration and the public IPs of
the primary (master) nodes."""
from __future__ import annotations

from typing import Any, Iterable

from ...model import Resource
from ._listing import describe_each, read_each
from .context import AwsContext
from .registry import aws_collector

ACTIVE = ["STARTING", "BOOTSTRAPPING", "RUNNING", "WAITING"]


def _settings(answer: dict[str, Any]) -> dict[str, Any]:
    cluster = answer.get("Cluster") or {}
    return {"state": (cluster.get("Status") or {}).get("State"),
            "kerberos_realm": (cluster.get("KerberosAttributes") or {}).get("Realm"),  # the admin password is dropped
            "security_configuration": cluster.get("SecurityConfiguration"),
            "subnet_id": (cluster.get("Ec2InstanceAttributes") or {}).get("Ec2SubnetId")}


@aws_collector("aws.emr.cluster", service="emr",
               calls=("emr:DescribeCluster", "emr:ListClusters", "emr:ListInstances"))
def clusters(ctx: AwsContext, region: str | None) -> Iterable[Resource]:
    client = ctx.client("emr", region)
    resources = [ctx.resource("aws.emr.cluster", c.get("ClusterArn") or ctx.arn("elasticmapreduce", region,
                                                                                 f"cluster/{c['Id']}"),
                              region, cluster_id=c["Id"], name=c.get("Name"))
                 for c in ctx.paginate("emr", region, "list_clusters", "Clusters", ClusterStates=ACTIVE)]
    describe_each(ctx, resources, lambda r: client.describe_cluster(ClusterId=r.attributes["cluster_id"]), _settings)
    read_each(ctx, [r for r in resources if "*" not in r.unreadable], "master_public_ips", lambda r: sorted(
        i["PublicIpAddress"] for i in ctx.paginate("emr", region, "list_instances", "Instances",
                                                   ClusterId=r.attributes["cluster_id"], InstanceGroupTypes=["MASTER"])
        if i.get("PublicIpAddress")))
    return resources
