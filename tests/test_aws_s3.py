"""S3 collectors and controls on in-process moto: compliant, non-compliant and unreadable buckets."""
from __future__ import annotations

import json

import pytest
from aws_helpers import ACCOUNT, collect, deny, evaluate_control, hook_events, statuses

PAB = {"BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True, "RestrictPublicBuckets": True}
TLS_ONLY = {"Version": "2012-10-17", "Statement": [{
    "Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
    "Resource": ["arn:aws:s3:::good-bucket", "arn:aws:s3:::good-bucket/*"],
    "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]}
GOOD = "arn:aws:s3:::good-bucket"
BAD = "arn:aws:s3:::bad-bucket"


def seed(session) -> None:
    s3 = session.client("s3")
    s3.create_bucket(Bucket="good-bucket")
    s3.create_bucket(Bucket="bad-bucket", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    s3.create_bucket(Bucket="log-bucket", ObjectLockEnabledForBucket=True)
    s3.put_bucket_acl(Bucket="log-bucket", GrantWrite="uri=http://acs.amazonaws.com/groups/s3/LogDelivery",
                      GrantReadACP="uri=http://acs.amazonaws.com/groups/s3/LogDelivery")
    s3.put_bucket_encryption(Bucket="good-bucket", ServerSideEncryptionConfiguration={"Rules": [
        {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": "alias/phi"}}]})
    s3.put_bucket_encryption(Bucket="log-bucket", ServerSideEncryptionConfiguration={"Rules": [
        {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]})
    s3.put_public_access_block(Bucket="good-bucket", PublicAccessBlockConfiguration=PAB)
    s3.put_public_access_block(Bucket="bad-bucket", PublicAccessBlockConfiguration={**PAB, "BlockPublicPolicy": False})
    s3.put_bucket_policy(Bucket="good-bucket", Policy=json.dumps(TLS_ONLY))
    s3.put_bucket_versioning(Bucket="good-bucket", VersioningConfiguration={"Status": "Enabled"})
    s3.put_bucket_logging(Bucket="good-bucket", BucketLoggingStatus={
        "LoggingEnabled": {"TargetBucket": "log-bucket", "TargetPrefix": "good/"}})


@pytest.fixture
def seeded(aws):
    seed(aws)
    return collect({"aws.s3.bucket", "aws.s3.account_public_access_block"})


def test_bucket_region_comes_from_get_bucket_location(seeded):
    regions = {r.id: r.region for r in seeded.resources if r.type == "aws.s3.bucket"}
    assert regions == {GOOD: "us-east-1", BAD: "eu-west-1", "arn:aws:s3:::log-bucket": "us-east-1"}


@pytest.mark.parametrize("control, good, bad", [
    ("aws.s3.default_encryption", "pass", "fail"),
    ("aws.s3.bucket_public_access_block", "pass", "fail"),
    ("aws.s3.secure_transport", "pass", "fail"),
    ("aws.s3.versioning", "pass", "fail"),
    ("aws.s3.access_logging", "pass", "fail"),
])
def test_bucket_controls(seeded, control, good, bad):
    result = statuses(evaluate_control(control, seeded))
    assert (result[GOOD], result[BAD]) == (good, bad)


def test_access_logging_fails_without_logging(seeded):
    assert statuses(evaluate_control("aws.s3.access_logging", seeded))["arn:aws:s3:::log-bucket"] == "fail"


def test_default_encryption_sse_s3_passes_unless_kms_is_required(seeded):
    log = "arn:aws:s3:::log-bucket"
    assert statuses(evaluate_control("aws.s3.default_encryption", seeded))[log] == "pass"
    strict = evaluate_control("aws.s3.default_encryption", seeded, require_kms=True)
    assert statuses(strict)[log] == "fail" and statuses(strict)[GOOD] == "pass"


def test_object_lock_only_judges_log_buckets(aws):
    seed(aws)
    aws.client("s3").create_bucket(Bucket="unlocked-logs")
    aws.client("s3").put_bucket_acl(Bucket="unlocked-logs",
                                    GrantWrite="uri=http://acs.amazonaws.com/groups/s3/LogDelivery",
                                    GrantReadACP="uri=http://acs.amazonaws.com/groups/s3/LogDelivery")
    aws.client("s3").put_bucket_logging(Bucket="log-bucket", BucketLoggingStatus={
        "LoggingEnabled": {"TargetBucket": "unlocked-logs", "TargetPrefix": "x/"}})
    result = statuses(evaluate_control("aws.s3.log_bucket_object_lock", collect({"aws.s3.bucket"})))
    assert result == {"arn:aws:s3:::log-bucket": "pass", "arn:aws:s3:::unlocked-logs": "fail",
                      GOOD: "skip", BAD: "skip"}


def test_account_public_access_block(aws):
    inventory = collect({"aws.s3.account_public_access_block"})
    assert statuses(evaluate_control("aws.s3.account_public_access_block", inventory)) == {
        f"arn:aws:s3::{ACCOUNT}:account": "fail"}
    aws.client("s3control").put_public_access_block(AccountId=ACCOUNT, PublicAccessBlockConfiguration=PAB)
    inventory = collect({"aws.s3.account_public_access_block"})
    assert statuses(evaluate_control("aws.s3.account_public_access_block", inventory)) == {
        f"arn:aws:s3::{ACCOUNT}:account": "pass"}


def test_unreadable_policy_is_an_error_naming_the_call(aws, monkeypatch):
    seed(aws)
    hook_events(monkeypatch, "before-call", deny(["GetBucketPolicy"]))
    inventory = collect({"aws.s3.bucket"})
    findings = evaluate_control("aws.s3.secure_transport", inventory)
    assert {f.status for f in findings} == {"error"}
    assert "s3:GetBucketPolicy: AccessDenied" in findings[0].message
    # the other reads were not affected
    assert statuses(evaluate_control("aws.s3.versioning", inventory))[GOOD] == "pass"


def test_unreadable_location_makes_the_whole_bucket_unreadable(aws, monkeypatch):
    seed(aws)
    hook_events(monkeypatch, "before-call", deny(["GetBucketLocation"]))
    findings = evaluate_control("aws.s3.versioning", collect({"aws.s3.bucket"}))
    assert {f.status for f in findings} == {"error"} and len(findings) == 3


def test_listing_denied_gives_one_error_per_control(aws, monkeypatch):
    seed(aws)
    hook_events(monkeypatch, "before-call", deny(["ListBuckets"]))
    findings = evaluate_control("aws.s3.versioning", collect({"aws.s3.bucket"}))
    assert [(f.status, f.resource["id"]) for f in findings] == [("error", "s3:ListBuckets")]
    assert "AccessDenied" in findings[0].message


def acl_calls(monkeypatch) -> list[str]:
    """Bucket names GetBucketAcl is called for, in this collection."""
    called: list[str] = []

    def note(params=None, **_):
        called.append(params["Bucket"])

    hook_events(monkeypatch, "before-parameter-build.s3.GetBucketAcl", note)
    return called


def public_read_acl_buckets(aws) -> None:
    s3 = aws.client("s3")
    for name in ("ignored", "open"):
        s3.create_bucket(Bucket=name)
        s3.put_bucket_acl(Bucket=name, ACL="public-read")
    s3.put_public_access_block(Bucket="ignored", PublicAccessBlockConfiguration=PAB)


def test_ignore_public_acls_on_the_bucket_spares_the_acl_read_and_still_judges_it(aws, monkeypatch):
    public_read_acl_buckets(aws)
    called = acl_calls(monkeypatch)
    findings = evaluate_control("aws.s3.no_public_read", collect({"aws.s3.bucket"}))
    assert called == ["open"]
    by_id = {f.resource["id"]: f for f in findings}
    assert by_id["arn:aws:s3:::ignored"].status == "pass" and by_id["arn:aws:s3:::ignored"].evidence["acl_grants"] is None
    assert by_id["arn:aws:s3:::open"].status == "fail"  # the ACL S3 honours is read and judged


def test_ignore_public_acls_on_the_account_spares_every_acl_read(aws, monkeypatch):
    public_read_acl_buckets(aws)
    aws.client("s3control").put_public_access_block(AccountId=ACCOUNT, PublicAccessBlockConfiguration=PAB)
    called = acl_calls(monkeypatch)
    findings = evaluate_control("aws.s3.no_public_read", collect({"aws.s3.bucket"}))
    assert called == [] and {f.status for f in findings} == {"pass"}


def test_an_unread_account_setting_means_the_acl_is_read(aws, monkeypatch):
    public_read_acl_buckets(aws)
    aws.client("s3control").put_public_access_block(AccountId=ACCOUNT, PublicAccessBlockConfiguration=PAB)
    called = acl_calls(monkeypatch)
    hook_events(monkeypatch, "before-call", deny(services=["s3control"]))
    findings = evaluate_control("aws.s3.no_public_read", collect({"aws.s3.bucket"}))
    assert called == ["open"]
    # the ACL grants public read; the unread account level might void it: error, never a guess
    opened = {f.resource["id"]: f for f in findings}["arn:aws:s3:::open"]
    assert opened.status == "error" and "s3control" in opened.message
