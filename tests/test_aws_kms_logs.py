"""KMS key rotation and CloudWatch Logs retention/encryption on in-process moto."""
from __future__ import annotations

from aws_helpers import collect, deny, evaluate_control, hook_events, statuses


def test_key_rotation(aws):
    kms = aws.client("kms")
    rotated = kms.create_key()["KeyMetadata"]["Arn"]
    kms.enable_key_rotation(KeyId=rotated)
    plain = kms.create_key()["KeyMetadata"]["Arn"]
    asymmetric = kms.create_key(KeySpec="RSA_2048", KeyUsage="SIGN_VERIFY")["KeyMetadata"]["Arn"]
    disabled_key = kms.create_key()["KeyMetadata"]
    kms.disable_key(KeyId=disabled_key["KeyId"])
    disabled = disabled_key["Arn"]
    inventory = collect({"aws.kms.key"})
    assert statuses(evaluate_control("aws.kms.key_rotation", inventory)) == {
        rotated: "pass", plain: "fail", asymmetric: "skip", disabled: "skip"}
    # rotation status is read only for keys where rotation applies
    reads = [r for r in inventory.resources if "rotation_enabled" in r.attributes]
    assert {r.id for r in reads} == {rotated, plain}


def test_key_rotation_unreadable(aws, monkeypatch):
    key = aws.client("kms").create_key()["KeyMetadata"]["Arn"]
    hook_events(monkeypatch, "before-call", deny(["GetKeyRotationStatus"]))
    findings = evaluate_control("aws.kms.key_rotation", collect({"aws.kms.key"}))
    assert statuses(findings) == {key: "error"}
    assert "kms:GetKeyRotationStatus: AccessDenied" in findings[0].message


def test_log_group_retention_and_kms(aws):
    logs = aws.client("logs")
    key = aws.client("kms").create_key()["KeyMetadata"]["Arn"]
    logs.create_log_group(logGroupName="forever", kmsKeyId=key)
    logs.create_log_group(logGroupName="year")
    logs.put_retention_policy(logGroupName="year", retentionInDays=400)
    logs.create_log_group(logGroupName="week")
    logs.put_retention_policy(logGroupName="week", retentionInDays=7)
    inventory = collect({"aws.logs.log_group"})
    arn = "arn:aws:logs:us-east-1:123456789012:log-group:{}".format
    assert statuses(evaluate_control("aws.logs.retention", inventory)) == {
        arn("forever"): "pass", arn("year"): "pass", arn("week"): "fail"}
    assert statuses(evaluate_control("aws.logs.retention", inventory, min_days=2192))[arn("year")] == "fail"
    assert statuses(evaluate_control("aws.logs.kms_encryption", inventory)) == {
        arn("forever"): "pass", arn("year"): "fail", arn("week"): "fail"}


def test_log_groups_unlistable_in_one_region(aws, monkeypatch):
    aws.client("logs").create_log_group(logGroupName="kept")
    aws.client("logs", region_name="eu-west-1").create_log_group(logGroupName="lost")
    hook_events(monkeypatch, "before-call", deny(["DescribeLogGroups"], regions=["eu-west-1"]))
    findings = evaluate_control("aws.logs.retention", collect({"aws.logs.log_group"},
                                                              regions=["us-east-1", "eu-west-1"]))
    assert [(f.status, f.resource.get("region")) for f in findings] == [("error", "eu-west-1"), ("pass", "us-east-1")]
    assert "logs:DescribeLogGroups AccessDenied" in findings[0].message
