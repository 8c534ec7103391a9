"""EC2/EBS/VPC collectors and controls on in-process moto: compliant, non-compliant, unreadable."""
from __future__ import annotations

import pytest
from aws_helpers import ACCOUNT, collect, deny, evaluate_control, hook_events, statuses

REGIONS = ("us-east-1", "eu-west-1")


@pytest.fixture(autouse=True)
def _no_builtin_amis(monkeypatch):
    monkeypatch.setenv("MOTO_EC2_LOAD_DEFAULT_AMIS", "false")


def arn(region: str, kind: str, ident: str) -> str:
    return f"arn:aws:ec2:{region}:{ACCOUNT}:{kind}/{ident}"


def run(control_id: str, resource_type: str, regions=("us-east-1",)) -> dict[str, str]:
    findings = evaluate_control(control_id, collect({resource_type}, regions))
    return statuses(findings)


def test_ebs_encryption_by_default_is_per_region(aws):
    aws.client("ec2", region_name="us-east-1").enable_ebs_encryption_by_default()
    result = run("aws.ec2.ebs_encryption_by_default", "aws.ec2.ebs_default_encryption", REGIONS)
    assert result == {f"arn:aws:ec2:us-east-1:{ACCOUNT}:ebs-encryption-by-default": "pass",
                      f"arn:aws:ec2:eu-west-1:{ACCOUNT}:ebs-encryption-by-default": "fail"}


def test_ebs_encryption_by_default_unreadable_is_error(aws, monkeypatch):
    aws.client("ec2").enable_ebs_encryption_by_default()
    hook_events(monkeypatch, "before-call", deny(["GetEbsEncryptionByDefault"]))
    findings = evaluate_control("aws.ec2.ebs_encryption_by_default",
                                collect({"aws.ec2.ebs_default_encryption"}, REGIONS))
    assert {f.status for f in findings} == {"error"} and len(findings) == 2
    assert "AccessDenied" in findings[0].message


def _volumes(ec2) -> tuple[str, str]:
    good = ec2.create_volume(AvailabilityZone="us-east-1a", Size=1, Encrypted=True)["VolumeId"]
    bad = ec2.create_volume(AvailabilityZone="us-east-1a", Size=1)["VolumeId"]
    return good, bad


def test_volumes_and_snapshots_encryption(aws):
    ec2 = aws.client("ec2")
    good, bad = _volumes(ec2)
    good_snap = ec2.create_snapshot(VolumeId=good)["SnapshotId"]
    bad_snap = ec2.create_snapshot(VolumeId=bad)["SnapshotId"]
    assert run("aws.ec2.volume_encrypted", "aws.ec2.volume") == {
        arn("us-east-1", "volume", good): "pass", arn("us-east-1", "volume", bad): "fail"}
    assert run("aws.ec2.snapshot_encrypted", "aws.ec2.snapshot") == {
        arn("us-east-1", "snapshot", good_snap): "pass", arn("us-east-1", "snapshot", bad_snap): "fail"}


def test_volume_listing_denied_is_error_not_pass(aws, monkeypatch):
    _volumes(aws.client("ec2"))
    hook_events(monkeypatch, "before-call", deny(["DescribeVolumes"]))
    findings = evaluate_control("aws.ec2.volume_encrypted", collect({"aws.ec2.volume"}))
    assert [f.status for f in findings] == ["error"]
    assert "DescribeVolumes" in findings[0].message and "AccessDenied" in findings[0].message


def test_snapshot_public_and_unreadable_permission(aws, monkeypatch):
    ec2 = aws.client("ec2")
    good, _ = _volumes(ec2)
    private = ec2.create_snapshot(VolumeId=good)["SnapshotId"]
    public = ec2.create_snapshot(VolumeId=good)["SnapshotId"]
    ec2.modify_snapshot_attribute(SnapshotId=public, Attribute="createVolumePermission",
                                  OperationType="add", GroupNames=["all"])
    assert run("aws.ec2.snapshot_not_public", "aws.ec2.snapshot") == {
        arn("us-east-1", "snapshot", private): "pass", arn("us-east-1", "snapshot", public): "fail"}
    hook_events(monkeypatch, "before-call", deny(["DescribeSnapshotAttribute"]))
    inventory = collect({"aws.ec2.snapshot"})
    assert run_statuses_only(evaluate_control("aws.ec2.snapshot_not_public", inventory)) == {"error"}
    # the encryption flag came from the listing, so that control still decides
    assert run_statuses_only(evaluate_control("aws.ec2.snapshot_encrypted", inventory)) == {"pass"}


def run_statuses_only(findings) -> set[str]:
    return {f.status for f in findings}


def test_imdsv2_required(aws, monkeypatch):
    ec2 = aws.client("ec2")
    good = ec2.run_instances(ImageId="ami-12345678", MinCount=1, MaxCount=1,
                             MetadataOptions={"HttpTokens": "required"})["Instances"][0]["InstanceId"]
    bad = ec2.run_instances(ImageId="ami-12345678", MinCount=1, MaxCount=1,
                            MetadataOptions={"HttpTokens": "optional"})["Instances"][0]["InstanceId"]
    gone = ec2.run_instances(ImageId="ami-12345678", MinCount=1, MaxCount=1)["Instances"][0]["InstanceId"]
    ec2.terminate_instances(InstanceIds=[gone])
    assert run("aws.ec2.imdsv2_required", "aws.ec2.instance") == {
        arn("us-east-1", "instance", good): "pass", arn("us-east-1", "instance", bad): "fail"}
    hook_events(monkeypatch, "before-call", deny(["DescribeInstances"]))
    assert run_statuses_only(evaluate_control("aws.ec2.imdsv2_required", collect({"aws.ec2.instance"}))) == {"error"}


def _groups(ec2) -> dict[str, str]:
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    ids = {}
    for name, permissions in {
        "ssh-world": [{"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}],
        "pg-range-v6": [{"IpProtocol": "tcp", "FromPort": 5000, "ToPort": 6000,
                         "Ipv6Ranges": [{"CidrIpv6": "::/0"}]}],
        "all-traffic": [{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}],
        "https-world": [{"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}],
        "ssh-internal": [{"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "10.0.0.0/8"}]}],
    }.items():
        group = ec2.create_security_group(GroupName=name, Description=name, VpcId=vpc)["GroupId"]
        ec2.authorize_security_group_ingress(GroupId=group, IpPermissions=permissions)
        ids[name] = arn("us-east-1", "security-group", group)
    return ids


def test_admin_ports_restricted(aws):
    ids = _groups(aws.client("ec2"))
    findings = evaluate_control("aws.ec2.admin_ports_restricted", collect({"aws.ec2.security_group"}))
    result = statuses(findings)
    assert {name: result[ident] for name, ident in ids.items()} == {
        "ssh-world": "fail", "pg-range-v6": "fail", "all-traffic": "fail", "https-world": "pass", "ssh-internal": "pass"}
    pg = next(f for f in findings if f.resource["id"] == ids["pg-range-v6"])
    assert pg.evidence["exposures"][0]["ports"] == [5432] and pg.evidence["exposures"][0]["sources"] == ["::/0"]


def test_admin_ports_unreadable_is_error(aws, monkeypatch):
    _groups(aws.client("ec2"))
    hook_events(monkeypatch, "before-call", deny(["DescribeSecurityGroups"]))
    findings = evaluate_control("aws.ec2.admin_ports_restricted", collect({"aws.ec2.security_group"}))
    assert run_statuses_only(findings) == {"error"}


def test_default_security_group_closed(aws, monkeypatch):
    ec2 = aws.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
    default = ec2.describe_security_groups(Filters=[{"Name": "vpc-id", "Values": [vpc]},
                                                    {"Name": "group-name", "Values": ["default"]}])
    default_id = default["SecurityGroups"][0]["GroupId"]
    for perm in default["SecurityGroups"][0]["IpPermissionsEgress"]:
        ec2.revoke_security_group_egress(GroupId=default_id, IpPermissions=[perm])
    for perm in default["SecurityGroups"][0]["IpPermissions"]:
        ec2.revoke_security_group_ingress(GroupId=default_id, IpPermissions=[perm])
    result = run("aws.ec2.default_security_group_closed", "aws.ec2.security_group")
    assert result[arn("us-east-1", "security-group", default_id)] == "pass"
    others = {k: v for k, v in result.items() if k != arn("us-east-1", "security-group", default_id)}
    assert set(others.values()) == {"fail"}  # the other default groups allow all egress
    hook_events(monkeypatch, "before-call", deny(["DescribeSecurityGroups"]))
    assert run_statuses_only(evaluate_control("aws.ec2.default_security_group_closed",
                                              collect({"aws.ec2.security_group"}))) == {"error"}


def test_non_default_groups_are_skipped_by_default_group_control(aws):
    ids = _groups(aws.client("ec2"))
    result = run("aws.ec2.default_security_group_closed", "aws.ec2.security_group")
    assert {result[ident] for ident in ids.values()} == {"skip"}


def test_vpc_flow_logs(aws, monkeypatch):
    ec2 = aws.client("ec2")
    aws.client("s3").create_bucket(Bucket="flow-logs")
    logged = ec2.create_vpc(CidrBlock="10.2.0.0/16")["Vpc"]["VpcId"]
    silent = ec2.create_vpc(CidrBlock="10.3.0.0/16")["Vpc"]["VpcId"]
    answer = ec2.create_flow_logs(ResourceIds=[logged], ResourceType="VPC", TrafficType="ALL",
                                  LogDestinationType="s3", LogDestination="arn:aws:s3:::flow-logs")
    assert answer["FlowLogIds"], answer
    result = run("aws.ec2.vpc_flow_logs", "aws.ec2.vpc", REGIONS)
    assert result[arn("us-east-1", "vpc", logged)] == "pass"
    assert result[arn("us-east-1", "vpc", silent)] == "fail"
    assert any(k.startswith("arn:aws:ec2:eu-west-1:") and v == "fail" for k, v in result.items())  # default VPC
    hook_events(monkeypatch, "before-call", deny(["DescribeFlowLogs"]))
    inventory = collect({"aws.ec2.vpc"})
    assert run_statuses_only(evaluate_control("aws.ec2.vpc_flow_logs", inventory)) == {"error"}
    unreadable = [r for r in inventory.resources if "flow_logs" in r.unreadable]
    assert len(unreadable) == len(inventory.resources) >= 3
