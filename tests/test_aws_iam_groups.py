"""IAM false-pass gaps: admin rights through groups, and users the credential report does not show yet."""
from __future__ import annotations

import json
import threading
from collections import Counter

from aws_helpers import ACCOUNT, collect, deny, evaluate_control, hook_events, statuses

ADMIN_DOC = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*:*", "Resource": "*"}]}
S3_DOC = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}
ADMIN_CONTROL = "aws.iam.user_no_admin_policy"


def user_arn(name: str) -> str:
    return f"arn:aws:iam::{ACCOUNT}:user/{name}"


def group_with(iam, group: str, users: list[str], inline: dict | None = None, managed: str | None = None) -> None:
    iam.create_group(GroupName=group)
    if inline is not None:
        iam.put_group_policy(GroupName=group, PolicyName=f"{group}-inline", PolicyDocument=json.dumps(inline))
    if managed is not None:
        iam.attach_group_policy(GroupName=group, PolicyArn=managed)
    for user in users:
        iam.add_user_to_group(GroupName=group, UserName=user)


def admin_findings():
    return evaluate_control(ADMIN_CONTROL, collect({"aws.iam.user"}))


# --------------------------------------------------------------------------- admin through groups

def test_admin_through_group_inline_policy_fails(aws):
    iam = aws.client("iam")
    for name in ("ops", "dev"):
        iam.create_user(UserName=name)
    group_with(iam, "admins", ["ops"], inline=ADMIN_DOC)
    group_with(iam, "readers", ["dev"], inline=S3_DOC)
    findings = admin_findings()
    assert statuses(findings) == {user_arn("ops"): "fail", user_arn("dev"): "pass"}
    ops = next(f for f in findings if f.resource["id"] == user_arn("ops"))
    assert ops.evidence["admin_via_groups"] == [{"group": "admins", "policy": "admins-inline"}]
    assert ops.evidence["admin_policies"] == []
    assert "via group admins: admins-inline" in ops.message


def test_admin_through_group_attached_policies_fails(aws, monkeypatch):
    monkeypatch.setenv("MOTO_IAM_LOAD_MANAGED_POLICIES", "true")
    iam = aws.client("iam")
    for name in ("aws-admin", "custom-admin", "harmless"):
        iam.create_user(UserName=name)
    group_with(iam, "aws-managed", ["aws-admin"], managed="arn:aws:iam::aws:policy/AdministratorAccess")
    custom = iam.create_policy(PolicyName="everything", PolicyDocument=json.dumps(ADMIN_DOC))["Policy"]["Arn"]
    group_with(iam, "customer-managed", ["custom-admin"], managed=custom)
    s3_only = iam.create_policy(PolicyName="s3-only", PolicyDocument=json.dumps(S3_DOC))["Policy"]["Arn"]
    group_with(iam, "storage", ["harmless", "custom-admin"], managed=s3_only)
    findings = admin_findings()
    assert statuses(findings) == {user_arn("aws-admin"): "fail", user_arn("custom-admin"): "fail",
                                  user_arn("harmless"): "pass"}
    evidence = {f.resource["id"]: f.evidence["admin_via_groups"] for f in findings}
    assert evidence[user_arn("aws-admin")] == [{"group": "aws-managed", "policy": "AdministratorAccess"}]
    assert evidence[user_arn("custom-admin")] == [{"group": "customer-managed", "policy": "everything"}]


def test_unreadable_group_policy_is_an_error(aws, monkeypatch):
    iam = aws.client("iam")
    for name in ("member", "direct-admin", "loner"):
        iam.create_user(UserName=name)
    iam.put_user_policy(UserName="direct-admin", PolicyName="all", PolicyDocument=json.dumps(ADMIN_DOC))
    group_with(iam, "team", ["member", "direct-admin"], inline=S3_DOC)
    hook_events(monkeypatch, "before-call", deny(["GetGroupPolicy"]))
    findings = admin_findings()
    # a seen admin grant still fails; a user whose group went unread cannot pass; no group, no gap
    assert statuses(findings) == {user_arn("member"): "error", user_arn("direct-admin"): "fail",
                                  user_arn("loner"): "pass"}
    member = next(f for f in findings if f.resource["id"] == user_arn("member"))
    assert "groups.team" in member.message and "iam:GetGroupPolicy: AccessDenied" in member.message
    direct = next(f for f in findings if f.resource["id"] == user_arn("direct-admin"))
    assert "iam:GetGroupPolicy" in direct.evidence["unreadable"]["groups.team"]


def test_unreadable_group_membership_is_an_error(aws, monkeypatch):
    iam = aws.client("iam")
    iam.create_user(UserName="someone")
    hook_events(monkeypatch, "before-call", deny(["ListGroupsForUser"]))
    findings = admin_findings()
    assert statuses(findings) == {user_arn("someone"): "error"}
    assert "iam:ListGroupsForUser: AccessDenied" in findings[0].message


def test_inventory_without_group_data_cannot_pass():
    from hipaacheck.inventory import Inventory
    from hipaacheck.model import Resource

    old = Resource("aws.iam.user", user_arn("old"), {"name": "old", "policies": []}, None, ACCOUNT)
    inventory = Inventory(source="aws", collected_at="2026-01-01T00:00:00+00:00", resource_types=["aws.iam.user"],
                          resources=[old])
    findings = evaluate_control(ADMIN_CONTROL, inventory)
    assert [f.status for f in findings] == ["error"] and "group memberships were not collected" in findings[0].message


def count_calls(monkeypatch) -> Counter:
    counts: Counter = Counter()
    lock = threading.Lock()

    def handler(model=None, **_):
        with lock:
            counts[model.name] += 1

    hook_events(monkeypatch, "before-call", handler)
    return counts


def test_each_group_and_policy_document_is_read_once_per_run(aws, monkeypatch):
    iam = aws.client("iam")
    users = [f"user{i}" for i in range(6)]
    for name in users:
        iam.create_user(UserName=name)
    shared = iam.create_policy(PolicyName="shared", PolicyDocument=json.dumps(S3_DOC))["Policy"]["Arn"]
    group_with(iam, "everyone", users, inline=S3_DOC, managed=shared)
    group_with(iam, "half", users[:3], managed=shared)
    counts = count_calls(monkeypatch)
    findings = admin_findings()
    assert set(statuses(findings).values()) == {"pass"} and len(findings) == 6
    assert counts["ListGroupsForUser"] == 6  # one per user
    assert counts["ListGroupPolicies"] == 2 and counts["ListAttachedGroupPolicies"] == 2  # one per group
    assert counts["GetGroupPolicy"] == 1  # one inline policy, shared by six users
    assert counts["GetPolicyVersion"] == 1  # one customer-managed document, attached to both groups
    # every user is in the report: no per-user credential reads
    assert not {"GetLoginProfile", "ListMFADevices", "ListAccessKeys"} & set(counts)


# --------------------------------------------------------------------------- users missing from the report

def edit_report(monkeypatch, edit) -> None:
    """Rewrite the decoded credential report (rows as dicts) on its way back to the collector."""
    import csv
    import io

    def handler(parsed=None, **_):
        rows = list(csv.DictReader(io.StringIO(parsed["Content"].decode("utf-8"))))
        fields = list(rows[0]) if rows else ["user", "arn"]
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(edit(rows))
        parsed["Content"] = out.getvalue().encode("utf-8")

    hook_events(monkeypatch, "after-call.iam.GetCredentialReport", handler)


def seed_console_users(iam) -> None:
    for name in ("reported", "newcomer"):
        iam.create_user(UserName=name)
        iam.create_login_profile(UserName=name, Password="Correct-Horse-9!")
    iam.create_access_key(UserName="newcomer")


def test_user_missing_from_the_report_is_evaluated_from_the_api(aws, monkeypatch):
    seed_console_users(aws.client("iam"))
    edit_report(monkeypatch, lambda rows: [r for r in rows if r["user"] != "newcomer"])
    counts = count_calls(monkeypatch)
    inventory = collect({"aws.iam.user"})
    mfa = evaluate_control("aws.iam.user_console_mfa", inventory)
    assert statuses(mfa) == {user_arn("reported"): "fail", user_arn("newcomer"): "fail"}
    origin = {f.resource["id"]: f.evidence["credentials_from"] for f in mfa}
    assert origin[user_arn("reported")]["source"] == "credential_report"
    assert origin[user_arn("reported")]["generated_at"]  # the report's GeneratedTime is on record
    assert origin[user_arn("newcomer")]["source"] == "iam_api"
    assert "not in the credential report generated at" in origin[user_arn("newcomer")]["reason"]
    keys = evaluate_control("aws.iam.access_key_rotation", inventory)
    assert statuses(keys) == {f"{user_arn('newcomer')}#access_key_1": "pass", user_arn("reported"): "skip"}
    assert statuses(evaluate_control("aws.iam.unused_credentials", inventory)) == {
        user_arn("reported"): "pass", user_arn("newcomer"): "pass"}
    # the direct reads ran for the missing user only
    assert counts["GetLoginProfile"] == 1 and counts["ListMFADevices"] == 1 and counts["ListAccessKeys"] == 1
    assert counts["GetAccessKeyLastUsed"] == 1
    newcomer = next(r for r in inventory.resources if r.id == user_arn("newcomer"))
    assert "AccessKeyId" not in json.dumps(newcomer.to_dict()) and "AKIA" not in json.dumps(newcomer.to_dict())


def test_missing_user_whose_direct_reads_fail_is_an_error(aws, monkeypatch):
    seed_console_users(aws.client("iam"))
    edit_report(monkeypatch, lambda rows: [r for r in rows if r["user"] != "newcomer"])
    hook_events(monkeypatch, "before-call", deny(["ListMFADevices"]))
    findings = evaluate_control("aws.iam.user_console_mfa", collect({"aws.iam.user"}))
    assert statuses(findings) == {user_arn("reported"): "fail", user_arn("newcomer"): "error"}
    newcomer = next(f for f in findings if f.resource["id"] == user_arn("newcomer"))
    assert "iam:ListMFADevices: AccessDenied" in newcomer.message


def test_recreated_user_is_not_judged_on_the_old_row_and_deleted_users_drop_out(aws, monkeypatch):
    iam = aws.client("iam")
    iam.create_user(UserName="again")
    iam.create_login_profile(UserName="again", Password="Correct-Horse-9!")

    def edit(rows):
        for row in rows:  # the row of an earlier "again" without a password
            row.update(user_creation_time="2020-01-01T00:00:00+00:00", password_enabled="false")
        ghost = dict(rows[0], user="gone", arn=user_arn("gone"))
        return rows + [ghost]

    edit_report(monkeypatch, edit)
    findings = evaluate_control("aws.iam.user_console_mfa", collect({"aws.iam.user"}))
    assert statuses(findings) == {user_arn("again"): "fail"}  # console user without MFA, not "no console"
    assert findings[0].evidence["credentials_from"]["source"] == "iam_api"


def test_user_list_denied_is_an_error_not_a_report_only_pass(aws, monkeypatch):
    seed_console_users(aws.client("iam"))
    hook_events(monkeypatch, "before-call", deny(["ListUsers"]))
    inventory = collect({"aws.iam.user"})
    for control in ("aws.iam.user_console_mfa", ADMIN_CONTROL):
        findings = evaluate_control(control, inventory)
        assert [f.status for f in findings] == ["error"] and "iam:ListUsers" in findings[0].message
