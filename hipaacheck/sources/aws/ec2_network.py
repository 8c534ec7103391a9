"""VPC network ACLs (with their entries), subnets (public IP auto-assignment) and route tables (with their
routes): each comes with its listing."""
from __future__ import annotations

from typing import Any, Iterable

from ...model import Resource
from ._listing import listed
from .context import AwsContext
from .registry import aws_collector


def _entry(entry: dict[str, Any]) -> dict[str, Any]:
    ports = entry.get("PortRange") or {}
    return {"rule_number": entry.get("RuleNumber"), "egress": bool(entry.get("Egress", False)),
            "action": entry.get("RuleAction"), "protocol": str(entry.get("Protocol", "-1")),
            "cidr": entry.get("CidrBlock") or entry.get("Ipv6CidrBlock"),
            "from_port": ports.get("From"), "to_port": ports.get("To")}


@aws_collector("aws.ec2.network_acl", service="ec2", calls=("ec2:DescribeNetworkAcls",))
def network_acls(ctx: AwsContext, region: str | None) -> Iterable[Resource]:
    def build(acl: dict[str, Any]) -> Resource:
        return ctx.resource("aws.ec2.network_acl", ctx.arn("ec2", region, f"network-acl/{acl['NetworkAclId']}"),
                            region, network_acl_id=acl["NetworkAclId"], vpc_id=acl.get("VpcId"),
                            is_default=bool(acl.get("IsDefault", False)),
                            subnets=sorted(a["SubnetId"] for a in acl.get("Associations") or [] if "SubnetId" in a),
                            entries=sorted((_entry(e) for e in acl.get("Entries") or []),
                                           key=lambda e: (e["egress"], e["rule_number"] or 0)))

    return listed(ctx, region, "ec2", "describe_network_acls", "NetworkAcls", build)


@aws_collector("aws.ec2.subnet", service="ec2", calls=("ec2:DescribeSubnets",))
def subnets(ctx: AwsContext, region: str | None) -> Iterable[Resource]:
    def build(subnet: dict[str, Any]) -> Resource:
        return ctx.resource("aws.ec2.subnet", subnet.get("SubnetArn") or ctx.arn("ec2", region,
                                                                                  f"subnet/{subnet['SubnetId']}"),
                            region, subnet_id=subnet["SubnetId"], vpc_id=subnet.get("VpcId"),
                            default_for_az=bool(subnet.get("DefaultForAz", False)),
                            map_public_ip_on_launch=bool(subnet.get("MapPublicIpOnLaunch", False)))

    return listed(ctx, region, "ec2", "describe_subnets", "Subnets", build)


def _route(route: dict[str, Any]) -> dict[str, Any]:
    return {"destination": route.get("DestinationCidrBlock") or route.get("DestinationIpv6CidrBlock")
            or route.get("DestinationPrefixListId"),
            "gateway_id": route.get("GatewayId"), "state": route.get("State")}


@aws_collector("aws.ec2.route_table", service="ec2", calls=("ec2:DescribeRouteTables",))
def route_tables(ctx: AwsContext, region: str | None) -> Iterable[Resource]:
    def build(table: dict[str, Any]) -> Resource:
        associations = table.get("Associations") or []
        return ctx.resource("aws.ec2.route_table", ctx.arn("ec2", region, f"route-table/{table['RouteTableId']}"),
                            region, route_table_id=table["RouteTableId"], vpc_id=table.get("VpcId"),
                            is_main=any(a.get("Main") for a in associations),
                            subnets=sorted(a["SubnetId"] for a in associations if "SubnetId" in a),
                            routes=[_route(r) for r in table.get("Routes") or []])

    return listed(ctx, region, "ec2", "describe_route_tables", "RouteTables", build)
