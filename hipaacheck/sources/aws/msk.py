"""MSK (Managed Streaming for Apache Kafka) provisioned clusters: encryption and public access.

ListClustersV2 reports every setting read here, so the type costs one call per page.
"""
from __future__ import annotations

from typing import Any, Iterable

from ...model import Resource
from ._listing import listed
from .context import AwsContext
from .registry import aws_collector


@aws_collector("aws.msk.cluster", service="kafka", calls=("kafka:ListClustersV2",))
def clusters(ctx: AwsContext, region: str | None) -> Iterable[Resource]:
    def build(cluster: dict[str, Any]) -> Resource | None:
        provisioned = cluster.get("Provisioned")
        if provisioned is None:  # serverless clusters always encrypt with TLS and have no public brokers
            return None
        encryption = provisioned.get("EncryptionInfo") or {}
        transit = encryption.get("EncryptionInTransit") or {}
        public = ((provisioned.get("BrokerNodeGroupInfo") or {}).get("ConnectivityInfo") or {}).get("PublicAccess")
        return ctx.resource("aws.msk.cluster", cluster["ClusterArn"], region, name=cluster.get("ClusterName"),
                            client_broker_encryption=transit.get("ClientBroker", "TLS"),
                            in_cluster_encryption=bool(transit.get("InCluster", True)),
                            kms_key_id=(encryption.get("EncryptionAtRest") or {}).get("DataVolumeKMSKeyId"),
                            public_access=(public or {}).get("Type", "DISABLED"))

    return listed(ctx, region, "kafka", "list_clusters_v2", "ClusterInfoList", build,
                  ClusterTypeFilter="PROVISIONED")
