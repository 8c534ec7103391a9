"""ELBv2 (ALB/NLB) listeners: protocol, TLS policy and its protocols, and where plain HTTP goes;
ELBv2 load balancers: access logs and deletion protection (one DescribeLoadBalancerAttributes each) and, for
application load balancers, the WAFv2 web ACL protecting them (one GetWebACLForResource each)."""
from __future__ import annotations

from typing import Any, Iterable

from ...model import Resource
from ._listing import read_each, regional
from .context import AwsContext
from .registry import aws_collector

SECURE_PROTOCOLS = {"HTTPS", "TLS"}


def _actions(actions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{"type": a.get("Type"), "redirect_protocol": (a.get("RedirectConfig") or {}).get("Protocol")}
            for a in actions or []]


@aws_collector("aws.elbv2.listener", service="elbv2",
               calls=("elbv2:DescribeListeners", "elbv2:DescribeLoadBalancers", "elbv2:DescribeRules",
                      "elbv2:DescribeSSLPolicies"))
def listeners(ctx: AwsContext, region: str | None) -> Iterable[Resource]:
    def policies() -> dict[str, list[str]]:
        return ctx.memo(("elbv2", region, "ssl_policies"), lambda: {
            p["Name"]: sorted(p.get("SslProtocols") or [])
            for p in ctx.paginate("elbv2", region, "describe_ssl_policies", "SslPolicies")})

    for lb in regional(ctx, region, "elbv2", "describe_load_balancers", "LoadBalancers"):
        for listener in ctx.paginate("elbv2", region, "describe_listeners", "Listeners",
                                     LoadBalancerArn=lb["LoadBalancerArn"]):
            protocol = listener.get("Protocol")
            secure = protocol in SECURE_PROTOCOLS
            resource = ctx.resource("aws.elbv2.listener", listener["ListenerArn"], region,
                                    load_balancer=lb.get("LoadBalancerName"), load_balancer_type=lb.get("Type"),
                                    scheme=lb.get("Scheme"), protocol=protocol, port=listener.get("Port"),
                                    # some endpoints report an SslPolicy on HTTP listeners too: ignore it
                                    ssl_policy=listener.get("SslPolicy") if secure else None,
                                    default_actions=_actions(listener.get("DefaultActions")))
            policy = resource.attributes["ssl_policy"]
            if secure:
                ctx.read(resource, "ssl_protocols", lambda: policies().get(policy))
            if protocol == "HTTP":
                arn = listener["ListenerArn"]
                ctx.read(resource, "rule_actions", lambda: [
                    action for rule in ctx.paginate("elbv2", region, "describe_rules", "Rules", ListenerArn=arn)
                    if not rule.get("IsDefault") for action in _actions(rule.get("Actions"))])
            yield resource


LB_ATTRIBUTES = {"access_logs.s3.enabled": "access_logs", "deletion_protection.enabled": "deletion_protection"}


def _lb_attributes(ctx: AwsContext, region: str | None, arn: str) -> dict[str, bool]:
    answer = ctx.client("elbv2", region).describe_load_balancer_attributes(LoadBalancerArn=arn)
    values = {a.get("Key"): str(a.get("Value")).lower() == "true" for a in answer.get("Attributes") or []}
    return {name: values.get(key, False) for key, name in LB_ATTRIBUTES.items()}


def _web_acl(ctx: AwsContext, region: str | None, arn: str) -> str | None:
    """The ARN of the WAFv2 web ACL associated with the load balancer, None when there is none."""
    answer = ctx.client("wafv2", region).get_web_acl_for_resource(ResourceArn=arn)
    return (answer.get("WebACL") or {}).get("ARN")


@aws_collector("aws.elbv2.load_balancer", service="elbv2", derived_from={
    "access_logs": ("attributes",), "deletion_protection": ("attributes",)},
    calls=("elbv2:DescribeLoadBalancerAttributes", "elbv2:DescribeLoadBalancers", "wafv2:GetWebACLForResource"))
def load_balancers(ctx: AwsContext, region: str | None) -> Iterable[Resource]:
    resources = [ctx.resource("aws.elbv2.load_balancer", lb["LoadBalancerArn"], region,
                              name=lb.get("LoadBalancerName"), type=lb.get("Type"), scheme=lb.get("Scheme"))
                 for lb in regional(ctx, region, "elbv2", "describe_load_balancers", "LoadBalancers")]
    read_each(ctx, resources, "attributes", lambda r: _lb_attributes(ctx, region, r.id))
    read_each(ctx, [r for r in resources if r.attributes["type"] == "application"], "web_acl",
              lambda r: _web_acl(ctx, region, r.id))  # WAF protects application load balancers only
    for resource in resources:  # flattened, so controls name them directly
        values = resource.attributes.pop("attributes", None)
        reason = resource.unreadable.pop("attributes", None)
        for name in LB_ATTRIBUTES.values():
            if values is not None:
                resource.attributes[name] = values[name]
            elif reason is not None:
                resource.unreadable[name] = reason
    return resources
