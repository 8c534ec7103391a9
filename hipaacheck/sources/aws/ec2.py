"""EC2, EBS and VPC: the per-region EBS default-encryption setting, volumes, snapshots, instances,
security groups and VPCs with their flow logs.

Instance user data and tag values are never read (user data often carries secrets); tag keys are.
"""
from __future__ import annotations

import re
from typing import Any, Iterable

from ...model import Resource
from ._listing import BACKUP_PROTECTED_CALLS, backup_protected, days_since
from .context import AwsContext, iso
from .ssm import SSM_CALLS, ssm_view
from .registry import aws_collector


@aws_collector("aws.ec2.ebs_default_encryption", service="ec2",
               calls=("ec2:GetEbsEncryptionByDefault",))
def ebs_default_encryption(ctx: AwsContext, region: str | None) -> Iterable[Resource]:
    """One account-setting resource per region: new EBS volumes encrypted by default."""
    client = ctx.client("ec2", region)
    resource = ctx.resource("aws.ec2.ebs_default_encryption",
                            ctx.arn("ec2", region, "ebs-encryption-by-default"), region)
    ctx.read(resource, "enabled", lambda: client.get_ebs_encryption_by_default()["EbsEncryptionByDefault"])
    return [resource]


@aws_collector("aws.ec2.volume", service="ec2",
               calls=("ec2:DescribeVolumes", *BACKUP_PROTECTED_CALLS))
def volumes(ctx: AwsContext, region: str | None) -> Iterable[Resource]:
    for volume in ctx.paginate("ec2", region, "describe_volumes", "Volumes"):
        resource = ctx.resource("aws.ec2.volume", ctx.arn("ec2", region, f"volume/{volume['VolumeId']}"), region,
                           volume_id=volume["VolumeId"], encrypted=bool(volume.get("Encrypted", False)),
                           kms_key_id=volume.get("KmsKeyId"), state=volume.get("State"),
                           attached_instances=sorted(a["InstanceId"] for a in volume.get("Attachments") or []
                                                     if "InstanceId" in a))
        ctx.read(resource, "backup_protected", lambda: backup_protected(ctx, region, resource.id))
        yield resource


@aws_collector("aws.ec2.snapshot", service="ec2",
               calls=("ec2:DescribeSnapshotAttribute", "ec2:DescribeSnapshots"))
def snapshots(ctx: AwsContext, region: str | None) -> Iterable[Resource]:
    """Snapshots this account owns (the owner-id filter: some endpoints ignore OwnerIds=['self'])."""
    client = ctx.client("ec2", region)
    found = ctx.paginate("ec2", region, "describe_snapshots", "Snapshots",
                         Filters=[{"Name": "owner-id", "Values": [ctx.account]}])
    resources = [ctx.resource("aws.ec2.snapshot", ctx.arn("ec2", region, f"snapshot/{s['SnapshotId']}"), region,
                              snapshot_id=s["SnapshotId"], encrypted=bool(s.get("Encrypted", False)),
                              kms_key_id=s.get("KmsKeyId"), volume_id=s.get("VolumeId")) for s in found]

    def permissions(resource: Resource) -> None:
        def call() -> dict[str, list[str]]:
            answer = client.describe_snapshot_attribute(SnapshotId=resource.attributes["snapshot_id"],
                                                        Attribute="createVolumePermission")
            entries = answer.get("CreateVolumePermissions") or []
            return {"groups": sorted({e["Group"] for e in entries if "Group" in e}),
                    "accounts": sorted({e["UserId"] for e in entries if "UserId" in e})}

        ctx.read(resource, "create_volume_permission", call)

    ctx.map(permissions, resources)
    return resources


@aws_collector("aws.ec2.instance", service="ec2",
               calls=("ec2:DescribeInstances", *SSM_CALLS, *BACKUP_PROTECTED_CALLS))
def instances(ctx: AwsContext, region: str | None) -> Iterable[Resource]:
    """Instances that exist or can be started again (terminated ones linger in the listing for a while),
    with Systems Manager's view of each (one listing per region and kind, when a control reads it)."""
    live = [{"Name": "instance-state-name", "Values": ["pending", "running", "stopping", "stopped"]}]
    resources = []
    for reservation in ctx.paginate("ec2", region, "describe_instances", "Reservations", Filters=live):
        for instance in reservation.get("Instances") or []:
            metadata = instance.get("MetadataOptions") or {}
            state = (instance.get("State") or {}).get("Name")
            stopped = _stopped_since(instance) if state == "stopped" else None
            resources.append(ctx.resource(
                "aws.ec2.instance", ctx.arn("ec2", region, f"instance/{instance['InstanceId']}"), region,
                instance_id=instance["InstanceId"], state=state,
                metadata_options={k: metadata.get(k) for k in ("HttpTokens", "HttpEndpoint", "State")},
                public_ip=instance.get("PublicIpAddress"), subnet_id=instance.get("SubnetId"),
                tag_keys=sorted({t["Key"] for t in instance.get("Tags") or [] if "Key" in t}),  # never values
                launch_time=iso(instance.get("LaunchTime")), launch_age_days=days_since(ctx, instance.get("LaunchTime")),
                stopped_days=days_since(ctx, stopped) if stopped else None,
                instance_profile=(instance.get("IamInstanceProfile") or {}).get("Arn")))
    ssm_view(ctx, region, resources)
    for resource in resources:
        ctx.read(resource, "backup_protected", lambda: backup_protected(ctx, region, resource.id))
    return resources


STOPPED_AT = re.compile(r"\((\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}) (?:GMT|UTC)\)")


def _stopped_since(instance: dict[str, Any]) -> str | None:
    """When a stopped instance stopped, from StateTransitionReason ("User initiated (2026-01-02 03:04:05 GMT)")."""
    found = STOPPED_AT.search(str(instance.get("StateTransitionReason") or ""))
    return f"{found.group(1).replace(' ', 'T')}+00:00" if found else None


def _rules(permissions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Security group rules reduced to what exposure checks need."""
    rules = []
    for perm in permissions:
        rules.append({
            "protocol": str(perm.get("IpProtocol", "-1")),
            "from_port": perm.get("FromPort"),
            "to_port": perm.get("ToPort"),
            "ipv4": sorted(r["CidrIp"] for r in perm.get("IpRanges") or [] if "CidrIp" in r),
            "ipv6": sorted(r["CidrIpv6"] for r in perm.get("Ipv6Ranges") or [] if "CidrIpv6" in r),
            "groups": sorted(g["GroupId"] for g in perm.get("UserIdGroupPairs") or [] if "GroupId" in g),
            "prefix_lists": sorted(p["PrefixListId"] for p in perm.get("PrefixListIds") or [] if "PrefixListId" in p),
        })
    return rules


@aws_collector("aws.ec2.security_group", service="ec2",
               calls=("ec2:DescribeSecurityGroups",))
def security_groups(ctx: AwsContext, region: str | None) -> Iterable[Resource]:
    for group in ctx.paginate("ec2", region, "describe_security_groups", "SecurityGroups"):
        arn = ctx.arn("ec2", region, f"security-group/{group['GroupId']}")
        yield ctx.resource("aws.ec2.security_group", arn, region,
                           group_id=group["GroupId"], group_name=group.get("GroupName"), vpc_id=group.get("VpcId"),
                           ingress=_rules(group.get("IpPermissions") or []),
                           egress=_rules(group.get("IpPermissionsEgress") or []))


@aws_collector("aws.ec2.vpc", service="ec2",
               calls=("ec2:DescribeFlowLogs", "ec2:DescribeVpcs"))
def vpcs(ctx: AwsContext, region: str | None) -> Iterable[Resource]:
    """VPCs with the flow logs attached to each (one DescribeFlowLogs per region)."""
    def flow_logs() -> list[dict[str, Any]]:
        return ctx.memo(("ec2", region, "flow_logs"),
                        lambda: ctx.paginate("ec2", region, "describe_flow_logs", "FlowLogs"))

    for vpc in ctx.paginate("ec2", region, "describe_vpcs", "Vpcs"):
        vpc_id = vpc["VpcId"]
        resource = ctx.resource("aws.ec2.vpc", ctx.arn("ec2", region, f"vpc/{vpc_id}"), region,
                                vpc_id=vpc_id, is_default=bool(vpc.get("IsDefault", False)))
        ctx.read(resource, "flow_logs", lambda: [
            {"id": log.get("FlowLogId"), "status": log.get("FlowLogStatus"),
             "traffic_type": log.get("TrafficType"), "destination_type": log.get("LogDestinationType")}
            for log in flow_logs() if log.get("ResourceId") == vpc_id])
        yield resource
