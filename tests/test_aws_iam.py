"""IAM collectors and controls: moto for what it can seed, built resources for dated credentials."""
from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest
from aws_answers import edit_answer
from aws_helpers import ACCOUNT, collect, deny, evaluate_control, hook_events, statuses

from hipaacheck.inventory import Inventory
from hipaacheck.model import Resource

IAM_TYPES = {"aws.iam.user", "aws.iam.account", "aws.iam.password_policy", "aws.iam.role"}
ADMIN_DOC = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*:*", "Resource": "*"}]}
S3_DOC = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}


def user_arn(name: str) -> str:
    return f"arn:aws:iam::{ACCOUNT}:user/{name}"


def seed(session) -> None:
    iam = session.client("iam")
    for name in ("alice", "bob", "svc"):
        iam.create_user(UserName=name)
    iam.create_login_profile(UserName="alice", Password="Correct-Horse-9!")
    iam.create_login_profile(UserName="bob", Password="Correct-Horse-9!")
    device = iam.create_virtual_mfa_device(VirtualMFADeviceName="alice")["VirtualMFADevice"]
    iam.enable_mfa_device(UserName="alice", SerialNumber=device["SerialNumber"],
                          AuthenticationCode1="123456", AuthenticationCode2="654321")
    iam.create_access_key(UserName="svc")
    iam.put_user_policy(UserName="bob", PolicyName="everything", PolicyDocument=json.dumps(ADMIN_DOC))
    arn = iam.create_policy(PolicyName="s3-only", PolicyDocument=json.dumps(S3_DOC))["Policy"]["Arn"]
    iam.attach_user_policy(UserName="alice", PolicyArn=arn)
    admin = iam.create_policy(PolicyName="root-like", PolicyDocument=json.dumps(ADMIN_DOC))["Policy"]["Arn"]
    iam.attach_user_policy(UserName="svc", PolicyArn=admin)
    iam.create_role(RoleName="short", AssumeRolePolicyDocument="{}", MaxSessionDuration=3600)
    iam.create_role(RoleName="long", AssumeRolePolicyDocument="{}", MaxSessionDuration=43200)


@pytest.fixture
def seeded(aws):
    seed(aws)
    return collect(IAM_TYPES)


def test_console_mfa(seeded):
    assert statuses(evaluate_control("aws.iam.user_console_mfa", seeded)) == {
        user_arn("alice"): "pass", user_arn("bob"): "fail", user_arn("svc"): "skip"}


def test_admin_policy_inline_and_managed(seeded):
    assert statuses(evaluate_control("aws.iam.user_no_admin_policy", seeded)) == {
        user_arn("alice"): "pass", user_arn("bob"): "fail", user_arn("svc"): "fail"}


def test_aws_managed_administrator_access(aws, monkeypatch):
    monkeypatch.setenv("MOTO_IAM_LOAD_MANAGED_POLICIES", "true")
    iam = aws.client("iam")
    iam.create_user(UserName="ops")
    iam.attach_user_policy(UserName="ops", PolicyArn="arn:aws:iam::aws:policy/AdministratorAccess")
    findings = evaluate_control("aws.iam.user_no_admin_policy", collect({"aws.iam.user"}))
    assert statuses(findings) == {user_arn("ops"): "fail"}
    assert findings[0].evidence["admin_policies"] == ["AdministratorAccess"]


def test_role_session_duration(seeded):
    result = statuses(evaluate_control("aws.iam.role_max_session_duration", seeded))
    assert result == {f"arn:aws:iam::{ACCOUNT}:role/short": "pass", f"arn:aws:iam::{ACCOUNT}:role/long": "fail"}
    relaxed = evaluate_control("aws.iam.role_max_session_duration", seeded, max_seconds=43200)
    assert set(statuses(relaxed).values()) == {"pass"}


def test_password_policy(aws):
    policy_id = f"arn:aws:iam::{ACCOUNT}:account-password-policy"
    assert statuses(evaluate_control("aws.iam.password_policy", collect({"aws.iam.password_policy"}))) == {
        policy_id: "fail"}
    aws.client("iam").update_account_password_policy(
        MinimumPasswordLength=14, RequireSymbols=True, RequireNumbers=True, RequireUppercaseCharacters=True,
        RequireLowercaseCharacters=True, PasswordReusePrevention=24, MaxPasswordAge=90)
    inventory = collect({"aws.iam.password_policy"})
    assert statuses(evaluate_control("aws.iam.password_policy", inventory)) == {policy_id: "pass"}
    stricter = evaluate_control("aws.iam.password_policy", inventory, min_length=16)
    assert statuses(stricter) == {policy_id: "fail"} and "MinimumPasswordLength 14 < 16" in stricter[0].message


def test_root_controls_from_account_summary(seeded):
    root = f"arn:aws:iam::{ACCOUNT}:root"
    assert statuses(evaluate_control("aws.iam.root_mfa", seeded)) == {root: "fail"}  # moto: always 0
    assert statuses(evaluate_control("aws.iam.root_no_access_keys", seeded)) == {root: "pass"}


ROOT_APP_DEVICE = {"SerialNumber": f"arn:aws:iam::{ACCOUNT}:mfa/root-account-mfa-device",
                   "User": {"Path": "/", "UserName": "", "UserId": ACCOUNT, "Arn": f"arn:aws:iam::{ACCOUNT}:root",
                            "CreateDate": datetime(2026, 1, 1, tzinfo=timezone.utc)}}


def root_mfa_on(monkeypatch) -> None:
    """What AWS answers for a root user with MFA on: moto's summary always says 0."""
    def mfa_enabled(parsed, params):
        parsed["SummaryMap"]["AccountMFAEnabled"] = 1

    edit_answer(monkeypatch, "GetAccountSummary", mfa_enabled, "iam")


def test_root_hardware_mfa_fails_a_virtual_device_and_passes_a_hardware_key(aws, monkeypatch):
    seed(aws)  # alice has a virtual device: a user's device says nothing of root's
    root = f"arn:aws:iam::{ACCOUNT}:root"
    assert statuses(evaluate_control("aws.iam.root_hardware_mfa", collect({"aws.iam.account"}))) == {root: "fail"}
    root_mfa_on(monkeypatch)
    hardware = evaluate_control("aws.iam.root_hardware_mfa", collect({"aws.iam.account"}))
    assert statuses(hardware) == {root: "pass"} and hardware[0].evidence["root_virtual_mfa"] is False

    def add_root_app(parsed, params):  # moto cannot assign a device to root
        assert params["AssignmentStatus"] == "Assigned"
        parsed["VirtualMFADevices"].append(ROOT_APP_DEVICE)

    edit_answer(monkeypatch, "ListVirtualMFADevices", add_root_app, "iam")
    virtual = evaluate_control("aws.iam.root_hardware_mfa", collect({"aws.iam.account"}))
    assert statuses(virtual) == {root: "fail"} and "virtual (app) device" in virtual[0].message
    assert statuses(evaluate_control("aws.iam.root_mfa", collect({"aws.iam.account"}))) == {root: "pass"}


def test_a_users_device_named_like_roots_is_not_roots(aws, monkeypatch):
    iam = aws.client("iam")
    iam.create_user(UserName="mallory")
    device = iam.create_virtual_mfa_device(VirtualMFADeviceName="root-account-mfa-device")["VirtualMFADevice"]
    iam.enable_mfa_device(UserName="mallory", SerialNumber=device["SerialNumber"],
                          AuthenticationCode1="123456", AuthenticationCode2="654321")
    root_mfa_on(monkeypatch)
    [finding] = evaluate_control("aws.iam.root_hardware_mfa", collect({"aws.iam.account"}))
    assert finding.status == "pass", finding.message


def test_root_hardware_mfa_is_an_error_when_devices_cannot_be_listed(aws, monkeypatch):
    root_mfa_on(monkeypatch)
    hook_events(monkeypatch, "before-call", deny(["ListVirtualMFADevices"]))
    [finding] = evaluate_control("aws.iam.root_hardware_mfa", collect({"aws.iam.account"}))
    assert finding.status == "error" and "iam:ListVirtualMFADevices" in finding.message
    assert [f.status for f in evaluate_control("aws.iam.root_mfa", collect({"aws.iam.account"}))] == ["pass"]


def test_fresh_keys_pass_rotation_and_usage(seeded):
    assert statuses(evaluate_control("aws.iam.access_key_rotation", seeded)) == {
        f"{user_arn('svc')}#access_key_1": "pass", user_arn("alice"): "skip", user_arn("bob"): "skip"}
    assert statuses(evaluate_control("aws.iam.unused_credentials", seeded)) == {
        user_arn("alice"): "pass", user_arn("bob"): "pass", user_arn("svc"): "pass"}


def dated_inventory(**attributes) -> Inventory:
    base = {"name": "old", "created": "2025-01-01T00:00:00+00:00", "console_access": True, "mfa_active": True,
            "password_last_used": "2026-10-01T00:00:00+00:00", "observed_at": "2026-11-29T00:00:00+00:00",
            "policies": [], "access_keys": [
                {"slot": 1, "active": True, "last_rotated": "2026-01-01T00:00:00+00:00",
                 "last_used": "2026-11-28T00:00:00+00:00"},
                {"slot": 2, "active": True, "last_rotated": "2026-11-01T00:00:00+00:00", "last_used": None}]}
    base.update(attributes)
    resource = Resource("aws.iam.user", user_arn("old"), base, None, ACCOUNT)
    return Inventory(source="aws", collected_at=base["observed_at"], resource_types=["aws.iam.user"],
                     resources=[resource])


def test_key_rotation_counts_days_from_observed_at():
    findings = evaluate_control("aws.iam.access_key_rotation", dated_inventory())
    assert statuses(findings) == {f"{user_arn('old')}#access_key_1": "fail", f"{user_arn('old')}#access_key_2": "pass"}
    assert findings[0].evidence["age_days"] == 332


def test_unused_credentials_count_never_used_from_issue_date():
    inventory = dated_inventory(password_last_used=None)  # never signed in since 2025-01-01
    findings = evaluate_control("aws.iam.unused_credentials", inventory)
    assert statuses(findings) == {user_arn("old"): "fail"}
    assert set(findings[0].evidence["idle_days"]) == {"password"}
    recent = evaluate_control("aws.iam.unused_credentials", dated_inventory())
    assert statuses(recent) == {user_arn("old"): "pass"}


def test_credential_report_denied_is_an_error_for_user_controls(aws, monkeypatch):
    seed(aws)
    hook_events(monkeypatch, "before-call", deny(["GetCredentialReport"]))
    inventory = collect({"aws.iam.user", "aws.iam.account"})
    for control in ("aws.iam.user_console_mfa", "aws.iam.unused_credentials", "aws.iam.access_key_rotation"):
        findings = evaluate_control(control, inventory)
        assert [f.status for f in findings] == ["error"]
        assert "iam:GetCredentialReport" in findings[0].message and "AccessDenied" in findings[0].message
    # the summary still decides root MFA; the root row is unreadable so root keys cannot pass
    assert [f.status for f in evaluate_control("aws.iam.root_mfa", inventory)] == ["fail"]
    assert [f.status for f in evaluate_control("aws.iam.root_no_access_keys", inventory)] == ["error"]


def test_unreadable_user_policies(aws, monkeypatch):
    seed(aws)
    hook_events(monkeypatch, "before-call", deny(["ListUserPolicies"]))
    findings = evaluate_control("aws.iam.user_no_admin_policy", collect({"aws.iam.user"}))
    assert {f.status for f in findings} == {"error"}
    assert "iam:ListUserPolicies: AccessDenied" in findings[0].message


def test_users_roles_and_inline_policies_are_listed_once_for_all_collectors(aws, monkeypatch):
    """The user, role and inline-policy collectors share each listing (and each inline document)."""
    from collections import Counter

    seed(aws)
    calls: Counter = Counter()

    def note(model=None, params=None, **_):
        if model is not None:
            calls[(model.name, str(sorted((params or {}).get("body", {}).items())))] += 1

    hook_events(monkeypatch, "before-call", note)
    inventory = collect({"aws.iam.user", "aws.iam.role", "aws.iam.inline_policy"})
    assert {key: n for key, n in calls.items() if n > 1 and key[0] != "GenerateCredentialReport"} == {}
    assert sum(n for (name, _), n in calls.items() if name == "ListUserPolicies") == 3  # alice, bob, svc
    inline = {r.id: r for r in inventory.resources if r.type == "aws.iam.inline_policy"}
    assert inline[f"{user_arn('bob')}#everything"].attributes["document"] == ADMIN_DOC


def test_a_shared_listing_denied_is_an_error_in_every_collector_that_reads_it(aws, monkeypatch):
    seed(aws)
    hook_events(monkeypatch, "before-call", deny(["ListUserPolicies"]))
    inventory = collect({"aws.iam.user", "aws.iam.inline_policy"})
    for control in ("aws.iam.user_no_admin_policy", "aws.iam.inline_policy_no_admin"):
        findings = [f for f in evaluate_control(control, inventory) if ":user/" in f.resource["id"]]
        assert findings and {f.status for f in findings} == {"error"}, control
        assert all("iam:ListUserPolicies: AccessDenied" in f.message for f in findings), control
