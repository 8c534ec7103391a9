"""ELBv2 listeners: TLS policy floor on HTTPS/TLS listeners; plain HTTP only redirects to HTTPS."""
from __future__ import annotations

from typing import Any

from hipaacheck.model import NotApplicable, Outcome, Resource, errored, failed, passed
from hipaacheck.registry import check

SECURE = {"HTTPS", "TLS"}


@check("aws.elbv2.listener_tls_policy", resource_type="aws.elbv2.listener",
       reads=("protocol", "ssl_policy", "ssl_protocols"), params={
    "allowed_protocols": {"type": "array", "items": {"type": "string"}, "default": ["TLSv1.2", "TLSv1.3"]},
    "allowed_policies": {"type": "array", "items": {"type": "string"}, "default": [],
                         "description": "when not empty, the policy name must be one of these"},
})
def listener_tls_policy(resource: Resource, params: dict[str, Any]) -> Outcome:
    """An HTTPS/TLS listener's security policy offers only allowed TLS versions."""
    protocol = resource.get("protocol")
    if protocol not in SECURE:
        raise NotApplicable(f"{protocol} listener has no TLS policy")
    policy = resource.get("ssl_policy")
    if params["allowed_policies"]:
        if policy in params["allowed_policies"]:
            return passed(f"policy {policy} is allowed", ssl_policy=policy)
        return failed(f"policy {policy} is not in the allowed list", ssl_policy=policy,
                      allowed_policies=params["allowed_policies"])
    protocols = resource.get("ssl_protocols")
    if not protocols:
        return errored(f"DescribeSSLPolicies did not describe policy {policy}", ssl_policy=policy)
    weak = sorted(set(protocols) - set(params["allowed_protocols"]))
    if weak:
        return failed(f"policy {policy} allows {', '.join(weak)}", ssl_policy=policy, ssl_protocols=protocols)
    return passed(f"policy {policy} allows only {', '.join(protocols)}", ssl_policy=policy, ssl_protocols=protocols)


def _redirects_to_https(actions: list[dict[str, Any]]) -> bool:
    return all(a.get("type") == "redirect" and a.get("redirect_protocol") == "HTTPS" for a in actions)


@check("aws.elbv2.listener_https_only", resource_type="aws.elbv2.listener",
       reads=("protocol", "default_actions", "rule_actions"))
def listener_https_only(resource: Resource, params: dict[str, Any]) -> Outcome:
    """Listeners serve HTTPS/TLS; an HTTP listener's default action and rules only redirect to HTTPS."""
    protocol = resource.get("protocol")
    if protocol in SECURE:
        return passed(f"{protocol} listener", protocol=protocol)
    if protocol != "HTTP":
        raise NotApplicable(f"{protocol} listener: cannot tell from the listener whether its payload is TLS")
    default, rules = resource.get("default_actions") or [], resource.get("rule_actions") or []
    evidence = {"protocol": protocol, "default_actions": default, "rule_actions": rules}
    if default and _redirects_to_https(default) and _redirects_to_https(rules):
        return passed("HTTP listener only redirects to HTTPS", **evidence)
    return failed("HTTP listener serves or forwards traffic without TLS", **evidence)
