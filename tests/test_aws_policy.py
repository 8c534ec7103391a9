"""``hipaacheck aws-policy``: the read-only policy derived from the collectors' declared calls, and a scan
under exactly that policy (moto's IAM enforcement) that makes no denied call."""
from __future__ import annotations

import io
import json
import zipfile
from typing import Any

import pytest

from assertions import input_error
from aws_coverage_seeds import answer_moto_gaps, seed_everything
from aws_helpers import ACCOUNT
from hipaacheck.sources.aws.policy import iam_action, read_only_policy
from hipaacheck.sources.aws.registry import load_collectors

SCANNER = "scanner"
# moto 5.2.5 cannot check the signature of these REST APIs under IAM enforcement, even for an "Allow *"
# user (SignatureDoesNotMatch / InvalidClientTokenId, in-process and in server mode): their calls are
# not proven here.
UNVERIFIABLE = ("apigateway:", "backup:", "efs:", "eks:", "guardduty:", "kafka:", "lambda:", "opensearch:",
                "securityhub:")
SIGNATURE_ERRORS = ("SignatureDoesNotMatch", "InvalidClientTokenId")
# moto authorizes s3 GetBucketEncryption and GetPublicAccessBlock as s3:ListBucket (its S3 ACTION_MAP
# lacks them); real IAM wants s3:GetEncryptionConfiguration and s3:GetBucketPublicAccessBlock, which
# the policy grants. s3:ListBucket (object keys) stays out of the real policy. moto also checks CloudWatch
# under its signing name (monitoring:DescribeAlarms), where IAM's prefix, which the policy uses, is cloudwatch.
MOTO_ALIASES = ("s3:ListBucket", "monitoring:DescribeAlarms")


def seed(session: Any) -> None:
    """At least one resource of the kinds whose per-resource reads make calls of their own."""
    s3 = session.client("s3")
    for name in ("phi-a", "phi-b"):
        s3.create_bucket(Bucket=name)
    s3.put_bucket_versioning(Bucket="phi-a", VersioningConfiguration={"Status": "Enabled"})
    s3.put_bucket_policy(Bucket="phi-a", Policy=json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Deny", "Principal": {"AWS": "*"}, "Action": "s3:*", "Resource": "arn:aws:s3:::phi-a/*",
        "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]}))
    iam = session.client("iam")
    iam.create_group(GroupName="nurses")
    iam.put_group_policy(GroupName="nurses", PolicyName="read", PolicyDocument=json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:Get*", "Resource": "*"}]}))
    iam.create_user(UserName="nurse")
    iam.add_user_to_group(GroupName="nurses", UserName="nurse")
    iam.create_login_profile(UserName="nurse", Password="Nurse-Passw0rd!")
    iam.create_access_key(UserName="nurse")
    iam.put_user_policy(UserName="nurse", PolicyName="own", PolicyDocument=json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:List*", "Resource": "*"}]}))
    iam.attach_user_policy(UserName="nurse", PolicyArn=iam.create_policy(PolicyName="ro", PolicyDocument=json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "ec2:Describe*", "Resource": "*"}]}))
        ["Policy"]["Arn"])
    role = iam.create_role(RoleName="fn", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    kms = session.client("kms")
    kms.enable_key_rotation(KeyId=kms.create_key()["KeyMetadata"]["KeyId"])
    session.client("logs").create_log_group(logGroupName="app")
    s3.create_bucket(Bucket="trail-logs")
    trail = session.client("cloudtrail")
    trail.create_trail(Name="main", S3BucketName="trail-logs", IsMultiRegionTrail=True)
    trail.start_logging(Name="main")
    session.client("guardduty").create_detector(Enable=True)
    ec2 = session.client("ec2")
    volume = ec2.create_volume(AvailabilityZone="us-east-1a", Size=1)["VolumeId"]
    ec2.create_snapshot(VolumeId=volume)
    rds = session.client("rds")
    rds.create_db_instance(DBInstanceIdentifier="db", DBInstanceClass="db.t3.micro", Engine="postgres",
                           MasterUsername="u", MasterUserPassword="Passw0rd-Passw0rd", AllocatedStorage=20)
    rds.create_db_snapshot(DBInstanceIdentifier="db", DBSnapshotIdentifier="db-snap")
    session.client("dynamodb").create_table(
        TableName="t", BillingMode="PAY_PER_REQUEST", AttributeDefinitions=[{"AttributeName": "k", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "k", "KeyType": "HASH"}])
    session.client("sqs").create_queue(QueueName="q")
    session.client("sns").create_topic(Name="t")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("index.py", "def handler(event, context):\n    return 1\n")
    session.client("lambda").create_function(FunctionName="fn", Runtime="python3.12", Role=role,
                                             Handler="index.handler", Code={"ZipFile": buffer.getvalue()})


def seed_all(session: Any, monkeypatch) -> None:
    """:func:`seed`, with its trail delivering to CloudWatch Logs, plus every coverage seed (issue 12's
    types, the alarm chain on that log group, a data-event trail); moto's missing handlers answer empty."""
    seed(session)
    session.client("logs").create_log_group(logGroupName="trail")
    session.client("cloudtrail").update_trail(
        Name="main", CloudWatchLogsRoleArn=f"arn:aws:iam::{ACCOUNT}:role/fn",
        CloudWatchLogsLogGroupArn=f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:trail:*")
    seed_everything(session, monkeypatch)
    answer_moto_gaps(monkeypatch)


def one_region(monkeypatch) -> None:
    """The account's enabled regions are still listed (ec2:DescribeRegions), but only us-east-1 is kept."""
    from aws_helpers import hook_events

    def trim(parsed: Any = None, **_: Any) -> None:
        parsed["Regions"] = [r for r in parsed.get("Regions", []) if r["RegionName"] == "us-east-1"]

    hook_events(monkeypatch, "after-call.ec2.DescribeRegions", trim)


def scanner_keys(session: Any, policy: dict[str, Any]) -> dict[str, str]:
    """Keys of an IAM user whose only permissions are ``policy``."""
    iam = session.client("iam")
    iam.create_user(UserName=SCANNER)
    iam.put_user_policy(UserName=SCANNER, PolicyName="hipaacheck", PolicyDocument=json.dumps(policy))
    key = iam.create_access_key(UserName=SCANNER)["AccessKey"]
    return {"AWS_ACCESS_KEY_ID": key["AccessKeyId"], "AWS_SECRET_ACCESS_KEY": key["SecretAccessKey"]}


def all_types() -> set[str]:
    return set(load_collectors())


def test_every_collector_declares_its_calls() -> None:
    import botocore.session

    core = botocore.session.get_session()
    for rtype, collector in load_collectors().items():
        assert collector.calls, f"{rtype}: declare calls=(...) on its @aws_collector"
        for call in collector.calls:
            service, _, operation = call.partition(":")
            assert operation in core.get_service_model(service).operation_names, f"{rtype}: {call} is no operation"


def test_policy_names_iam_actions() -> None:
    assert iam_action("s3:ListBuckets") == "s3:ListAllMyBuckets"
    assert iam_action("elbv2:DescribeListeners") == "elasticloadbalancing:DescribeListeners"
    assert iam_action("opensearch:ListDomainNames") == "es:ListDomainNames"
    assert iam_action("efs:DescribeFileSystems") == "elasticfilesystem:DescribeFileSystems"
    statement = read_only_policy({"aws.s3.bucket"})["Statement"]
    assert statement[0]["Action"] == sorted(statement[0]["Action"])
    assert iam_action("cloudwatch:DescribeAlarms") == "cloudwatch:DescribeAlarms"  # signs as "monitoring"
    assert iam_action("apigateway:GetStages") == "apigateway:GET"
    actions = read_only_policy(all_types())["Statement"][0]["Action"]
    assert not any(a.startswith(("s3:Put", "s3:Delete", "iam:Create")) for a in actions)
    # read-only: List/Get/Describe, API Gateway's GET, and the credential report (a Read action in IAM's reference)
    assert [a for a in actions if not a.partition(":")[2].startswith(("List", "Get", "Describe"))] == [
        "apigateway:GET", "iam:GenerateCredentialReport"]
    org = read_only_policy({"aws.s3.bucket"}, "Audit")["Statement"]
    assert org[1]["Action"] == ["organizations:ListAccounts"]
    assert org[2] == {"Sid": "HipaacheckAssumeMemberRole", "Effect": "Allow", "Action": ["sts:AssumeRole"],
                      "Resource": "arn:*:iam::*:role/Audit"}


def test_cli_prints_the_profile_policy(cli) -> None:
    from hipaacheck.pipeline import load_catalog, needed_types
    from hipaacheck.request import CatalogSpec

    result = cli("aws-policy")
    assert result.code == 0, result.err
    _, _, active = load_catalog(CatalogSpec(), "hipaa-aws")
    assert json.loads(result.out) == read_only_policy(needed_types(active, "aws"))
    input_error(cli("aws-policy", "--org-role", "bad role"), "--org-role")


def test_securityhub_import_is_the_one_write_and_only_when_asked(cli) -> None:
    plain = json.loads(cli("aws-policy").out)["Statement"]
    importing = json.loads(cli("aws-policy", "--securityhub-import").out)["Statement"]
    assert importing[:-1] == plain
    assert importing[-1] == {"Sid": "HipaacheckImportFindings", "Effect": "Allow",
                             "Action": ["securityhub:BatchImportFindings"],
                             "Resource": "arn:*:securityhub:*:*:product/*/default"}
    assert not any("BatchImportFindings" in action for statement in plain for action in statement["Action"])


# Declared calls the seeded account gives no occasion to make (each collector is read, so none is dead code).
NOT_EXERCISED = {
    "backup:GetBackupPlan": "no backup plan", "config:DescribeConfigurationRecorderStatus": "no recorder",
    "elbv2:DescribeRules": "no HTTP listener", "elbv2:DescribeSSLPolicies": "no HTTPS listener",
    "guardduty:GetFindings": "no high finding listed", "securityhub:GetEnabledStandards": "no hub",
    **dict.fromkeys(("iam:GetAccessKeyLastUsed", "iam:GetLoginProfile", "iam:ListAccessKeys", "iam:ListMFADevices"),
                    "every user is in the credential report"),
    "iam:GetPolicy": "every attached policy is listed with its version"}


def test_scan_calls_are_all_declared(aws, monkeypatch) -> None:
    """Each collector, run alone, makes only the calls it declares (with those of the types it ``uses``):
    calls a shared helper makes for it included; together they make every declared call but NOT_EXERCISED."""
    from hipaacheck.sources.aws.context import AwsOptions
    from hipaacheck.sources.aws.policy import SCAN_CALLS, collector_calls
    from hipaacheck.sources.aws.source import AwsSource

    seed_all(aws, monkeypatch)
    one_region(monkeypatch)
    made_by_all: set[str] = set()
    for rtype in sorted(all_types()):
        source = AwsSource(AwsOptions(max_workers=2))
        source.collect({rtype})
        made = set(source.context.calls_by_operation) - {"sts:GetCallerIdentity"}
        assert made - collector_calls({rtype}) - set(SCAN_CALLS) == set(), rtype
        made_by_all |= made
    assert {"s3:GetBucketPolicy", "iam:GetUserPolicy", "ec2:DescribeRegions"} <= made_by_all, "the seed exercises reads"
    assert collector_calls(all_types()) - made_by_all == set(NOT_EXERCISED)


def denied(document: dict[str, Any]) -> list[str]:
    """Error findings from a refused call, but those moto cannot sign-check (asserted to be only those)."""
    refused = {f"{f['control_id']}: {f['message']}" for f in document["findings"]
               if f["status"] == "error" and ("AccessDenied" in f["message"] or "403" in f["message"])}
    unsigned = {line for line in refused if any(code in line for code in SIGNATURE_ERRORS)}
    assert all(any(f": {service}" in line for service in UNVERIFIABLE) for line in unsigned), unsigned
    return sorted(refused - unsigned)


def for_moto(policy: dict[str, Any]) -> dict[str, Any]:
    policy["Statement"][0]["Action"].extend(MOTO_ALIASES)
    return policy


@pytest.mark.parametrize("drop", [None, "s3:GetBucketVersioning"])
def test_a_scan_under_exactly_that_policy_is_never_denied(cli, aws, monkeypatch, tmp_path, drop) -> None:
    from moto.core.authorization import enable_iam_authentication

    seed_all(aws, monkeypatch)
    one_region(monkeypatch)
    policy = json.loads(cli("aws-policy").out)
    if drop:  # the test can fail: one action less is a denied call, reported as an error finding
        policy["Statement"][0]["Action"].remove(drop)
    for name, value in scanner_keys(aws, for_moto(policy)).items():
        monkeypatch.setenv(name, value)
    with enable_iam_authentication():
        result = cli("scan", "--source", "aws", "--format", "json", "--output-dir", tmp_path, "--quiet")
    assert result.code in (1, 3), result.err
    found = denied(json.loads((tmp_path / "hipaacheck-results.json").read_text()))
    if drop is None:
        assert found == [], "\n".join(f[:160] for f in found)
    else:
        assert found and all("versioning" in line for line in found), found


def test_an_organization_scan_under_the_derived_policies_is_never_denied(cli, aws, monkeypatch, tmp_path) -> None:
    from moto.core.authorization import enable_iam_authentication

    one_region(monkeypatch)
    organizations = aws.client("organizations")
    organizations.create_organization(FeatureSet="ALL")
    member = organizations.create_account(AccountName="clinic", Email="c@example.com")["CreateAccountStatus"]["AccountId"]
    member_policy = json.loads(cli("aws-policy").out)
    caller_policy = json.loads(cli("aws-policy", "--org-role", "HipaacheckAudit").out)
    creds = aws.client("sts").assume_role(RoleArn=f"arn:aws:iam::{member}:role/OrganizationAccountAccessRole",
                                          RoleSessionName="setup")["Credentials"]
    member_iam = aws.client("iam", aws_access_key_id=creds["AccessKeyId"], aws_secret_access_key=creds["SecretAccessKey"],
                            aws_session_token=creds["SessionToken"])
    member_iam.create_role(RoleName="HipaacheckAudit", AssumeRolePolicyDocument="{}")
    member_iam.put_role_policy(RoleName="HipaacheckAudit", PolicyName="hipaacheck",
                               PolicyDocument=json.dumps(for_moto(member_policy)))
    aws.client("s3", aws_access_key_id=creds["AccessKeyId"], aws_secret_access_key=creds["SecretAccessKey"],
               aws_session_token=creds["SessionToken"]).create_bucket(Bucket="clinic-phi")
    for name, value in scanner_keys(aws, for_moto(caller_policy)).items():
        monkeypatch.setenv(name, value)
    with enable_iam_authentication():
        result = cli("scan", "--source", "aws", "--accounts", "all", "--org-role", "HipaacheckAudit",
                     "--format", "json", "--output-dir", tmp_path, "--quiet")
    assert result.code in (1, 3), result.err
    document = json.loads((tmp_path / "hipaacheck-results.json").read_text())
    assert {t["id"] for t in document["targets"]} == {"123456789012", member}
    assert {t["status"] for t in document["targets"]} <= {"scanned", "partial"}  # partial: UNVERIFIABLE only
    assert denied(document) == []
    assert any(f["resource"]["id"] == "arn:aws:s3:::clinic-phi" for f in document["findings"])
