"""RDS collectors and controls on in-process moto: compliant, non-compliant and unreadable instances."""
from __future__ import annotations

from aws_helpers import ACCOUNT, collect, deny, evaluate_control, hook_events, statuses

GOOD = f"arn:aws:rds:us-east-1:{ACCOUNT}:db:good"
BAD = f"arn:aws:rds:us-east-1:{ACCOUNT}:db:bad"


def seed(session) -> None:
    rds = session.client("rds")
    rds.create_db_parameter_group(DBParameterGroupName="pg-tls", DBParameterGroupFamily="postgres16",
                                  Description="force TLS")
    rds.modify_db_parameter_group(DBParameterGroupName="pg-tls", Parameters=[
        {"ParameterName": "rds.force_ssl", "ParameterValue": "1", "ApplyMethod": "immediate"}])
    common = {"DBInstanceClass": "db.t3.micro", "MasterUsername": "admin", "MasterUserPassword": "pw-not-checked-1",
              "AllocatedStorage": 20}
    rds.create_db_instance(DBInstanceIdentifier="good", Engine="postgres", StorageEncrypted=True,
                           BackupRetentionPeriod=14, PubliclyAccessible=False, DeletionProtection=True,
                           DBParameterGroupName="pg-tls", **common)
    rds.create_db_instance(DBInstanceIdentifier="bad", Engine="mysql", StorageEncrypted=False,
                           BackupRetentionPeriod=1, PubliclyAccessible=True, DeletionProtection=False, **common)


def run(control_id: str, resource_type: str = "aws.rds.db_instance", **params) -> dict[str, str]:
    return statuses(evaluate_control(control_id, collect({resource_type}), **params))


def test_instance_controls_pass_and_fail(aws):
    seed(aws)
    for control in ("aws.rds.storage_encrypted", "aws.rds.backup_retention", "aws.rds.not_publicly_accessible",
                    "aws.rds.deletion_protection", "aws.rds.tls_enforced"):
        assert run(control) == {GOOD: "pass", BAD: "fail"}, control


def test_backup_retention_follows_the_variable(aws):
    seed(aws)
    assert run("aws.rds.backup_retention", min_days=14) == {GOOD: "pass", BAD: "fail"}
    assert run("aws.rds.backup_retention", min_days=30) == {GOOD: "fail", BAD: "fail"}


def test_mysql_tls_through_custom_group_and_default_group_fails(aws):
    seed(aws)
    rds = aws.client("rds")
    rds.create_db_parameter_group(DBParameterGroupName="my-tls", DBParameterGroupFamily="mysql8.0",
                                  Description="tls")
    rds.modify_db_parameter_group(DBParameterGroupName="my-tls", Parameters=[
        {"ParameterName": "require_secure_transport", "ParameterValue": "ON", "ApplyMethod": "immediate"}])
    rds.modify_db_instance(DBInstanceIdentifier="bad", DBParameterGroupName="my-tls", ApplyImmediately=True)
    findings = evaluate_control("aws.rds.tls_enforced", collect({"aws.rds.db_instance"}))
    assert statuses(findings) == {GOOD: "pass", BAD: "pass"}
    mysql = next(f for f in findings if f.resource["id"] == BAD)
    assert mysql.evidence["values"] == {"my-tls": "ON"}


def test_default_parameter_group_is_not_enforcing(aws):
    seed(aws)
    findings = evaluate_control("aws.rds.tls_enforced", collect({"aws.rds.db_instance"}))
    bad = next(f for f in findings if f.resource["id"] == BAD)
    assert bad.status == "fail" and "not set" in bad.message


def test_tls_parameters_unreadable_is_error(aws, monkeypatch):
    seed(aws)
    hook_events(monkeypatch, "before-call", deny(["DescribeDBParameters"]))
    findings = evaluate_control("aws.rds.tls_enforced", collect({"aws.rds.db_instance"}))
    assert statuses(findings) == {GOOD: "error", BAD: "error"}
    assert "DescribeDBParameters" in findings[0].message
    # settings from the instance listing are still evaluated
    assert run("aws.rds.storage_encrypted") == {GOOD: "pass", BAD: "fail"}


def test_instance_listing_denied_is_error(aws, monkeypatch):
    seed(aws)
    hook_events(monkeypatch, "before-call", deny(["DescribeDBInstances"]))
    inventory = collect({"aws.rds.db_instance"})
    for control in ("aws.rds.storage_encrypted", "aws.rds.backup_retention", "aws.rds.not_publicly_accessible",
                    "aws.rds.deletion_protection", "aws.rds.tls_enforced"):
        assert {f.status for f in evaluate_control(control, inventory)} == {"error"}, control


def test_aurora_instance_tls_is_skipped_with_reason(aws):
    rds = aws.client("rds")
    rds.create_db_cluster(DBClusterIdentifier="aur", Engine="aurora-postgresql", MasterUsername="admin",
                          MasterUserPassword="pw-not-checked-1")
    rds.create_db_instance(DBInstanceIdentifier="aur-1", DBClusterIdentifier="aur", Engine="aurora-postgresql",
                           DBInstanceClass="db.r6g.large")
    findings = evaluate_control("aws.rds.tls_enforced", collect({"aws.rds.db_instance"}))
    assert [f.status for f in findings] == ["skip"] and "cluster parameter group" in findings[0].message
    assert "aws.rds.cluster_tls_enforced" in findings[0].message


def test_db_snapshots_encrypted_and_not_public(aws, monkeypatch):
    seed(aws)
    rds = aws.client("rds")
    rds.create_db_snapshot(DBInstanceIdentifier="good", DBSnapshotIdentifier="good-snap")
    rds.create_db_snapshot(DBInstanceIdentifier="bad", DBSnapshotIdentifier="public-snap")
    rds.modify_db_snapshot_attribute(DBSnapshotIdentifier="public-snap", AttributeName="restore",
                                     ValuesToAdd=["all"])
    good = f"arn:aws:rds:us-east-1:{ACCOUNT}:snapshot:good-snap"
    public = f"arn:aws:rds:us-east-1:{ACCOUNT}:snapshot:public-snap"
    encrypted = run("aws.rds.snapshot_encrypted", "aws.rds.db_snapshot")
    assert encrypted[good] == "pass" and encrypted[public] == "fail"
    exposed = run("aws.rds.snapshot_not_public", "aws.rds.db_snapshot")
    assert exposed[good] == "pass" and exposed[public] == "fail"
    hook_events(monkeypatch, "before-call", deny(["DescribeDBSnapshotAttributes"]))
    inventory = collect({"aws.rds.db_snapshot"})
    assert {f.status for f in evaluate_control("aws.rds.snapshot_not_public", inventory)} == {"error"}
    assert statuses(evaluate_control("aws.rds.snapshot_encrypted", inventory))[good] == "pass"


def test_db_snapshot_listing_denied_is_error(aws, monkeypatch):
    seed(aws)
    aws.client("rds").create_db_snapshot(DBInstanceIdentifier="good", DBSnapshotIdentifier="good-snap")
    hook_events(monkeypatch, "before-call", deny(["DescribeDBSnapshots"]))
    findings = evaluate_control("aws.rds.snapshot_encrypted", collect({"aws.rds.db_snapshot"}))
    assert [f.status for f in findings] == ["error"] and "AccessDenied" in findings[0].message
