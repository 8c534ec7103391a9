"""Network exposure beyond security groups: network ACL entries open to the internet, public instance IPs."""
from __future__ import annotations

from typing import Any

from hipaacheck.model import Outcome, Resource, failed, passed
from hipaacheck.registry import check

ALL_TRAFFIC = {"-1", "all"}
PORT_PROTOCOLS = {"6", "17", "tcp", "udp"}
INTERNET = {"0.0.0.0/0", "::/0"}


def _admits(entry: dict[str, Any], port: int | None) -> bool:
    """Whether an ingress entry matches traffic to ``port`` (None: every port, i.e. all traffic)."""
    protocol = str(entry.get("protocol")).lower()
    if protocol in ALL_TRAFFIC:
        return True
    if port is None or protocol not in PORT_PROTOCOLS:
        return False
    low, high = entry.get("from_port"), entry.get("to_port")
    return low is None or high is None or low <= port <= high


def open_ports(entries: list[dict[str, Any]], ports: list[int | None]) -> list[str]:
    """Of ``ports``, those the first matching internet ingress entry allows (entries in rule order)."""
    inbound = sorted((e for e in entries if not e.get("egress") and e.get("cidr") in INTERNET),
                     key=lambda e: e.get("rule_number") or 0)
    found = []
    for port in ports:
        first = next((e for e in inbound if _admits(e, port)), None)
        if first is not None and first.get("action") == "allow":
            found.append("all" if port is None else str(port))
    return found


@check("aws.ec2.network_acl_ingress", resource_type="aws.ec2.network_acl", reads=("entries",), params={
    "ports": {"type": "array", "items": {"type": "integer", "minimum": 0, "maximum": 65535}, "default": []},
})
def network_acl_ingress(resource: Resource, params: dict[str, Any]) -> Outcome:
    """No ingress entry admits 0.0.0.0/0 or ::/0 to ``ports`` (empty: to all traffic) ahead of a deny."""
    ports: list[int | None] = list(params["ports"]) or [None]
    exposed = open_ports(resource.get("entries") or [], ports)
    what = "all traffic" if ports == [None] else f"ports {', '.join(map(str, params['ports']))}"
    if exposed:
        return failed(f"internet ingress allowed to {'all traffic' if exposed == ['all'] else ', '.join(exposed)}",
                      exposed=exposed)
    return passed(f"no internet ingress allowed to {what}", exposed=[])


@check("aws.ec2.instance_no_public_ip", resource_type="aws.ec2.instance", reads=("public_ip", "tag_keys"), params={
    "public_tier_tag_keys": {"type": "array", "items": {"type": "string"}, "default": []},
})
def instance_no_public_ip(resource: Resource, params: dict[str, Any]) -> Outcome:
    """The instance has no public IPv4 address, unless it carries a tag key of a tier allowed to have one."""
    address = resource.get("public_ip")
    if not address:
        return passed("no public IPv4 address", public_ip=None)
    allowed = sorted(set(params["public_tier_tag_keys"]) & set(resource.get("tag_keys") or []))
    if allowed:
        return passed(f"public IPv4 address allowed for its tier (tag {allowed[0]})", public_ip=address,
                      tier_tag=allowed[0])
    return failed(f"public IPv4 address {address}", public_ip=address)


@check("aws.ec2.route_table_no_igw_default", resource_type="aws.ec2.route_table", reads=("routes", "route_table_id"), params={
    "allowed_route_table_ids": {"type": "array", "items": {"type": "string"}, "default": []},
})
def route_table_no_igw_default(resource: Resource, params: dict[str, Any]) -> Outcome:
    """No route sends 0.0.0.0/0 or ::/0 to an internet gateway (igw-), unless the table is one of
    ``allowed_route_table_ids`` (AWS Config's routeTableIds: the public tier's tables)."""
    public = sorted({f"{r.get('destination')} -> {r.get('gateway_id')}" for r in resource.get("routes") or []
                     if r.get("destination") in INTERNET and str(r.get("gateway_id") or "").startswith("igw-")})
    if not public:
        return passed("no route from 0.0.0.0/0 or ::/0 to an internet gateway", internet_routes=[])
    table = resource.get("route_table_id")
    if table in params["allowed_route_table_ids"]:
        return passed(f"internet routes allowed for this table: {', '.join(public)}", internet_routes=public,
                      allowed=True)
    return failed(f"internet gateway route: {', '.join(public)}", internet_routes=public)
