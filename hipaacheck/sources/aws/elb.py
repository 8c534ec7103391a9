"""Classic load balancers: listener protocols, the TLS protocols of each SSL negotiation policy, access logs."""
from __future__ import annotations

from typing import Any, Iterable

from ...model import Resource
from ._listing import read_each
from .context import AwsContext
from .registry import aws_collector

SECURE = {"HTTPS", "SSL"}


def _listeners(descriptions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{"protocol": (d.get("Listener") or {}).get("Protocol", "").upper(),
             "port": (d.get("Listener") or {}).get("LoadBalancerPort"),
             "policies": sorted(d.get("PolicyNames") or [])} for d in descriptions or []]


def _tls_protocols(ctx: AwsContext, region: str | None, name: str, listeners: list[dict[str, Any]]) -> dict[str, Any]:
    """Listener port -> the protocols its SSL negotiation policy enables (``Protocol-*`` true), and the
    predefined policy it references, for every HTTPS/SSL listener."""
    wanted = {p for listener in listeners if listener["protocol"] in SECURE for p in listener["policies"]}
    if not wanted:
        return {}
    answer = ctx.client("elb", region).describe_load_balancer_policies(LoadBalancerName=name, PolicyNames=sorted(wanted))
    policies: dict[str, dict[str, Any]] = {}
    for policy in answer.get("PolicyDescriptions") or []:
        if policy.get("PolicyTypeName") != "SSLNegotiationPolicyType":
            continue
        attrs = {a.get("AttributeName"): a.get("AttributeValue") for a in policy.get("PolicyAttributeDescriptions") or []}
        policies[policy["PolicyName"]] = {
            "reference": attrs.get("Reference-Security-Policy"),
            "protocols": sorted(k.removeprefix("Protocol-") for k, v in attrs.items()
                                if str(k).startswith("Protocol-") and str(v).lower() == "true")}
    out = {}
    for listener in listeners:
        if listener["protocol"] in SECURE:
            found = [policies[p] for p in listener["policies"] if p in policies]
            out[str(listener["port"])] = found[0] if found else None
    return out


@aws_collector("aws.elb.load_balancer", service="elb",
               calls=("elb:DescribeLoadBalancerAttributes", "elb:DescribeLoadBalancerPolicies",
                      "elb:DescribeLoadBalancers"))
def load_balancers(ctx: AwsContext, region: str | None) -> Iterable[Resource]:
    client = ctx.client("elb", region)
    resources = [ctx.resource("aws.elb.load_balancer",
                              ctx.arn("elasticloadbalancing", region, f"loadbalancer/{lb['LoadBalancerName']}"),
                              region, name=lb["LoadBalancerName"], scheme=lb.get("Scheme"),
                              listeners=_listeners(lb.get("ListenerDescriptions") or []))
                 for lb in ctx.paginate("elb", region, "describe_load_balancers", "LoadBalancerDescriptions")]
    read_each(ctx, resources, "tls_policies", lambda r: _tls_protocols(ctx, region, r.attributes["name"],
                                                                         r.attributes["listeners"]))
    read_each(ctx, resources, "access_log", lambda r: _access_log(client, r))
    return resources


def _access_log(client: Any, resource: Resource) -> dict[str, Any]:
    attributes = client.describe_load_balancer_attributes(LoadBalancerName=resource.attributes["name"])
    log = (attributes.get("LoadBalancerAttributes") or {}).get("AccessLog") or {}
    return {"enabled": bool(log.get("Enabled")), "s3_bucket": log.get("S3BucketName")}
