"""An Organization's accounts in one scan (``--accounts``), shards, and ``merge`` (in-process moto).

moto keeps one backend per account and gives assumed-role credentials the role's account, so each member
holds its own resources. One member's role is refused by a botocore hook on ``sts:AssumeRole``.
"""
from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest
from assertions import input_error
from aws_helpers import ACCOUNT, deny, hook_events

ROLE = "HipaacheckAudit"
PROFILE = """id: org-test
title: org test
extends: hipaa-base
controls:
  include: [aws.s3.default_encryption, aws.s3.versioning, aws.iam.password_policy]
"""
SSE = {"Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms"}}]}


def member_client(session: Any, account: str, service: str) -> Any:
    creds = session.client("sts").assume_role(RoleArn=f"arn:aws:iam::{account}:role/{ROLE}",
                                              RoleSessionName="seed")["Credentials"]
    return session.client(service, aws_access_key_id=creds["AccessKeyId"],
                          aws_secret_access_key=creds["SecretAccessKey"], aws_session_token=creds["SessionToken"])


@pytest.fixture
def org(aws, monkeypatch) -> dict[str, str]:
    """The management account and four members: name -> account id. ``refused``'s role cannot be assumed;
    ``suspended`` is not ACTIVE."""
    organizations = aws.client("organizations")
    organizations.create_organization(FeatureSet="ALL")
    ids = {"management": ACCOUNT}
    for name in ("clinic", "labs", "refused", "suspended"):
        status = organizations.create_account(AccountName=name, Email=f"{name}@example.com")["CreateAccountStatus"]
        ids[name] = status["AccountId"]
    aws.client("s3").create_bucket(Bucket="mgmt-plain")
    clinic = member_client(aws, ids["clinic"], "s3")
    for bucket in ("clinic-phi", "clinic-logs"):
        clinic.create_bucket(Bucket=bucket)
        clinic.put_bucket_encryption(Bucket=bucket, ServerSideEncryptionConfiguration=SSE)
    clinic.put_bucket_versioning(Bucket="clinic-phi", VersioningConfiguration={"Status": "Enabled"})
    member_client(aws, ids["labs"], "iam").update_account_password_policy(MinimumPasswordLength=14)
    member_client(aws, ids["labs"], "s3").create_bucket(Bucket="labs-plain")
    from moto.organizations.models import organizations_backends

    backend = organizations_backends[ACCOUNT]["aws"]
    suspended = backend.get_account_by_id(ids["suspended"])
    suspended.status = suspended.state = "SUSPENDED"
    refused = f"arn:aws:iam::{ids['refused']}:role/{ROLE}"

    hook_events(monkeypatch, "before-call.sts.AssumeRole",
                deny(["AssumeRole"], when=lambda request: request.get("RoleArn") == refused,
                     message="not authorized to assume"))
    return ids


def scan(cli, tmp_path: Path, name: str, *extra: str):
    profile = tmp_path / "org-test.yaml"
    profile.write_text(PROFILE)
    out = tmp_path / name
    result = cli("scan", "--source", "aws", "--accounts", "all", "--org-role", ROLE, "--regions", "us-east-1",
                 "--profile", profile, "--format", "json", "--output-dir", out, "--quiet", *extra)
    return result, out / "hipaacheck-results.json"


def test_every_active_account_scanned_with_its_own_resources(cli, org, tmp_path) -> None:
    result, path = scan(cli, tmp_path, "all")
    assert result.code == 1, result.err  # failures in some accounts
    document = json.loads(path.read_text())
    targets = {t["id"]: t for t in document["targets"]}
    assert set(targets) == {org[n] for n in ("management", "clinic", "labs", "refused")}, "suspended is skipped"
    assert [t["id"] for t in document["targets"]] == sorted(targets)
    assert {targets[org[n]]["status"] for n in ("management", "clinic", "labs")} == {"scanned"}
    assert targets[org["clinic"]]["name"] == "clinic"
    assert targets[org["clinic"]]["details"]["caller_arn"].startswith(f"arn:aws:sts::{org['clinic']}:assumed-role/")
    assert targets[org["management"]]["details"]["caller_arn"] == "arn:aws:sts::123456789012:user/moto"
    refused = targets[org["refused"]]
    assert refused["status"] == "error" and "AccessDenied" in refused["reason"] and ROLE in refused["reason"]

    def statuses(control: str, account: str) -> dict[str, str]:
        return {f["resource"]["id"]: f["status"] for f in document["findings"]
                if f["control_id"] == control and f["resource"].get("account") == account}

    assert statuses("aws.s3.default_encryption", org["clinic"]) == {
        "arn:aws:s3:::clinic-phi": "pass", "arn:aws:s3:::clinic-logs": "pass"}
    assert statuses("aws.s3.versioning", org["clinic"]) == {
        "arn:aws:s3:::clinic-phi": "pass", "arn:aws:s3:::clinic-logs": "fail"}
    assert set(statuses("aws.s3.default_encryption", org["labs"])) == {"arn:aws:s3:::labs-plain"}
    assert set(statuses("aws.s3.default_encryption", ACCOUNT)) == {"arn:aws:s3:::mgmt-plain"}
    labs_policy = [f for f in document["findings"] if f["control_id"] == "aws.iam.password_policy"
                   and f["resource"].get("account") == org["labs"]]
    assert labs_policy and all(f["evidence"] != {} for f in labs_policy)
    errors = [f for f in document["findings"] if f.get("target") == f"aws-account:{org['refused']}"]
    assert {f["control_id"] for f in errors} == {"aws.s3.default_encryption", "aws.s3.versioning",
                                                  "aws.iam.password_policy"}
    assert all(f["status"] == "error" and f["resource"] == {"type": f["resource"]["type"], "id": "*",
                                                            "account": org["refused"]} for f in errors)
    by_target = document["summary"]["by_target"]
    assert by_target[f"aws-account:{org['refused']}"]["error"] == 3
    assert by_target[f"aws-account:{org['clinic']}"]["pass"] == 3
    assert all(f["target"] == f"aws-account:{f['resource']['account']}" for f in document["findings"])


def test_an_unassumable_account_alone_exits_3(cli, org, tmp_path) -> None:
    result, path = scan(cli, tmp_path, "some", "--accounts", f"{org['clinic']},{org['refused']}",
                        "--fail-on", "critical")
    assert result.code == 3, result.err
    statuses = {t["id"]: t["status"] for t in json.loads(path.read_text())["targets"]}
    assert statuses == {org["clinic"]: "scanned", org["refused"]: "error"}


def test_skip_accounts_and_explicit_list(cli, org, tmp_path) -> None:
    result, path = scan(cli, tmp_path, "skip", "--skip-accounts", f"{org['refused']},{ACCOUNT}")
    assert result.code == 1, result.err
    assert {t["id"] for t in json.loads(path.read_text())["targets"]} == {org["clinic"], org["labs"]}


@pytest.mark.parametrize("workers", ["1", "3"])
def test_shards_merged_equal_the_unsharded_scan(cli, org, tmp_path, workers) -> None:
    whole, whole_path = scan(cli, tmp_path, "whole", "--account-workers", workers)
    shard_paths = []
    for index in range(3):
        result, path = scan(cli, tmp_path, f"shard{index}", "--shard", f"{index}/3")
        assert result.code in (1, 3), result.err
        shard_paths.append(path)
    shard_targets = [[t["id"] for t in json.loads(p.read_text())["targets"]] for p in shard_paths]
    assert sorted(sum(shard_targets, [])) == sorted(t["id"] for t in json.loads(whole_path.read_text())["targets"])
    assert sorted(len(ids) for ids in shard_targets) == [1, 1, 2], "slices are balanced"
    merged = cli("merge", *reversed(shard_paths), "--output-dir", tmp_path / "merged", "--quiet")
    assert merged.code == whole.code
    unsharded = json.loads(whole_path.read_text())
    united = json.loads((tmp_path / "merged" / "hipaacheck-results.json").read_text())
    assert json.dumps(united["findings"]) == json.dumps(unsharded["findings"])
    assert united["summary"] == unsharded["summary"]
    assert united["targets"] == unsharded["targets"]
    assert united["coverage"] == unsharded["coverage"]
    assert united["run"]["source"] == "merge"


def test_shard_auto_reads_the_job_index(cli, org, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("JOB_COMPLETION_INDEX", "2")
    _, auto = scan(cli, tmp_path, "auto", "--shard", "auto/3")
    _, fixed = scan(cli, tmp_path, "fixed", "--shard", "2/3")
    assert json.loads(auto.read_text())["targets"] == json.loads(fixed.read_text())["targets"]


@pytest.mark.parametrize("args, message", [
    (["--shard", "3/3"], "--shard: index 3 is not below the shard count 3"),
    (["--shard", "auto/3"], "--shard: auto/3 needs JOB_COMPLETION_INDEX"),
    (["--shard", "1of3"], "--shard: expected I/N"),
    (["--skip-accounts", "12"], "--skip-accounts: '12' is not a 12-digit AWS account id"),
    (["--account-workers", "0"], "--account-workers: must be at least 1"),
    (["--org-role", "bad role"], "--org-role: 'bad role' is not an IAM role name"),
])
def test_bad_account_options_are_one_line_exit_2(cli, org, tmp_path, monkeypatch, args, message) -> None:
    monkeypatch.delenv("JOB_COMPLETION_INDEX", raising=False)
    result, _ = scan(cli, tmp_path, "bad", *args)
    input_error(result, message)


def test_account_options_need_accounts(cli, aws) -> None:
    result = cli("scan", "--source", "aws", "--org-role", ROLE, "--regions", "us-east-1", "--quiet")
    input_error(result, "--org-role: needs --accounts")


def test_a_member_needs_the_org_role(cli, org, tmp_path) -> None:
    result = cli("scan", "--source", "aws", "--accounts", org["clinic"], "--regions", "us-east-1", "--quiet")
    input_error(result, "--org-role: needed to scan accounts other than the caller's")


def test_the_deadline_is_the_whole_scans(cli, org, tmp_path, monkeypatch) -> None:
    """The clock jumps an hour as the first member's role is assumed (after the caller was identified): that
    call and every account after it are past the scan's deadline. No waiting, so no timing in the test."""
    real, offset = time.monotonic, [0.0]
    monkeypatch.setattr(time, "monotonic", lambda: real() + offset[0])

    def expire(**_: Any) -> None:
        offset[0] = 3600.0

    hook_events(monkeypatch, "before-call.sts.AssumeRole", expire)
    result, path = scan(cli, tmp_path, "late", "--accounts", f"{org['clinic']},{org['labs']}", "--deadline", "60")
    assert result.code == 3, result.err
    targets = json.loads(path.read_text())["targets"]
    assert [t["status"] for t in targets] == ["error", "error"]
    assert all("--deadline of 60 s passed" in t["reason"] for t in targets)


def test_a_member_past_the_deadline_names_the_deadline_given(cli, org, tmp_path, monkeypatch) -> None:
    """The clock jumps an hour at a member account's first bucket listing, after its context exists: what
    is not collected names the scan's --deadline as given (each account shares the caller's deadline)."""
    real, offset = time.monotonic, [0.0]
    monkeypatch.setattr(time, "monotonic", lambda: real() + offset[0])

    def expire(**_: Any) -> None:
        offset[0] = 3600.0

    hook_events(monkeypatch, "before-call.s3.ListBuckets", expire)
    result, path = scan(cli, tmp_path, "late", "--accounts", org["clinic"], "--deadline", "60")
    assert result.code == 1, result.err  # the password policy, read before the jump, fails
    s3 = [f for f in json.loads(path.read_text())["findings"] if f["resource"]["type"] == "aws.s3.bucket"]
    assert s3 and all(f["status"] == "error" and "--deadline of 60 s passed" in f["message"] for f in s3), s3


def test_collect_covers_one_account(cli, org, tmp_path) -> None:
    result = cli("collect", "aws", "--accounts", "all", "--org-role", ROLE, "-o", tmp_path / "inv.json")
    input_error(result, "an inventory holds one account")


def test_securityhub_import_puts_each_accounts_findings_in_its_own_hub(cli, aws, org, tmp_path) -> None:
    hubs = {name: member_client(aws, org[name], "securityhub") for name in ("clinic", "labs")}
    hubs["management"] = aws.client("securityhub")
    for hub in hubs.values():
        hub.enable_security_hub()
    result, path = scan(cli, tmp_path, "hub", "--securityhub-import")
    assert result.code == 1, result.err
    findings = json.loads(path.read_text())["findings"]
    for name, hub in hubs.items():
        stored = hub.get_findings(MaxResults=100)["Findings"]
        expected = [f for f in findings if f["resource"].get("account") == org[name]]
        assert len(stored) == len(expected) > 0, name
        assert {f["AwsAccountId"] for f in stored} == {org[name]}
        assert {f["ProductArn"] for f in stored} == {
            f"arn:aws:securityhub:us-east-1:{org[name]}:product/{org[name]}/default"}
    refused = [line for line in result.err.splitlines() if org["refused"] in line]
    assert refused == [f"Security Hub: 3 findings of account {org['refused']} not imported: cannot assume "
                       f"arn:aws:iam::{org['refused']}:role/{ROLE}: AccessDenied: not authorized to assume"]
