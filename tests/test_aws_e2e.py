"""End to end: the CLI against a loopback moto server, clean, with faults, and through a snapshot.

Server tests are few on purpose (moto is not fully thread-safe): each scans a seeded account once.
"""
from __future__ import annotations

import json

import pytest
from aws_coverage_seeds import answer_moto_gaps
from aws_helpers import ACCOUNT, Throttler, deny, hook_events, server_client

pytestmark = pytest.mark.slow

TLS_ONLY = {"Version": "2012-10-17", "Statement": [{
    "Effect": "Deny", "Principal": "*", "Action": "s3:*",
    "Resource": ["arn:aws:s3:::phi-good", "arn:aws:s3:::phi-good/*"],
    "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]}
PAB = {"BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True, "RestrictPublicBuckets": True}
SECRET = "Sup3r-Secret-Passw0rd!"


def seed(endpoint: str) -> None:
    s3 = server_client(endpoint, "s3")
    for name in ("phi-good", "phi-bad"):
        s3.create_bucket(Bucket=name)
    s3.put_bucket_encryption(Bucket="phi-good", ServerSideEncryptionConfiguration={"Rules": [
        {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms"}}]})
    s3.put_public_access_block(Bucket="phi-good", PublicAccessBlockConfiguration=PAB)
    s3.put_bucket_policy(Bucket="phi-good", Policy=json.dumps(TLS_ONLY))
    s3.put_bucket_versioning(Bucket="phi-good", VersioningConfiguration={"Status": "Enabled"})
    iam = server_client(endpoint, "iam")
    iam.create_user(UserName="nurse")
    iam.create_login_profile(UserName="nurse", Password=SECRET)
    iam.create_role(RoleName="long", AssumeRolePolicyDocument="{}", MaxSessionDuration=43200)
    kms = server_client(endpoint, "kms")
    kms.enable_key_rotation(KeyId=kms.create_key()["KeyMetadata"]["KeyId"])
    logs = server_client(endpoint, "logs")
    logs.create_log_group(logGroupName="app")
    logs.put_retention_policy(logGroupName="app", retentionInDays=30)
    server_client(endpoint, "guardduty").create_detector(Enable=True)


def scan(cli, endpoint: str, *extra: str):
    return cli("scan", "--source", "aws", "--endpoint-url", endpoint, "--regions", "us-east-1",
               "--format", "json", "--quiet", *extra)


def by_control(findings: list[dict]) -> dict[tuple[str, str], str]:
    return {(f["control_id"], f["resource"]["id"] + (f"#{f['resource']['item']}" if "item" in f["resource"] else "")):
            f["status"] for f in findings if f["control_id"].split(".")[1] in
            ("s3", "iam", "kms", "logs", "guardduty", "cloudtrail", "config", "securityhub")}


def test_scan_snapshot_and_throttling_agree(cli, moto_endpoint, monkeypatch, tmp_path):
    seed(moto_endpoint)
    answer_moto_gaps(monkeypatch)  # Access Analyzer, GuardDuty findings...: the server has no handler
    live = scan(cli, moto_endpoint)
    assert live.code == 1, live.err
    findings = live.json()["findings"]
    got = by_control(findings)
    good, bad = "arn:aws:s3:::phi-good", "arn:aws:s3:::phi-bad"
    for control in ("default_encryption", "bucket_public_access_block", "secure_transport", "versioning"):
        assert (got[(f"aws.s3.{control}", good)], got[(f"aws.s3.{control}", bad)]) == ("pass", "fail"), control
    assert got[("aws.s3.account_public_access_block", f"arn:aws:s3::{ACCOUNT}:account")] == "fail"
    assert got[("aws.iam.user_console_mfa", f"arn:aws:iam::{ACCOUNT}:user/nurse")] == "fail"
    assert got[("aws.iam.role_max_session_duration", f"arn:aws:iam::{ACCOUNT}:role/long")] == "fail"
    assert got[("aws.iam.password_policy", f"arn:aws:iam::{ACCOUNT}:account-password-policy")] == "fail"
    assert got[("aws.logs.retention", f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:app")] == "fail"
    assert got[("aws.guardduty.enabled", f"arn:aws:guardduty:us-east-1:{ACCOUNT}:detectors")] == "pass"
    assert got[("aws.cloudtrail.multi_region_logging", f"arn:aws:cloudtrail::{ACCOUNT}:account")] == "fail"
    assert got[("aws.config.recording", f"arn:aws:config:us-east-1:{ACCOUNT}:configuration-recorders")] == "fail"
    assert [s for (c, _), s in got.items() if c == "aws.kms.key_rotation"] == ["pass"]
    assert "aws.s3.log_bucket_object_lock" not in {c for c, _ in got}  # optional: not selected by glob
    assert live.json()["run"]["target"]["account"] == ACCOUNT
    assert SECRET not in live.out

    # collect, then scan the snapshot offline: the same findings
    inventory = tmp_path / "inv.json"
    collected = cli("collect", "aws", "-o", inventory, "--endpoint-url", moto_endpoint, "--regions", "us-east-1",
                    "--quiet")
    assert collected.code == 0, collected.err
    offline = cli("scan", "--source", "snapshot", "--inventory", inventory, "--format", "json", "--quiet")
    assert offline.code == live.code
    assert offline.json()["findings"] == findings
    assert SECRET not in inventory.read_text()

    # a throttling answer on every third request: botocore retries, the findings do not change
    throttler = Throttler(every=3).install(monkeypatch)
    throttled = scan(cli, moto_endpoint, "--max-attempts", "10")
    assert throttler.throttled > 10
    assert throttled.code == live.code
    assert throttled.json()["findings"] == findings


def test_access_denied_for_one_service_is_error_not_pass(cli, moto_endpoint, monkeypatch, tmp_path):
    seed(moto_endpoint)
    profile = tmp_path / "kms-logs.yaml"
    profile.write_text("id: kms-logs\ntitle: KMS and Logs only\nextends: hipaa-base\n"
                       "controls:\n  include: ['aws.kms.key_rotation', 'aws.logs.*']\n")  # not key state: metadata is readable
    clean = scan(cli, moto_endpoint, "--profile", profile)
    assert clean.code == 1  # the 30-day log group fails
    hook_events(monkeypatch, "before-call", deny(services=["logs"], code="AccessDeniedException", status=400))
    hook_events(monkeypatch, "before-call", deny(["GetKeyRotationStatus"]))
    denied = scan(cli, moto_endpoint, "--profile", profile)
    assert denied.code == 3, denied.err
    findings = denied.json()["findings"]
    assert {f["status"] for f in findings} == {"error"}
    logs = [f for f in findings if f["control_id"].startswith("aws.logs.")]
    assert len(logs) == 2 and all("logs:DescribeLogGroups" in f["message"] and "AccessDeniedException" in f["message"]
                                  for f in logs)
    kms = [f for f in findings if f["control_id"] == "aws.kms.key_rotation"]
    assert len(kms) == 1 and "kms:GetKeyRotationStatus: AccessDenied" in kms[0]["message"]


def test_s3_control_works_against_the_loopback_endpoint(moto_endpoint):
    from aws_helpers import collect

    from hipaacheck.sources.aws.context import strip_account_host_label

    s3control = server_client(moto_endpoint, "s3control")
    s3control.meta.events.register("before-sign.s3-control", strip_account_host_label)
    s3control.put_public_access_block(AccountId=ACCOUNT, PublicAccessBlockConfiguration=PAB)
    inventory = collect({"aws.s3.account_public_access_block"}, endpoint_url=moto_endpoint)
    (resource,) = inventory.resources
    assert resource.unreadable == {}
    assert resource.attributes["public_access_block"] == PAB
