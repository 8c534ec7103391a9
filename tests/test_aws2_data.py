"""DynamoDB, EFS, SNS, SQS and AWS Backup controls on in-process moto."""
from __future__ import annotations

from aws_helpers import ACCOUNT, collect, deny, evaluate_control, hook_events, statuses

REGIONS = ("us-east-1", "eu-west-1")


def run(control_id: str, resource_type: str, regions=("us-east-1",)) -> dict[str, str]:
    return statuses(evaluate_control(control_id, collect({resource_type}, regions)))


def only(findings) -> set[str]:
    return {f.status for f in findings}


def table(ddb, name: str, **extra) -> str:
    ddb.create_table(TableName=name, KeySchema=[{"AttributeName": "k", "KeyType": "HASH"}],
                     AttributeDefinitions=[{"AttributeName": "k", "AttributeType": "S"}],
                     BillingMode="PAY_PER_REQUEST", **extra)
    return f"arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/{name}"


def test_dynamodb_pitr_and_kms(aws, monkeypatch):
    ddb = aws.client("dynamodb")
    good = table(ddb, "good", SSESpecification={"Enabled": True, "SSEType": "KMS"})
    bad = table(ddb, "bad")
    ddb.update_continuous_backups(TableName="good",
                                  PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True})
    assert run("aws.dynamodb.point_in_time_recovery", "aws.dynamodb.table") == {good: "pass", bad: "fail"}
    assert run("aws.dynamodb.kms_encryption", "aws.dynamodb.table") == {good: "pass", bad: "fail"}
    hook_events(monkeypatch, "before-call", deny(["DescribeContinuousBackups"]))
    inventory = collect({"aws.dynamodb.table"})
    assert only(evaluate_control("aws.dynamodb.point_in_time_recovery", inventory)) == {"error"}
    assert statuses(evaluate_control("aws.dynamodb.kms_encryption", inventory)) == {good: "pass", bad: "fail"}


def test_dynamodb_describe_table_denied_is_error(aws, monkeypatch):
    table(aws.client("dynamodb"), "good", SSESpecification={"Enabled": True, "SSEType": "KMS"})
    hook_events(monkeypatch, "before-call", deny(["DescribeTable"]))
    assert only(evaluate_control("aws.dynamodb.kms_encryption", collect({"aws.dynamodb.table"}))) == {"error"}


def test_efs_encrypted(aws, monkeypatch):
    efs = aws.client("efs")
    good = efs.create_file_system(CreationToken="good", Encrypted=True)["FileSystemArn"]
    bad = efs.create_file_system(CreationToken="bad", Encrypted=False)["FileSystemArn"]
    assert run("aws.efs.encrypted", "aws.efs.file_system") == {good: "pass", bad: "fail"}
    hook_events(monkeypatch, "before-call", deny(services=["efs"]))
    assert only(evaluate_control("aws.efs.encrypted", collect({"aws.efs.file_system"}))) == {"error"}


def test_sns_topic_encrypted(aws, monkeypatch):
    sns = aws.client("sns")
    good = sns.create_topic(Name="good", Attributes={"KmsMasterKeyId": "alias/aws/sns"})["TopicArn"]
    bad = sns.create_topic(Name="bad")["TopicArn"]
    assert run("aws.sns.topic_encrypted", "aws.sns.topic") == {good: "pass", bad: "fail"}
    hook_events(monkeypatch, "before-call", deny(["GetTopicAttributes"]))
    assert statuses(evaluate_control("aws.sns.topic_encrypted", collect({"aws.sns.topic"}))) == {
        good: "error", bad: "error"}


def test_sqs_queue_encrypted(aws, monkeypatch):
    sqs = aws.client("sqs")
    sqs.create_queue(QueueName="kms", Attributes={"KmsMasterKeyId": "alias/aws/sqs"})
    sqs.create_queue(QueueName="managed", Attributes={"SqsManagedSseEnabled": "true"})
    sqs.create_queue(QueueName="plain", Attributes={"SqsManagedSseEnabled": "false"})
    arn = f"arn:aws:sqs:us-east-1:{ACCOUNT}:"
    assert run("aws.sqs.queue_encrypted", "aws.sqs.queue") == {
        arn + "kms": "pass", arn + "managed": "pass", arn + "plain": "fail"}
    hook_events(monkeypatch, "before-call", deny(["GetQueueAttributes"]))
    assert only(evaluate_control("aws.sqs.queue_encrypted", collect({"aws.sqs.queue"}))) == {"error"}


def plan(backup, name: str, days: int | None) -> None:
    rule = {"RuleName": f"{name}-rule", "TargetBackupVaultName": "vault", "ScheduleExpression": "cron(0 5 * * ? *)"}
    if days is not None:
        rule["Lifecycle"] = {"DeleteAfterDays": days}
    backup.create_backup_plan(BackupPlan={"BackupPlanName": name, "Rules": [rule]})


def test_backup_plan_retention_per_region(aws, monkeypatch):
    backup = aws.client("backup")
    backup.create_backup_vault(BackupVaultName="vault")
    plan(backup, "long", 35)
    plan(backup, "forever", None)
    plan(backup, "short", 7)
    findings = evaluate_control("aws.backup.plan_retention", collect({"aws.backup.plans"}, REGIONS))
    east = f"arn:aws:backup:us-east-1:{ACCOUNT}:backup-plans"
    west = f"arn:aws:backup:eu-west-1:{ACCOUNT}:backup-plans"
    assert statuses(findings) == {f"{east}#long": "pass", f"{east}#forever": "pass", f"{east}#short": "fail",
                                  west: "fail"}
    assert "no AWS Backup plan" in next(f for f in findings if f.resource["id"] == west).message
    hook_events(monkeypatch, "before-call", deny(["GetBackupPlan"]))
    findings = evaluate_control("aws.backup.plan_retention", collect({"aws.backup.plans"}, REGIONS))
    assert statuses(findings) == {east: "error", west: "fail"}  # an empty region never calls GetBackupPlan


def test_backup_vault_encryption_key(aws, monkeypatch):
    backup = aws.client("backup")
    key = aws.client("kms").create_key()["KeyMetadata"]["Arn"]
    good = backup.create_backup_vault(BackupVaultName="keyed", EncryptionKeyArn=key)["BackupVaultArn"]
    bad = backup.create_backup_vault(BackupVaultName="unkeyed")["BackupVaultArn"]
    assert run("aws.backup.vault_encrypted", "aws.backup.vault") == {good: "pass", bad: "fail"}
    hook_events(monkeypatch, "before-call", deny(["ListBackupVaults"]))
    assert only(evaluate_control("aws.backup.vault_encrypted", collect({"aws.backup.vault"}))) == {"error"}
