"""Every shipped AWS control's check reads only the attributes it declares (``reads``), so a collection
narrowed to the selected controls' reads never leaves out something a check looks at.

A richly seeded account is collected in full; each check then runs on every resource of its type cut
down to the declared attributes (and on variants missing one of them, to take other branches), on a
resource that records every attribute name asked for.
"""
from __future__ import annotations

import contextlib
from typing import Any

import pytest
from aws_coverage_seeds import seed_everything
from aws_helpers import ACCOUNT, REGION, active_control
from test_aws2_data import plan, table
from test_aws2_edge import acm, distribution, function, load_balancer
from test_aws2_rds_clusters import seed_members
from test_aws_s3 import seed as seed_buckets

from hipaacheck.controls import builtin_controls
from hipaacheck.model import Outcome, Resource, source_family
from hipaacheck.registry import get_check, load_all
from hipaacheck.sources.aws.context import AwsOptions
from hipaacheck.sources.aws.registry import load_collectors
from hipaacheck.sources.aws.source import AwsSource

ADMIN = '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}'


class Recording(dict):
    """Attributes that remember every name asked for; listing them all counts as reading ``*``."""

    def __init__(self, data: dict[str, Any], seen: set[str]) -> None:
        super().__init__(data)
        self.seen = seen

    def __getitem__(self, name: str) -> Any:
        self.seen.add(name)
        return super().__getitem__(name)

    def get(self, name: str, default: Any = None) -> Any:
        self.seen.add(name)
        return super().get(name, default)

    def __contains__(self, name: object) -> bool:
        self.seen.add(str(name))
        return super().__contains__(name)

    def __iter__(self):
        self.seen.add("*")
        return super().__iter__()

    def keys(self):
        self.seen.add("*")
        return super().keys()

    def values(self):
        self.seen.add("*")
        return super().values()

    def items(self):
        self.seen.add("*")
        return super().items()


class Recorded(Resource):
    def ensure_readable(self, path: str) -> None:
        self.attributes.seen.add(path.partition(".")[0])  # type: ignore[attr-defined]
        super().ensure_readable(path)


def seed_account(session) -> None:
    seed_buckets(session)
    seed_members(session)
    load_balancer(session)
    distribution(session, "old", "allow-all", acm("TLSv1.1_2016"))
    function(session, "leaky", {"DB_PASSWORD": "not-a-real-secret"})
    table(session.client("dynamodb"), "records")
    plan(session.client("backup"), "short", 7)
    iam = session.client("iam")
    iam.create_user(UserName="nurse")
    iam.create_login_profile(UserName="nurse", Password="Not-Checked-Passw0rd!")
    iam.create_access_key(UserName="nurse")
    iam.create_group(GroupName="admins")
    iam.put_group_policy(GroupName="admins", PolicyName="all", PolicyDocument=ADMIN)
    iam.add_user_to_group(GroupName="admins", UserName="nurse")
    iam.update_account_password_policy(MinimumPasswordLength=8)
    iam.create_role(RoleName="long", AssumeRolePolicyDocument="{}", MaxSessionDuration=43200)
    kms = session.client("kms")
    kms.enable_key_rotation(KeyId=kms.create_key()["KeyMetadata"]["KeyId"])
    logs = session.client("logs")
    logs.create_log_group(logGroupName="app")
    logs.put_retention_policy(logGroupName="app", retentionInDays=30)
    trail = session.client("cloudtrail")
    trail.create_trail(Name="main", S3BucketName="log-bucket", IsMultiRegionTrail=True)
    trail.start_logging(Name="main")
    trail.put_event_selectors(TrailName="main", EventSelectors=[{"ReadWriteType": "All"}])
    config = session.client("config")
    config.put_configuration_recorder(ConfigurationRecorder={
        "name": "default", "roleARN": f"arn:aws:iam::{ACCOUNT}:role/config",
        "recordingGroup": {"allSupported": True, "includeGlobalResourceTypes": True}})
    config.put_delivery_channel(DeliveryChannel={"name": "default", "s3BucketName": "log-bucket"})
    config.start_configuration_recorder(ConfigurationRecorderName="default")
    session.client("guardduty").create_detector(Enable=True)
    ec2 = session.client("ec2")
    vpc = ec2.describe_vpcs()["Vpcs"][0]["VpcId"]
    ec2.create_flow_logs(ResourceIds=[vpc], ResourceType="VPC", TrafficType="ALL", LogGroupName="app",
                         DeliverLogsPermissionArn=f"arn:aws:iam::{ACCOUNT}:role/flow")
    group = ec2.create_security_group(GroupName="ssh", Description="ssh", VpcId=vpc)["GroupId"]
    ec2.authorize_security_group_ingress(GroupId=group, IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])


@pytest.fixture
def inventory(aws, monkeypatch):
    seed_account(aws)
    logs = aws.client("logs")
    logs.create_log_group(logGroupName="trail")
    aws.client("cloudtrail").update_trail(Name="main", CloudWatchLogsRoleArn=f"arn:aws:iam::{ACCOUNT}:role/ct",
                                          CloudWatchLogsLogGroupArn=f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:trail:*")
    seed_everything(aws, monkeypatch)
    return AwsSource(AwsOptions(regions=[REGION])).collect(set(load_collectors()))  # everything


def variants(resource: Resource, reads: frozenset[str]) -> list[dict[str, Any]]:
    """The resource's declared attributes, then each of them left out in turn."""
    declared = {name: value for name, value in resource.attributes.items() if name in reads}
    return [declared, *({k: v for k, v in declared.items() if k != gone} for gone in declared)]


def test_every_aws_check_reads_only_what_it_declares(inventory):
    by_type = inventory.by_type()
    load_all()
    controls = [c for c in builtin_controls().controls.values() if source_family(c.resource_type) == "aws"]
    assert len(controls) > 60
    for control in controls:
        active, check = active_control(control.id), get_check(control.check)
        reads = check.reads_for(active.params)
        assert reads is not None, f"{control.check} declares no reads"
        resources = by_type.get(control.resource_type, [])
        if control.check != "attribute":  # hand-declared reads: the seed must exercise them
            assert resources, f"no {control.resource_type} seeded for {control.id}"
        for resource in resources:
            for attributes in variants(resource, reads):
                seen: set[str] = set()
                unreadable = {k: v for k, v in resource.unreadable.items() if k in reads or k == "*"}
                probe = Recorded(resource.type, resource.id, Recording(attributes, seen), resource.region,
                                 resource.account, unreadable)
                with contextlib.suppress(Exception):  # a missing attribute may raise; what was read counts
                    outcome = check.function(probe, check.prepared(active.params))
                    if not isinstance(outcome, Outcome):
                        list(outcome)  # a generator check reads only when iterated
                assert seen <= reads, f"{control.id} read {sorted(seen - reads)} on {resource.id}"


def test_ssm_compliance_reads_only_the_summary_its_kind_names():
    load_all()
    spec = get_check("aws.ssm.compliance")
    assert spec.reads_for({"kind": "patch"}) == {"state", "ssm_managed", "patch_compliance"}
    assert spec.reads_for({"kind": "association"}) == {"state", "ssm_managed", "association_compliance"}
