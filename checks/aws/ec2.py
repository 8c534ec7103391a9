"""EC2/VPC checks that need more than one attribute comparison: exposed admin ports, default
security groups, VPC flow logs. Simple flags (encryption, IMDSv2) use the generic ``attribute`` check."""
from __future__ import annotations

from typing import Any

from hipaacheck.model import NotApplicable, Outcome, Resource, failed, passed
from hipaacheck.registry import check

ALL_PROTOCOLS = {"-1", "all"}
PORT_PROTOCOLS = {"tcp", "udp", "6", "17"}


def _exposed_ports(rule: dict[str, Any], ports: list[int]) -> list[int]:
    protocol = str(rule.get("protocol", "-1")).lower()
    if protocol in ALL_PROTOCOLS:
        return list(ports)
    if protocol not in PORT_PROTOCOLS:
        return []
    low, high = rule.get("from_port"), rule.get("to_port")
    if low is None or high is None or low == -1:
        return list(ports)
    return [port for port in ports if low <= port <= high]


@check("aws.ec2.security_group_admin_ports", resource_type="aws.ec2.security_group", reads=("ingress",), params={
    "ports": {"type": "array", "items": {"type": "integer", "minimum": 0, "maximum": 65535},
              "default": [22, 3389]},
    "open_cidrs": {"type": "array", "items": {"type": "string"}, "default": ["0.0.0.0/0", "::/0"]},
})
def security_group_admin_ports(resource: Resource, params: dict[str, Any]) -> Outcome:
    """No ingress rule opens an administrative or database port to the whole internet."""
    open_cidrs = set(params["open_cidrs"])
    exposures = []
    for rule in resource.get("ingress") or []:
        sources = sorted(open_cidrs.intersection([*rule.get("ipv4", []), *rule.get("ipv6", [])]))
        ports = _exposed_ports(rule, params["ports"]) if sources else []
        if ports:
            exposures.append({"ports": ports, "sources": sources, "protocol": rule.get("protocol"),
                              "from_port": rule.get("from_port"), "to_port": rule.get("to_port")})
    if exposures:
        opened = ", ".join(str(p) for p in sorted({p for e in exposures for p in e["ports"]}))
        reached = ", ".join(sorted({s for e in exposures for s in e["sources"]}))
        return failed(f"ports {opened} open to {reached}", exposures=exposures)
    return passed(f"no ingress from {', '.join(sorted(open_cidrs))} to ports {params['ports']}",
                  checked_ports=params["ports"])


@check("aws.ec2.default_security_group_closed", resource_type="aws.ec2.security_group",
       reads=("group_name", "ingress", "egress"))
def default_security_group_closed(resource: Resource, params: dict[str, Any]) -> Outcome:
    """A VPC's default security group has no rules, so nothing is reachable by falling back to it."""
    if resource.get("group_name") != "default":
        raise NotApplicable("not a default security group")
    ingress, egress = resource.get("ingress") or [], resource.get("egress") or []
    if ingress or egress:
        return failed(f"default security group has {len(ingress)} ingress and {len(egress)} egress rules",
                      ingress=ingress, egress=egress)
    return passed("default security group has no rules", ingress=[], egress=[])


@check("aws.ec2.vpc_flow_logs", resource_type="aws.ec2.vpc", reads=("flow_logs",), params={
    "traffic_types": {"type": "array", "items": {"enum": ["ALL", "ACCEPT", "REJECT"]},
                      "default": ["ALL", "ACCEPT", "REJECT"]},
})
def vpc_flow_logs(resource: Resource, params: dict[str, Any]) -> Outcome:
    """The VPC has an active flow log capturing one of the accepted traffic types."""
    logs = resource.get("flow_logs") or []
    active = [log for log in logs
              if log.get("status") == "ACTIVE" and log.get("traffic_type") in params["traffic_types"]]
    if active:
        return passed(f"{len(active)} active flow log(s)", flow_logs=logs)
    if logs:
        return failed("flow logs exist but none is active with an accepted traffic type", flow_logs=logs,
                      accepted_traffic_types=params["traffic_types"])
    return failed("no flow log records this VPC's traffic", flow_logs=[])
