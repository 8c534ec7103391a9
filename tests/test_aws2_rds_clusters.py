"""Aurora / DB cluster collectors and controls on in-process moto.

Cluster-level settings (storage encryption, deletion protection, backup retention, TLS parameters)
are judged on the cluster; member instances skip those instance controls naming the cluster control.
moto has no default DB cluster parameter groups (DescribeDBClusterParameters on
``default.aurora8.0`` answers DBParameterGroupNotFound), so the tests give every cluster a custom
group, and answer for a default group with ``aws_answers.model_answers`` where one is needed.
"""
from __future__ import annotations

import pytest
from aws_answers import model_answers
from aws_helpers import ACCOUNT, REGION, active_control, collect, deny, evaluate_control, hook_events, statuses

from hipaacheck.engine import evaluate
from hipaacheck.model import Resource

GOOD = f"arn:aws:rds:{REGION}:{ACCOUNT}:cluster:good"
BAD = f"arn:aws:rds:{REGION}:{ACCOUNT}:cluster:bad"
GOOD_SNAP = f"arn:aws:rds:{REGION}:{ACCOUNT}:cluster-snapshot:good-snap"
PUBLIC_SNAP = f"arn:aws:rds:{REGION}:{ACCOUNT}:cluster-snapshot:public-snap"
CLUSTER_CONTROLS = ("aws.rds.cluster_storage_encrypted", "aws.rds.cluster_deletion_protection",
                    "aws.rds.cluster_backup_retention", "aws.rds.cluster_tls_enforced")
CLUSTER = "aws.rds.db_cluster"
SNAPSHOT = "aws.rds.db_cluster_snapshot"
PASSWORD = "pw-not-checked-1"


def parameter_group(rds, name: str, family: str, parameter: str, value: str) -> None:
    rds.create_db_cluster_parameter_group(DBClusterParameterGroupName=name, DBParameterGroupFamily=family,
                                          Description="tls")
    rds.modify_db_cluster_parameter_group(DBClusterParameterGroupName=name, Parameters=[
        {"ParameterName": parameter, "ParameterValue": value, "ApplyMethod": "pending-reboot"}])


def seed(session) -> None:
    """good: aurora-postgresql, compliant everywhere; bad: aurora-mysql, non-compliant everywhere."""
    rds = session.client("rds")
    parameter_group(rds, "apg-tls", "aurora-postgresql16", "rds.force_ssl", "1")
    parameter_group(rds, "ams-plain", "aurora-mysql8.0", "require_secure_transport", "OFF")
    rds.create_db_cluster(DBClusterIdentifier="good", Engine="aurora-postgresql", MasterUsername="admin",
                          MasterUserPassword=PASSWORD, StorageEncrypted=True, DeletionProtection=True,
                          BackupRetentionPeriod=14, DBClusterParameterGroupName="apg-tls",
                          EnableIAMDatabaseAuthentication=True)
    rds.create_db_cluster(DBClusterIdentifier="bad", Engine="aurora-mysql", MasterUsername="admin",
                          MasterUserPassword=PASSWORD, StorageEncrypted=False, DeletionProtection=False,
                          BackupRetentionPeriod=1, DBClusterParameterGroupName="ams-plain")


def run(control_id: str, resource_type: str = CLUSTER, **params) -> dict[str, str]:
    return statuses(evaluate_control(control_id, collect({resource_type}), **params))


def collect_counting(types: set[str]):
    """(inventory, calls per operation) from one collection."""
    from hipaacheck.sources.aws.source import AwsSource
    from hipaacheck.sources.aws.context import AwsOptions

    source = AwsSource(AwsOptions(regions=[REGION], max_workers=4, max_attempts=4))
    inventory = source.collect(types)
    return inventory, source.context.calls_by_operation


def test_cluster_controls_pass_and_fail(aws):
    seed(aws)
    inventory = collect({CLUSTER})
    for control in CLUSTER_CONTROLS:
        assert statuses(evaluate_control(control, inventory)) == {GOOD: "pass", BAD: "fail"}, control
    good = next(r for r in inventory.resources if r.id == GOOD).attributes
    assert good["engine"] == "aurora-postgresql" and good["iam_database_authentication"] is True
    assert good["tls_parameters"] == {"apg-tls": {"rds.force_ssl": "1"}}
    bad = next(r for r in inventory.resources if r.id == BAD).attributes
    assert bad["kms_key_id"] is None  # moto reports a key id on unencrypted clusters; not carried over


def test_cluster_tls_failure_names_the_parameter_and_value(aws):
    seed(aws)
    findings = evaluate_control("aws.rds.cluster_tls_enforced", collect({CLUSTER}))
    bad = next(f for f in findings if f.resource["id"] == BAD)
    assert "require_secure_transport" in bad.message and "ams-plain: OFF" in bad.message
    assert bad.evidence["values"] == {"ams-plain": "OFF"}


def test_aurora_mysql_require_secure_transport_on_passes(aws):
    seed(aws)
    aws.client("rds").modify_db_cluster_parameter_group(DBClusterParameterGroupName="ams-plain", Parameters=[
        {"ParameterName": "require_secure_transport", "ParameterValue": "ON", "ApplyMethod": "pending-reboot"}])
    assert run("aws.rds.cluster_tls_enforced") == {GOOD: "pass", BAD: "pass"}


def test_cluster_backup_retention_uses_the_instance_variable(aws):
    seed(aws)
    cluster = active_control("aws.rds.cluster_backup_retention")
    instance = active_control("aws.rds.backup_retention")
    assert cluster.control.params["condition"]["value"] == "$rds_backup_retention_days"
    assert instance.control.params["min_days"] == "$rds_backup_retention_days"
    assert cluster.params["condition"]["value"] == instance.params["min_days"] == 7
    assert run("aws.rds.cluster_backup_retention", condition={
        "path": "backup_retention_period", "op": "ge", "value": 30}) == {GOOD: "fail", BAD: "fail"}


def test_default_cluster_group_without_the_parameter_fails(aws, monkeypatch):
    """moto lacks default cluster parameter groups: a model-shaped answer stands in for the default group
    the way AWS does for an engine default it does not report a value for (no ParameterValue)."""
    rds = aws.client("rds")
    rds.create_db_cluster(DBClusterIdentifier="plain", Engine="aurora-postgresql", MasterUsername="admin",
                          MasterUserPassword=PASSWORD, StorageEncrypted=True)
    group = rds.describe_db_clusters()["DBClusters"][0]["DBClusterParameterGroup"]
    asked: list[str] = []  # the hook runs on the collector's threads: assert here, not there

    def default_group(params: dict, region: str | None) -> dict:
        asked.append(params.get("DBClusterParameterGroupName"))
        return {"Parameters": [{"ParameterName": "rds.force_ssl", "Source": "engine-default", "ApplyType": "dynamic"}]}

    model_answers(monkeypatch, {"DescribeDBClusterParameters": default_group})
    findings = evaluate_control("aws.rds.cluster_tls_enforced", collect({CLUSTER}))
    assert set(asked) == {group}
    assert [f.status for f in findings] == ["fail"] and f"{group}: not set" in findings[0].message


def test_unmodelled_default_group_is_error_not_pass(aws):
    aws.client("rds").create_db_cluster(DBClusterIdentifier="plain", Engine="aurora-postgresql",
                                        MasterUsername="admin", MasterUserPassword=PASSWORD)
    findings = evaluate_control("aws.rds.cluster_tls_enforced", collect({CLUSTER}))
    assert [f.status for f in findings] == ["error"] and "DescribeDBClusterParameters" in findings[0].message


def test_cluster_parameter_groups_are_read_once_per_run(aws):
    seed(aws)
    rds = aws.client("rds")
    for name in ("good-2", "good-3"):
        rds.create_db_cluster(DBClusterIdentifier=name, Engine="aurora-postgresql", MasterUsername="admin",
                              MasterUserPassword=PASSWORD, DBClusterParameterGroupName="apg-tls")
    inventory, calls = collect_counting({CLUSTER})
    assert len(inventory.resources) == 4
    assert calls["rds:DescribeDBClusterParameters"] == 2  # apg-tls and ams-plain, once each
    shared = [r for r in inventory.resources if r.attributes["parameter_group"] == "apg-tls"]
    assert len(shared) == 3 and all(r.attributes["tls_parameters"] == {"apg-tls": {"rds.force_ssl": "1"}}
                                    for r in shared)


def test_cluster_parameters_denied_is_error_and_other_settings_still_evaluated(aws, monkeypatch):
    seed(aws)
    hook_events(monkeypatch, "before-call", deny(["DescribeDBClusterParameters"]))
    inventory = collect({CLUSTER})
    findings = evaluate_control("aws.rds.cluster_tls_enforced", inventory)
    assert statuses(findings) == {GOOD: "error", BAD: "error"}
    assert all("AccessDenied" in f.message and "DescribeDBClusterParameters" in f.message for f in findings)
    assert statuses(evaluate_control("aws.rds.cluster_storage_encrypted", inventory)) == {GOOD: "pass", BAD: "fail"}


def test_cluster_listing_denied_is_error(aws, monkeypatch):
    seed(aws)
    hook_events(monkeypatch, "before-call", deny(["DescribeDBClusters"]))
    inventory = collect({CLUSTER})
    for control in CLUSTER_CONTROLS:
        findings = evaluate_control(control, inventory)
        assert [f.status for f in findings] == ["error"] and "AccessDenied" in findings[0].message, control


def seed_members(session) -> None:
    seed(session)
    rds = session.client("rds")
    rds.create_db_instance(DBInstanceIdentifier="good-1", DBClusterIdentifier="good", Engine="aurora-postgresql",
                           DBInstanceClass="db.r6g.large", PubliclyAccessible=False)
    rds.create_db_instance(DBInstanceIdentifier="bad-1", DBClusterIdentifier="bad", Engine="aurora-mysql",
                           DBInstanceClass="db.r6g.large", PubliclyAccessible=True)
    rds.create_db_instance(DBInstanceIdentifier="solo", Engine="postgres", DBInstanceClass="db.t3.micro",
                           MasterUsername="admin", MasterUserPassword=PASSWORD, AllocatedStorage=20,
                           StorageEncrypted=False, DeletionProtection=False, BackupRetentionPeriod=0)


@pytest.mark.parametrize("control, cluster_control", [
    ("aws.rds.storage_encrypted", "aws.rds.cluster_storage_encrypted"),
    ("aws.rds.deletion_protection", "aws.rds.cluster_deletion_protection"),
    ("aws.rds.backup_retention", "aws.rds.cluster_backup_retention"),
    ("aws.rds.tls_enforced", "aws.rds.cluster_tls_enforced"),
])
def test_cluster_members_skip_cluster_level_instance_controls(aws, control, cluster_control):
    seed_members(aws)
    findings = evaluate_control(control, collect({"aws.rds.db_instance"}))
    by_id = {f.resource["id"].rsplit(":", 1)[-1]: f for f in findings}
    for member, cluster in (("good-1", "good"), ("bad-1", "bad")):
        assert by_id[member].status == "skip", (control, member)
        assert cluster_control in by_id[member].message and f"DB cluster {cluster}" in by_id[member].message
    assert by_id["solo"].status == "fail"  # a standalone instance is still judged


def test_public_accessibility_stays_per_instance(aws):
    seed_members(aws)
    findings = evaluate_control("aws.rds.not_publicly_accessible", collect({"aws.rds.db_instance"}))
    by_id = {f.resource["id"].rsplit(":", 1)[-1]: f.status for f in findings}
    assert by_id == {"good-1": "pass", "bad-1": "fail", "solo": "pass"}


def test_members_do_not_read_instance_parameter_groups(aws):
    seed_members(aws)
    inventory, calls = collect_counting({"aws.rds.db_instance"})
    assert calls.get("rds:DescribeDBParameters") == 1  # the standalone instance's group only
    members = [r for r in inventory.resources if r.attributes["cluster"]]
    assert len(members) == 2 and not any("tls_parameters" in r.attributes for r in members)


def seed_snapshots(session) -> None:
    seed(session)
    rds = session.client("rds")
    rds.create_db_cluster_snapshot(DBClusterIdentifier="good", DBClusterSnapshotIdentifier="good-snap")
    rds.create_db_cluster_snapshot(DBClusterIdentifier="bad", DBClusterSnapshotIdentifier="public-snap")
    rds.modify_db_cluster_snapshot_attribute(DBClusterSnapshotIdentifier="public-snap", AttributeName="restore",
                                             ValuesToAdd=["all"])


def test_cluster_snapshots_encrypted_and_not_public(aws):
    seed_snapshots(aws)
    inventory = collect({SNAPSHOT})
    encrypted = statuses(evaluate_control("aws.rds.cluster_snapshot_encrypted", inventory))
    assert encrypted[GOOD_SNAP] == "pass" and encrypted[PUBLIC_SNAP] == "fail"
    exposed = statuses(evaluate_control("aws.rds.cluster_snapshot_not_public", inventory))
    assert exposed[GOOD_SNAP] == "pass" and exposed[PUBLIC_SNAP] == "fail"
    public = next(r for r in inventory.resources if r.id == PUBLIC_SNAP).attributes
    assert public["restore_grants"] == ["all"] and public["cluster"] == "bad"


def test_cluster_snapshot_shared_with_an_account_is_not_public(aws):
    seed_snapshots(aws)
    aws.client("rds").modify_db_cluster_snapshot_attribute(
        DBClusterSnapshotIdentifier="good-snap", AttributeName="restore", ValuesToAdd=["210987654321"])
    findings = evaluate_control("aws.rds.cluster_snapshot_not_public", collect({SNAPSHOT}))
    assert statuses(findings)[GOOD_SNAP] == "pass"
    assert next(f for f in findings if f.resource["id"] == GOOD_SNAP).evidence["observed"] == {
        "restore_grants": ["210987654321"]}


def test_cluster_snapshot_attributes_denied_is_error(aws, monkeypatch):
    seed_snapshots(aws)
    hook_events(monkeypatch, "before-call", deny(["DescribeDBClusterSnapshotAttributes"]))
    inventory = collect({SNAPSHOT})
    findings = evaluate_control("aws.rds.cluster_snapshot_not_public", inventory)
    assert {f.status for f in findings} == {"error"}
    assert all("DescribeDBClusterSnapshotAttributes" in f.message for f in findings)
    encrypted = statuses(evaluate_control("aws.rds.cluster_snapshot_encrypted", inventory))
    assert encrypted[GOOD_SNAP] == "pass" and encrypted[PUBLIC_SNAP] == "fail"


def test_cluster_snapshot_listing_denied_is_error(aws, monkeypatch):
    seed_snapshots(aws)
    hook_events(monkeypatch, "before-call", deny(["DescribeDBClusterSnapshots"]))
    inventory = collect({SNAPSHOT})
    for control in ("aws.rds.cluster_snapshot_encrypted", "aws.rds.cluster_snapshot_not_public"):
        findings = evaluate_control(control, inventory)
        assert [f.status for f in findings] == ["error"] and "AccessDenied" in findings[0].message, control


@pytest.mark.parametrize("engine, parameter, value, status", [
    ("postgres", "rds.force_ssl", "1", "pass"),  # Multi-AZ DB cluster (moto does not model one)
    ("mysql", "require_secure_transport", "0", "fail"),
    ("docdb", "tls", "enabled", "pass"),
    ("docdb", "tls", "disabled", "fail"),
    ("neptune", "neptune_enforce_ssl", "1", "skip"),
])
def test_cluster_tls_by_engine(engine, parameter, value, status):
    cluster = Resource(CLUSTER, "arn:x", {"engine": engine, "tls_parameters": {"g": {parameter: value}}})
    findings = evaluate([active_control("aws.rds.cluster_tls_enforced")], _inventory(cluster))
    assert [f.status for f in findings] == [status]


def _inventory(*resources: Resource):
    from hipaacheck.inventory import Inventory

    return Inventory(source="aws", collected_at="2024-01-01T00:00:00+00:00", resource_types=[CLUSTER],
                     resources=list(resources))
