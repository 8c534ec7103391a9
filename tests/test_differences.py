"""Each deliberate difference from CIS, ComplianceAsCode, Prowler and AWS Config's HIPAA pack, pinned.

``docs/DIFFERENCES.md`` names each difference ``Dnn``; the test of it here is ``test_dnn_...``, and the first test
checks that the two lists match, so a difference cannot be added, dropped or drift without the other side.
"""
from __future__ import annotations

import re
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

from aws_answers import edit_answer, model_answers
from aws_coverage_seeds import trail
from aws_helpers import ACCOUNT, collect, deny, evaluate_control, hook_events
from distro_layouts import AUDITD_UNIT, AUDITD_UNIT_PATH, DEBIAN_COMMON_AUTH, debian_pam
from test_host_parsers import collect as collect_host
from test_host_parsers import tree

from hipaacheck.inventory import Inventory
from hipaacheck.model import Resource

DOC = Path(__file__).resolve().parents[1] / "docs" / "DIFFERENCES.md"
SSHD_BIN = {"/usr/sbin/sshd": ""}


def host_findings(control_id: str, *resources: Resource) -> list:
    """Findings of a shipped host control on collected resources (the engine, as a scan runs it)."""
    inventory = Inventory("host", "2026-01-01T00:00:00+00:00", sorted({r.type for r in resources}),
                          resources=list(resources))
    return evaluate_control(control_id, inventory)


def host_status(control_id: str, root: Path, resource_type: str) -> set[str]:
    return {f.status for f in host_findings(control_id, collect_host(root, resource_type))}


def sshd_status(tmp_path: Path, control_id: str, config: str) -> set[str]:
    return host_status(control_id, tree(tmp_path, {"/etc/ssh/sshd_config": config, **SSHD_BIN}), "host.sshd")


def test_every_difference_in_the_document_is_pinned_by_one_test() -> None:
    documented = set(re.findall(r"^### (D\d\d)\b", DOC.read_text(), re.MULTILINE))
    pinned = {name[5:8].upper() for name in dir(sys.modules[__name__]) if re.match(r"test_d\d\d_", name)}
    assert documented and documented == pinned


# --- host -----------------------------------------------------------------------------------------

def test_d01_sshd_first_value_of_a_keyword_wins(tmp_path: Path) -> None:
    assert sshd_status(tmp_path, "host.sshd.permit_root_login", "PermitRootLogin yes\nPermitRootLogin no\n") == {"fail"}
    assert sshd_status(tmp_path, "host.sshd.permit_root_login", "PermitRootLogin no\nPermitRootLogin yes\n") == {"pass"}


def test_d02_sshd_match_block_weakening_a_setting_fails(tmp_path: Path) -> None:
    config = "PermitRootLogin no\nMatch Address 10.0.0.0/8\n  PermitRootLogin yes\n"
    assert "fail" in sshd_status(tmp_path / "a", "host.sshd.permit_root_login", config)
    only_in_a_block = "Match Address 10.0.0.0/8\n  PermitRootLogin no\n"  # everyone else gets sshd's default
    assert sshd_status(tmp_path / "b", "host.sshd.permit_root_login", only_in_a_block) == {"fail"}


def test_d03_sshd_client_alive_count_max_0_never_drops_idle_sessions(tmp_path: Path) -> None:
    config = "ClientAliveInterval 300\nClientAliveCountMax 0\n"
    assert sshd_status(tmp_path, "host.sshd.idle_timeout", config) == {"fail"}


def test_d04_sshd_cbc_and_the_default_sha1_macs_are_weak(tmp_path: Path) -> None:
    assert sshd_status(tmp_path / "a", "host.sshd.ciphers", "Ciphers aes256-ctr,aes256-cbc\n") == {"fail"}
    assert sshd_status(tmp_path / "b", "host.sshd.macs", "PermitRootLogin no\n") == {"fail"}  # OpenSSH's default
    assert sshd_status(tmp_path / "c", "host.sshd.macs",
                       "MACs hmac-sha2-512-etm@openssh.com,hmac-sha2-256-etm@openssh.com\n") == {"pass"}


def test_d05_pam_nullok_secure_accepts_empty_passwords(tmp_path: Path) -> None:
    auth = DEBIAN_COMMON_AUTH.replace("pam_unix.so nullok", "pam_unix.so nullok_secure")
    assert host_status("host.pam.no_nullok", tree(tmp_path, debian_pam(common_auth=auth)), "host.pam") == {"fail"}


def test_d06_faillock_values_count_only_where_failures_are_recorded(tmp_path: Path) -> None:
    preauth_only = "auth requisite pam_faillock.so preauth deny=3 unlock_time=900\nauth required pam_unix.so\n"
    root = tree(tmp_path, debian_pam(common_auth=preauth_only))
    for control in ("host.pam.faillock_in_stacks", "host.faillock.deny", "host.faillock.unlock_time"):
        resource_type = "host.pam" if control.startswith("host.pam") else "host.faillock"
        assert host_status(control, root, resource_type) == {"fail"}, control
    other_words = ("auth requisite pam_faillock.so preauth deny=3 unlock_time=900\nauth required pam_unix.so\n"
                   "auth [default=die] pam_faillock.so authfail deny=3 unlock_time=900\n")
    complete = tree(tmp_path / "b", debian_pam(common_auth=other_words,
                                              common_account="account required pam_faillock.so\n"))
    assert "pass" in host_status("host.pam.faillock_in_stacks", complete, "host.pam")


def test_d07_a_watch_after_a_never_rule_or_outside_the_loaded_set_does_not_count(tmp_path: Path) -> None:
    rules = {"/etc/audit/rules.d/10-never.rules": "-a never,exit -F dir=/etc\n",
             "/etc/audit/rules.d/30-identity.rules": "-w /etc/shadow -p wa -k identity\n"}
    assert host_status("host.audit.identity_files", tree(tmp_path / "a", rules), "host.audit_rules") == {"fail"}
    override = AUDITD_UNIT.replace("ExecStartPost=-/sbin/augenrules --load\n#ExecStartPost",
                                   "#ExecStartPost=-/sbin/augenrules --load\nExecStartPost")
    loaded = {AUDITD_UNIT_PATH: override, "/etc/audit/audit.rules": "-e 1\n",
              "/etc/audit/rules.d/30-identity.rules": "-w /etc/shadow -p wa -k identity\n"}
    assert "fail" in host_status("host.audit.identity_files", tree(tmp_path / "b", loaded), "host.audit_rules")


def test_d08_login_events_watch_the_faillock_dir_faillock_conf_names(tmp_path: Path) -> None:
    files = {"/etc/security/faillock.conf": "dir = /var/log/faillock\n",
             "/etc/audit/rules.d/50-login.rules": "-w /var/log/lastlog -p wa\n-w /var/run/faillock -p wa\n"}
    assert host_status("host.audit.login_events", tree(tmp_path, files), "host.audit_rules") == {"pass", "fail"}


# --- AWS ------------------------------------------------------------------------------------------

def test_d09_rds_publicly_accessible_fails_on_the_flag_whatever_the_security_groups(aws) -> None:
    ec2 = aws.client("ec2")
    vpc = ec2.describe_vpcs()["Vpcs"][0]["VpcId"]
    closed = ec2.create_security_group(GroupName="closed", Description="no ingress", VpcId=vpc)["GroupId"]
    ec2.revoke_security_group_egress(GroupId=closed, IpPermissions=[
        {"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
    aws.client("rds").create_db_instance(
        DBInstanceIdentifier="db", Engine="postgres", DBInstanceClass="db.t3.micro", MasterUsername="admin",
        MasterUserPassword="pw-not-checked-1", AllocatedStorage=20, PubliclyAccessible=True,
        VpcSecurityGroupIds=[closed])
    (finding,) = evaluate_control("aws.rds.not_publicly_accessible", collect({"aws.rds.db_instance"}))
    assert finding.status == "fail"


def test_d10_multi_region_trail_must_record_read_and_write_management_events(aws, monkeypatch) -> None:
    trail(aws, monkeypatch, {"EventSelectors": [{"ReadWriteType": "WriteOnly", "IncludeManagementEvents": True}]})
    (finding,) = evaluate_control("aws.cloudtrail.multi_region_logging",
                                  collect({"aws.cloudtrail.account", "aws.cloudtrail.trail"}))
    assert finding.status == "fail" and "only some management events" in finding.message


def test_d11_cloudwatch_logs_group_configured_but_not_delivering_fails(aws, monkeypatch) -> None:
    trail(aws, monkeypatch, {"EventSelectors": [{"ReadWriteType": "All", "IncludeManagementEvents": True}]},
          log_group=True)
    # moto leaves LatestCloudWatchLogsDeliveryTime out of GetTrailStatus: an after-call hook sets it
    stale = datetime.now(timezone.utc) - timedelta(days=20)
    edit_answer(monkeypatch, "GetTrailStatus", lambda parsed, _: parsed.update(LatestCloudWatchLogsDeliveryTime=stale),
                "cloudtrail")
    (finding,) = evaluate_control("aws.cloudtrail.cloudwatch_logs", collect({"aws.cloudtrail.trail"}))
    assert finding.status == "fail" and "before collection, over 24 h" in finding.message


def test_d12_security_hub_with_no_standard_fails(aws, monkeypatch) -> None:
    aws.client("securityhub").enable_security_hub()
    # moto does not implement GetEnabledStandards: a before-call hook answers it
    model_answers(monkeypatch, {"GetEnabledStandards": {"StandardsSubscriptions": []}})
    inventory = collect({"aws.securityhub.hub"})
    assert [f.status for f in evaluate_control("aws.securityhub.enabled", inventory)] == ["pass"]
    assert [f.status for f in evaluate_control("aws.securityhub.standards_enabled", inventory)] == ["fail"]


def test_d13_s3_bucket_covered_by_the_account_level_block_passes(aws) -> None:
    aws.client("s3").create_bucket(Bucket="phi")
    aws.client("s3control").put_public_access_block(AccountId=ACCOUNT, PublicAccessBlockConfiguration={
        "BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True, "RestrictPublicBuckets": True})
    (finding,) = evaluate_control("aws.s3.bucket_public_access_block", collect({"aws.s3.bucket"}))
    assert finding.status == "pass" and "at the account level" in finding.message


def test_d14_what_could_not_be_read_is_an_error_never_a_pass_or_a_fail(aws, monkeypatch) -> None:
    aws.client("s3").create_bucket(Bucket="phi")
    hook_events(monkeypatch, "before-call", deny(["GetBucketEncryption"]))
    (finding,) = evaluate_control("aws.s3.default_encryption", collect({"aws.s3.bucket"}))
    assert finding.status == "error" and "GetBucketEncryption: AccessDenied" in finding.message
