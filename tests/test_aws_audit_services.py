"""CloudTrail, GuardDuty, Config and Security Hub on in-process moto, across two regions."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
from aws_answers import edit_answer
from aws_helpers import ACCOUNT, collect, deny, evaluate_control, hook_events, statuses

REGIONS = ["us-east-1", "eu-west-1"]
TRAIL_TYPES = {"aws.cloudtrail.trail", "aws.cloudtrail.account"}
ACCOUNT_TRAILS = f"arn:aws:cloudtrail::{ACCOUNT}:account"


def trail_arn(name: str, region: str = "us-east-1") -> str:
    return f"arn:aws:cloudtrail:{region}:{ACCOUNT}:trail/{name}"


@pytest.fixture
def trails(aws):
    aws.client("s3").create_bucket(Bucket="trail-logs")
    ct = aws.client("cloudtrail")
    key = aws.client("kms").create_key()["KeyMetadata"]["Arn"]
    aws.client("logs").create_log_group(logGroupName="trail")
    group = f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:trail:*"
    role = aws.client("iam").create_role(RoleName="trail", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    ct.create_trail(Name="main-trail", S3BucketName="trail-logs", IsMultiRegionTrail=True,
                    EnableLogFileValidation=True, KmsKeyId=key, CloudWatchLogsLogGroupArn=group,
                    CloudWatchLogsRoleArn=role)
    ct.start_logging(Name="main-trail")
    # moto answers [] for a new trail's selectors (AWS answers the default): set the default explicitly
    ct.put_event_selectors(TrailName="main-trail",
                           EventSelectors=[{"ReadWriteType": "All", "IncludeManagementEvents": True}])
    aws.client("cloudtrail", region_name="eu-west-1").create_trail(Name="local-trail", S3BucketName="trail-logs")
    return aws


def test_trail_settings(trails, monkeypatch):
    # moto leaves LatestCloudWatchLogsDeliveryTime out of GetTrailStatus: an after-call hook adds it
    edit_answer(monkeypatch, "GetTrailStatus",
                lambda parsed, _: parsed.update(LatestCloudWatchLogsDeliveryTime=datetime.now(timezone.utc)), "cloudtrail")
    inventory = collect(TRAIL_TYPES, REGIONS)
    good, bad = trail_arn("main-trail"), trail_arn("local-trail", "eu-west-1")
    for control in ("aws.cloudtrail.log_file_validation", "aws.cloudtrail.kms_encryption",
                    "aws.cloudtrail.cloudwatch_logs"):
        assert statuses(evaluate_control(control, inventory)) == {good: "pass", bad: "fail"}, control
    assert statuses(evaluate_control("aws.cloudtrail.multi_region_logging", inventory)) == {ACCOUNT_TRAILS: "pass"}


def test_multi_region_trail_not_logging_fails(trails):
    trails.client("cloudtrail").stop_logging(Name="main-trail")
    findings = evaluate_control("aws.cloudtrail.multi_region_logging", collect(TRAIL_TYPES, REGIONS))
    assert statuses(findings) == {ACCOUNT_TRAILS: "fail"} and "none is logging" in findings[0].message


def test_no_trail_at_all_fails_not_skips(aws):
    findings = evaluate_control("aws.cloudtrail.multi_region_logging", collect(TRAIL_TYPES, REGIONS))
    assert statuses(findings) == {ACCOUNT_TRAILS: "fail"}


def test_trail_status_unreadable_is_an_error(trails, monkeypatch):
    hook_events(monkeypatch, "before-call", deny(["GetTrailStatus"]))
    findings = evaluate_control("aws.cloudtrail.multi_region_logging", collect(TRAIL_TYPES, REGIONS))
    assert statuses(findings) == {ACCOUNT_TRAILS: "error"}
    assert "cloudtrail:GetTrailStatus: AccessDenied" in str(findings[0].evidence)


def regional(service: str, resource: str) -> dict[str, str]:
    return {region: f"arn:aws:{service}:{region}:{ACCOUNT}:{resource}" for region in REGIONS}


def test_guardduty_every_region(aws):
    aws.client("guardduty").create_detector(Enable=True)
    ids = regional("guardduty", "detectors")
    findings = evaluate_control("aws.guardduty.enabled", collect({"aws.guardduty.detector"}, REGIONS))
    assert statuses(findings) == {ids["us-east-1"]: "pass", ids["eu-west-1"]: "fail"}


def test_guardduty_denied_in_one_region_is_an_error(aws, monkeypatch):
    aws.client("guardduty").create_detector(Enable=True)
    hook_events(monkeypatch, "before-call", deny(["ListDetectors"], regions=["eu-west-1"]))
    findings = evaluate_control("aws.guardduty.enabled", collect({"aws.guardduty.detector"}, REGIONS))
    assert [(f.resource.get("region"), f.status) for f in findings] == [("eu-west-1", "error"), ("us-east-1", "pass")]


def test_config_recorder_recording(aws):
    config = aws.client("config")
    config.put_configuration_recorder(ConfigurationRecorder={
        "name": "default", "roleARN": f"arn:aws:iam::{ACCOUNT}:role/config",
        "recordingGroup": {"allSupported": True, "includeGlobalResourceTypes": True}})
    config.put_delivery_channel(DeliveryChannel={"name": "default", "s3BucketName": "config-bucket"})
    aws.client("s3").create_bucket(Bucket="config-bucket")
    config.start_configuration_recorder(ConfigurationRecorderName="default")
    eu = aws.client("config", region_name="eu-west-1")
    eu.put_configuration_recorder(ConfigurationRecorder={
        "name": "default", "roleARN": f"arn:aws:iam::{ACCOUNT}:role/config"})
    ids = regional("config", "configuration-recorders")
    findings = evaluate_control("aws.config.recording", collect({"aws.config.recorder"}, REGIONS))
    assert statuses(findings) == {ids["us-east-1"]: "pass", ids["eu-west-1"]: "fail"}


def test_config_status_unreadable(aws, monkeypatch):
    aws.client("config").put_configuration_recorder(ConfigurationRecorder={
        "name": "default", "roleARN": f"arn:aws:iam::{ACCOUNT}:role/config"})
    hook_events(monkeypatch, "before-call", deny(["DescribeConfigurationRecorderStatus"]))
    findings = evaluate_control("aws.config.recording", collect({"aws.config.recorder"}, ["us-east-1"]))
    assert [f.status for f in findings] == ["error"]


def test_security_hub(aws, monkeypatch):
    aws.client("securityhub").enable_security_hub()
    ids = regional("securityhub", "hub/default")
    findings = evaluate_control("aws.securityhub.enabled", collect({"aws.securityhub.hub"}, REGIONS))
    assert statuses(findings) == {ids["us-east-1"]: "pass", ids["eu-west-1"]: "fail"}
    hook_events(monkeypatch, "before-call", deny(["DescribeHub"], code="AccessDeniedException"))
    findings = evaluate_control("aws.securityhub.enabled", collect({"aws.securityhub.hub"}, REGIONS))
    assert {f.status for f in findings} == {"error"}
