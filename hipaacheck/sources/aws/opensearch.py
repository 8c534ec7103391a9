"""OpenSearch Service (and Elasticsearch) domains: encryption at rest, node-to-node encryption,
HTTPS enforcement and the endpoint's TLS policy.

ListDomainNames has no paginator (it returns every domain); DescribeDomains takes at most
5 names, so domains are described in batches of 5. A batch that cannot be described marks
its domains unreadable, so their checks report ``error``.
"""
from __future__ import annotations

from typing import Any, Iterable

from ...model import Resource
from .context import AwsContext
from .registry import aws_collector

BATCH = 5  # DescribeDomains limit


def _settings(status: dict[str, Any]) -> dict[str, Any]:
    at_rest = status.get("EncryptionAtRestOptions") or {}
    endpoint = status.get("DomainEndpointOptions") or {}
    return {"engine_version": status.get("EngineVersion"),
            "encryption_at_rest": bool(at_rest.get("Enabled", False)),
            "kms_key_id": at_rest.get("KmsKeyId"),
            "node_to_node_encryption": bool((status.get("NodeToNodeEncryptionOptions") or {}).get("Enabled", False)),
            "enforce_https": bool(endpoint.get("EnforceHTTPS", False)),
            "tls_security_policy": endpoint.get("TLSSecurityPolicy"),
            "vpc_id": (status.get("VPCOptions") or {}).get("VPCId"),
            "log_types": sorted(name for name, option in (status.get("LogPublishingOptions") or {}).items()
                                if option.get("Enabled") and option.get("CloudWatchLogsLogGroupArn"))}


@aws_collector("aws.opensearch.domain", service="opensearch",
               calls=("opensearch:DescribeDomains", "opensearch:ListDomainNames"))
def domains(ctx: AwsContext, region: str | None) -> Iterable[Resource]:
    client = ctx.client("opensearch", region)
    names = sorted(d["DomainName"] for d in client.list_domain_names().get("DomainNames") or [])
    resources = {name: ctx.resource("aws.opensearch.domain", ctx.arn("es", region, f"domain/{name}"), region,
                                    domain_name=name) for name in names}
    batches = [names[i:i + BATCH] for i in range(0, len(names), BATCH)]

    def describe(batch: list[str]) -> None:
        try:
            statuses = client.describe_domains(DomainNames=batch).get("DomainStatusList") or []
        except Exception as exc:  # noqa: BLE001 - recorded on each domain of the batch
            reason = ctx.reason(exc)
            for name in batch:
                resources[name].unreadable["*"] = reason
            return
        seen = set()
        for status in statuses:
            resource = resources.get(status.get("DomainName"))
            if resource is not None:
                seen.add(status["DomainName"])
                resource.attributes.update(_settings(status))
        for name in set(batch) - seen:  # deleted between the two calls, or not returned
            resources[name].unreadable["*"] = "opensearch:DescribeDomains did not describe this domain"

    ctx.map(describe, batches)
    return list(resources.values())
