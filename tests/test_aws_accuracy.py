"""AWS judgements against what the account really does (issue 11), on in-process moto: trails homed outside
the scanned regions, CloudWatch Logs delivery health, Security Hub standards, effective S3 Block Public Access."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from aws_answers import edit_answer, model_answers
from aws_helpers import ACCOUNT, collect, deny, evaluate_control, hook_events, statuses

TRAIL_TYPES = {"aws.cloudtrail.trail", "aws.cloudtrail.account"}
ACCOUNT_TRAILS = f"arn:aws:cloudtrail::{ACCOUNT}:account"
HOME = "us-east-1"
MAIN = f"arn:aws:cloudtrail:{HOME}:{ACCOUNT}:trail/main"
PER_TRAIL = ("aws.cloudtrail.log_file_validation", "aws.cloudtrail.kms_encryption", "aws.cloudtrail.cloudwatch_logs")


@pytest.fixture
def home_trail(aws):
    """A multi-region trail homed in us-east-1, logging everything, delivering to CloudWatch Logs."""
    aws.client("s3").create_bucket(Bucket="trail-logs")
    key = aws.client("kms").create_key()["KeyMetadata"]["Arn"]
    role = aws.client("iam").create_role(RoleName="trail", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    ct = aws.client("cloudtrail", region_name=HOME)
    ct.create_trail(Name="main", S3BucketName="trail-logs", IsMultiRegionTrail=True, EnableLogFileValidation=True,
                    KmsKeyId=key, CloudWatchLogsLogGroupArn=f"arn:aws:logs:{HOME}:{ACCOUNT}:log-group:trail:*",
                    CloudWatchLogsRoleArn=role)
    ct.start_logging(Name="main")
    ct.put_event_selectors(TrailName="main", EventSelectors=[{"ReadWriteType": "All", "IncludeManagementEvents": True}])
    return aws


def delivered(monkeypatch, **fields) -> None:
    """moto's GetTrailStatus has no LatestCloudWatchLogsDelivery* fields: its answer gets ``fields``."""
    edit_answer(monkeypatch, "GetTrailStatus", lambda parsed, _: parsed.update(fields), "cloudtrail")


def hours_ago(hours: float) -> datetime:
    return datetime.now(timezone.utc) - timedelta(hours=hours)


# --- 6. a trail homed outside the scanned regions -------------------------------------------------

def test_multi_region_trail_homed_outside_the_scan_covers_it(home_trail, monkeypatch):
    delivered(monkeypatch, LatestCloudWatchLogsDeliveryTime=hours_ago(1))
    inventory = collect(TRAIL_TYPES, ["eu-west-1"])
    findings = evaluate_control("aws.cloudtrail.multi_region_logging", inventory)
    assert statuses(findings) == {ACCOUNT_TRAILS: "pass"} and MAIN in findings[0].message
    trails = [r for r in inventory.resources if r.type == "aws.cloudtrail.trail"]
    assert [(r.id, r.region) for r in trails] == [(MAIN, HOME)]  # read in its home region
    for control in PER_TRAIL:
        assert statuses(evaluate_control(control, inventory)) == {MAIN: "pass"}, control


def test_trail_seen_from_several_scanned_regions_appears_once(home_trail):
    inventory = collect(TRAIL_TYPES, ["eu-west-1", "eu-central-1", "ap-south-1"])
    assert [r.id for r in inventory.resources if r.type == "aws.cloudtrail.trail"] == [MAIN]
    (account,) = [r for r in inventory.resources if r.type == "aws.cloudtrail.account"]
    assert [t["arn"] for t in account.attributes["trails"]] == [MAIN]
    for control in PER_TRAIL:
        assert len(evaluate_control(control, inventory)) == 1, control


def test_trail_homed_in_a_scanned_region_is_listed_there_once(home_trail):
    inventory = collect(TRAIL_TYPES, ["eu-west-1", HOME])
    assert [(r.id, r.region) for r in inventory.resources if r.type == "aws.cloudtrail.trail"] == [(MAIN, HOME)]


def test_single_region_trail_elsewhere_does_not_cover_the_scan(aws):
    aws.client("s3").create_bucket(Bucket="trail-logs")
    aws.client("cloudtrail", region_name=HOME).create_trail(Name="local", S3BucketName="trail-logs")
    inventory = collect(TRAIL_TYPES, ["eu-west-1"])
    assert statuses(evaluate_control("aws.cloudtrail.multi_region_logging", inventory)) == {ACCOUNT_TRAILS: "fail"}
    assert not [r for r in inventory.resources if r.type == "aws.cloudtrail.trail"]


def test_remote_trail_status_denied_in_its_home_region_is_an_error(home_trail, monkeypatch):
    hook_events(monkeypatch, "before-call", deny(["GetTrailStatus"], regions=[HOME]))
    findings = evaluate_control("aws.cloudtrail.multi_region_logging", collect(TRAIL_TYPES, ["eu-west-1"]))
    assert statuses(findings) == {ACCOUNT_TRAILS: "error"}


# --- 7. CloudWatch Logs delivery health -----------------------------------------------------------

@pytest.mark.parametrize("fields, params, expected, said", [
    ({"LatestCloudWatchLogsDeliveryTime": hours_ago(2)}, {}, "pass", "last delivery 2.0 h"),
    ({"LatestCloudWatchLogsDeliveryTime": hours_ago(30),
      "LatestCloudWatchLogsDeliveryError": "AccessDeniedException"}, {}, "fail",
     "over 24 h (last delivery error: AccessDeniedException)"),
    ({"LatestCloudWatchLogsDeliveryTime": hours_ago(30)}, {"max_delivery_age_hours": 48}, "pass", "30.0 h"),
    ({}, {}, "fail", "has delivered nothing"),  # the field absent: nothing was ever delivered
])
def test_cloudwatch_delivery_must_be_recent(home_trail, monkeypatch, fields, params, expected, said):
    delivered(monkeypatch, **fields)
    (finding,) = evaluate_control("aws.cloudtrail.cloudwatch_logs", collect(TRAIL_TYPES, [HOME]), **params)
    assert finding.status == expected and said in finding.message


def test_cloudwatch_delivery_unreadable_is_an_error(home_trail, monkeypatch):
    hook_events(monkeypatch, "before-call", deny(["GetTrailStatus"]))
    (finding,) = evaluate_control("aws.cloudtrail.cloudwatch_logs", collect(TRAIL_TYPES, [HOME]))
    assert finding.status == "error" and "GetTrailStatus: AccessDenied" in finding.message


def test_cloudwatch_delivery_window_is_a_profile_variable():
    from hipaacheck.controls import builtin_controls

    catalog = builtin_controls()
    assert catalog.controls["aws.cloudtrail.cloudwatch_logs"].params == {
        "max_delivery_age_hours": "$cloudtrail_cloudwatch_max_delivery_hours"}
    assert catalog.variables["cloudtrail_cloudwatch_max_delivery_hours"]["default"] == 24


# --- 8. Security Hub runs a standard --------------------------------------------------------------

FSBP = "arn:aws:securityhub:us-east-1::standards/aws-foundational-security-best-practices/v/1.0.0"
HUB = f"arn:aws:securityhub:{HOME}:{ACCOUNT}:hub/default"


def standards(*statuses_: str) -> dict:
    return {"StandardsSubscriptions": [
        {"StandardsArn": FSBP, "StandardsSubscriptionArn": f"{FSBP}/sub/{n}", "StandardsStatus": status,
         "StandardsInput": {}} for n, status in enumerate(statuses_)]}


@pytest.mark.parametrize("enabled, statuses_, expected, said", [
    (True, ("READY",), "pass", "standards/aws-foundational-security-best-practices/v/1.0.0"),
    (True, (), "fail", "runs no security standard"),  # passed "enabled" before: it evaluates nothing
    (True, ("FAILED",), "fail", "(FAILED)"),
    (False, (), "fail", "not enabled"),
])
def test_security_hub_needs_a_running_standard(aws, monkeypatch, enabled, statuses_, expected, said):
    if enabled:
        aws.client("securityhub").enable_security_hub()
    # moto does not implement GetEnabledStandards: a before-call hook gives AWS's answer
    model_answers(monkeypatch, {"GetEnabledStandards": standards(*statuses_)})
    (finding,) = evaluate_control("aws.securityhub.standards_enabled", collect({"aws.securityhub.hub"}, [HOME]))
    assert (finding.status, finding.resource["id"]) == (expected, HUB) and said in finding.message


def test_security_hub_standards_unimplemented_is_an_error(aws):
    aws.client("securityhub").enable_security_hub()  # moto answers GetEnabledStandards "404 Not yet implemented"
    (finding,) = evaluate_control("aws.securityhub.standards_enabled", collect({"aws.securityhub.hub"}, [HOME]))
    assert finding.status == "error" and "GetEnabledStandards" in finding.message


# --- 9. S3: the effective Block Public Access ------------------------------------------------------

ALL_ON = {flag: True for flag in ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets")}
BUCKET = "arn:aws:s3:::phi-data"


def bucket_pab(aws, account: dict | None, bucket: dict | None):
    s3 = aws.client("s3")
    s3.create_bucket(Bucket="phi-data")
    if bucket is not None:
        s3.put_public_access_block(Bucket="phi-data", PublicAccessBlockConfiguration=bucket)
    if account is not None:
        aws.client("s3control").put_public_access_block(AccountId=ACCOUNT, PublicAccessBlockConfiguration=account)
    (finding,) = evaluate_control("aws.s3.bucket_public_access_block", collect({"aws.s3.bucket"}))
    assert finding.resource["id"] == BUCKET
    return finding


def test_account_level_block_covers_a_bucket_without_its_own(aws):
    finding = bucket_pab(aws, ALL_ON, None)  # failed as critical before: no bucket can be public here
    assert finding.status == "pass" and "in effect at the account level" in finding.message


def test_per_setting_the_stricter_level_holds_it(aws):
    finding = bucket_pab(aws, {**ALL_ON, "BlockPublicPolicy": False, "RestrictPublicBuckets": False},
                         {**{f: False for f in ALL_ON}, "BlockPublicPolicy": True, "RestrictPublicBuckets": True})
    assert finding.status == "pass"
    assert "BlockPublicAcls: account" in finding.message and "BlockPublicPolicy: bucket" in finding.message


def test_a_setting_off_at_both_levels_fails_naming_it(aws):
    finding = bucket_pab(aws, {**ALL_ON, "IgnorePublicAcls": False}, {**ALL_ON, "IgnorePublicAcls": False})
    assert finding.status == "fail" and "off at both the account and the bucket level for IgnorePublicAcls" \
        in finding.message


def test_nothing_set_anywhere_fails(aws):
    assert bucket_pab(aws, None, None).status == "fail"


def test_bucket_fully_on_passes_even_when_the_account_level_is_unreadable(aws, monkeypatch):
    hook_events(monkeypatch, "before-call", deny(services=["s3control"]))
    finding = bucket_pab(aws, None, ALL_ON)
    assert finding.status == "pass" and "at the bucket level" in finding.message


def test_unreadable_account_level_with_the_bucket_not_fully_on_is_an_error(aws, monkeypatch):
    hook_events(monkeypatch, "before-call", deny(services=["s3control"]))
    finding = bucket_pab(aws, None, {**ALL_ON, "RestrictPublicBuckets": False})
    assert finding.status == "error" and "s3control:GetPublicAccessBlock: AccessDenied" in finding.message


def public_write_bucket(aws, account: dict | None) -> object:
    """A bucket whose policy lets everyone write, judged by ``aws.s3.no_public_write``."""
    import json

    s3 = aws.client("s3")
    s3.create_bucket(Bucket="phi-data")
    s3.put_bucket_policy(Bucket="phi-data", Policy=json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": "*", "Action": "s3:PutObject", "Resource": "arn:aws:s3:::phi-data/*"}]}))
    if account is not None:
        aws.client("s3control").put_public_access_block(AccountId=ACCOUNT, PublicAccessBlockConfiguration=account)
    (finding,) = evaluate_control("aws.s3.no_public_write", collect({"aws.s3.bucket"}))
    return finding


def test_public_policy_voided_by_the_account_level_block_is_not_public(aws):
    """Issue 12's public read/write controls judge the effective setting too (they once read the bucket's only)."""
    finding = public_write_bucket(aws, ALL_ON)
    assert finding.status == "pass" and "blocked by Block Public Access at the account level" in finding.message


def test_public_policy_without_any_block_fails(aws):
    assert public_write_bucket(aws, None).status == "fail"


def test_public_policy_with_the_account_level_unreadable_is_an_error(aws, monkeypatch):
    hook_events(monkeypatch, "before-call", deny(services=["s3control"]))
    finding = public_write_bucket(aws, None)
    assert finding.status == "error" and "s3control:GetPublicAccessBlock: AccessDenied" in finding.message


def test_s3_data_events_of_a_trail_homed_outside_the_scan_count(home_trail):
    """The trail that covers the scanned region from its home elsewhere records S3 data events for it too."""
    home_trail.client("cloudtrail", region_name=HOME).put_event_selectors(TrailName="main", EventSelectors=[
        {"ReadWriteType": "All", "IncludeManagementEvents": True,
         "DataResources": [{"Type": "AWS::S3::Object", "Values": ["arn:aws:s3"]}]}])
    inventory = collect({"aws.cloudtrail.trail", "aws.cloudtrail.s3_data_events", "aws.s3.bucket"}, ["eu-west-1"])
    for control in ("aws.cloudtrail.s3_data_events_read", "aws.cloudtrail.s3_data_events_write"):
        (finding,) = evaluate_control(control, inventory)
        assert finding.status == "pass", (control, finding.message)
