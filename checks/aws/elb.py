"""Classic load balancers: every listener encrypted, and each SSL negotiation policy offering only allowed
TLS protocols."""
from __future__ import annotations

from typing import Any

from hipaacheck.model import Outcome, Resource, failed, passed
from hipaacheck.registry import check

SECURE = {"HTTPS", "SSL"}


@check("aws.elb.listeners_encrypted", resource_type="aws.elb.load_balancer", reads=("listeners",))
def listeners_encrypted(resource: Resource, params: dict[str, Any]) -> Outcome:
    """Every listener is HTTPS or SSL (TLS terminated at the load balancer)."""
    listeners = resource.get("listeners") or []
    plain = [f"{x['protocol']}:{x['port']}" for x in listeners if x.get("protocol") not in SECURE]
    if plain:
        return failed(f"unencrypted listeners: {', '.join(plain)}", plain=plain)
    return passed(f"all {len(listeners)} listener(s) are HTTPS or SSL", plain=[])


@check("aws.elb.tls_policy", resource_type="aws.elb.load_balancer", reads=("tls_policies",), params={
    "allowed_protocols": {"type": "array", "items": {"type": "string"}, "default": ["TLSv1.2", "TLSv1.3"]},
})
def tls_policy(resource: Resource, params: dict[str, Any]) -> Outcome:
    """Each HTTPS/SSL listener has an SSL negotiation policy that enables no protocol outside ``allowed_protocols``."""
    policies = resource.get("tls_policies") or {}
    if not policies:
        return passed("no HTTPS or SSL listener (aws.elb.listeners_encrypted judges plain ones)", policies={})
    allowed = set(params["allowed_protocols"])
    bad = {port: ("no SSL negotiation policy" if p is None else ", ".join(sorted(set(p["protocols"]) - allowed)))
           for port, p in policies.items() if p is None or set(p["protocols"]) - allowed}
    if bad:
        return failed("listeners offering older protocols: " + "; ".join(f"{k}: {v}" for k, v in sorted(bad.items())),
                      policies=policies)
    return passed(f"every TLS listener offers only {', '.join(sorted(allowed))}", policies=policies)
