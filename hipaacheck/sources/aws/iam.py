"""IAM (global): password policy, account (root) settings, users, roles.

Credential facts (console password, MFA, key age and last use) come from the credential
report: two calls for the whole account instead of several per user. Every user resource
carries ``observed_at`` (collection start) so the "days since" checks compare dates
without reading the clock, and ``credentials_from`` saying where those facts came from
(with the report's ``GeneratedTime``).

The report can be up to four hours old, so the user list comes from ``ListUsers``, not the
report: a user missing from the report (created since it was generated, or re-created under
the same name, which the creation time gives away) gets its credential facts from the IAM
API directly (``GetLoginProfile``, ``ListMFADevices``, ``ListAccessKeys`` and
``GetAccessKeyLastUsed``), for just those users, so it is evaluated instead of vanishing; a
direct read that fails marks that attribute unreadable (``error``). Report rows of users
that ``ListUsers`` no longer returns (deleted since) are dropped.

Admin rights: each user's own policies (inline and managed) and, through
``ListGroupsForUser``, each group's inline and attached managed policies. A group's policies
and a managed policy's document are read once per run however many users share them
(``ctx.memo``); a group that cannot be read is recorded with the reason, never left out.
"""
from __future__ import annotations

import csv
import io
import time
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Iterator

from ...model import Resource
from .registry import aws_collector
from .context import AwsContext, iso
from .iam_listing import PRINCIPAL_KEYS, inline_policy_document, inline_policy_names, principals

ADMIN_ARN_SUFFIX = ":iam::aws:policy/AdministratorAccess"
# The published content of the AWS-managed AdministratorAccess policy (needs no read).
ADMIN_DOCUMENT = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
REPORT_WAIT_SECONDS = (0.2, 0.5, 1, 2, 2, 4, 4, 8)
ROOT_ROW = "<root_account>"
_EMPTY = ("N/A", "not_supported", "no_information", "")


@dataclass(frozen=True)
class CredentialReport:
    generated_at: str | None  # GetCredentialReport GeneratedTime, ISO 8601
    rows: list[dict[str, str]]


def credential_report(ctx: AwsContext) -> CredentialReport:
    """The credential report, generated once per run (shared by users and account)."""

    def fetch() -> CredentialReport:
        iam = ctx.client("iam")
        for pause in (*REPORT_WAIT_SECONDS, None):
            if iam.generate_credential_report().get("State") == "COMPLETE":
                break
            if pause is None:
                raise TimeoutError("iam:GenerateCredentialReport: report not COMPLETE after 20 s")
            time.sleep(pause)
        answer = iam.get_credential_report()
        rows = list(csv.DictReader(io.StringIO(answer["Content"].decode("utf-8"))))
        return CredentialReport(iso(answer.get("GeneratedTime")), rows)

    return ctx.memo(("iam", "credential_report"), fetch)


def _value(text: str | None) -> str | None:
    return None if text is None or text in _EMPTY else text


def _flag(text: str | None) -> bool:
    return text == "true"


@aws_collector("aws.iam.password_policy", service="iam", is_global=True,
               calls=("iam:GetAccountPasswordPolicy",))
def password_policy(ctx: AwsContext, region: str | None) -> Iterator[Resource]:
    resource = ctx.resource("aws.iam.password_policy", ctx.arn("iam", None, "account-password-policy"), None)
    ctx.read(resource, "policy", lambda: ctx.client("iam").get_account_password_policy()["PasswordPolicy"],
             ("NoSuchEntity",), None)
    yield resource


@aws_collector("aws.iam.account", service="iam", is_global=True,
               calls=("iam:GenerateCredentialReport", "iam:GetAccountSummary", "iam:GetCredentialReport",
                      "iam:ListVirtualMFADevices"))
def account(ctx: AwsContext, region: str | None) -> Iterator[Resource]:
    resource = ctx.resource("aws.iam.account", ctx.arn("iam", None, "root"), None)
    keys = ("AccountMFAEnabled", "AccountAccessKeysPresent")
    ctx.read(resource, "summary", lambda: {k: v for k, v in ctx.client("iam").get_account_summary()
                                           ["SummaryMap"].items() if k in keys})

    def root_row() -> dict[str, Any] | None:
        report = credential_report(ctx)
        for row in report.rows:
            if row.get("user") == ROOT_ROW:
                return {"mfa_active": _flag(row.get("mfa_active")),
                        "access_key_1_active": _flag(row.get("access_key_1_active")),
                        "access_key_2_active": _flag(row.get("access_key_2_active")),
                        "password_last_used": _value(row.get("password_last_used")),
                        "credential_report_generated_at": report.generated_at}
        return None  # the report has no root row (moto); the summary still decides

    ctx.read(resource, "root", root_row)
    # a virtual (app) device assigned to root: its serial is ...:mfa/root-account-mfa-device and its user the root
    ctx.read(resource, "root_virtual_mfa", lambda: any(
        _is_root_device(device) for device in ctx.paginate("iam", None, "list_virtual_mfa_devices",
                                                           "VirtualMFADevices", AssignmentStatus="Assigned")))
    yield resource


def _is_root_device(device: dict[str, Any]) -> bool:
    """Assigned to root: its user is the root (an IAM user may name a device root-account-mfa-device too); the
    serial decides only when the answer names no user."""
    user_arn = (device.get("User") or {}).get("Arn")
    if user_arn:
        return str(user_arn).endswith(":root")
    return str(device.get("SerialNumber") or "").endswith("/root-account-mfa-device")


def _access_keys(row: dict[str, str]) -> list[dict[str, Any]]:
    keys = []
    for slot in (1, 2):
        rotated = _value(row.get(f"access_key_{slot}_last_rotated"))
        if rotated is None:  # no key in this slot
            continue
        keys.append({"slot": slot, "active": _flag(row.get(f"access_key_{slot}_active")),
                     "last_rotated": rotated, "last_used": _value(row.get(f"access_key_{slot}_last_used_date"))})
    return keys


def attached_policy_versions(ctx: AwsContext) -> dict[str, str]:
    """ARN -> default version id of every policy attached to something (one paginated listing)."""
    return ctx.memo(("iam", "attached_policies"), lambda: {
        p["Arn"]: p["DefaultVersionId"]
        for p in ctx.paginate("iam", None, "list_policies", "Policies", Scope="All", OnlyAttached=True)})


def managed_policy_document(ctx: AwsContext, arn: str, version: str | None = None) -> Any:
    """The default version's document of a managed policy (``version``, when the caller has listed it), once
    per run for every collector that reads it."""
    if arn.endswith(ADMIN_ARN_SUFFIX):
        return ADMIN_DOCUMENT

    def fetch() -> Any:
        default = version or attached_policy_versions(ctx).get(arn)
        if default is None:
            default = ctx.client("iam").get_policy(PolicyArn=arn)["Policy"]["DefaultVersionId"]
        return ctx.client("iam").get_policy_version(PolicyArn=arn, VersionId=default)["PolicyVersion"]["Document"]

    return ctx.memo(("iam", "policy_document", arn), fetch)


def _policies(ctx: AwsContext, kind: str, name: str) -> list[dict[str, Any]]:
    """Managed and inline policies of one user or group (``kind`` is ``user`` or ``group``)."""
    key = {PRINCIPAL_KEYS[kind][1]: name}
    policies = [{"kind": "managed", "name": p["PolicyName"], "arn": p["PolicyArn"],
                 "document": managed_policy_document(ctx, p["PolicyArn"])}
                for p in ctx.paginate("iam", None, f"list_attached_{kind}_policies", "AttachedPolicies", **key)]
    for policy_name in inline_policy_names(ctx, kind, name):
        policies.append({"kind": "inline", "name": policy_name,
                         "document": inline_policy_document(ctx, kind, name, policy_name)})
    return policies


def _group(ctx: AwsContext, group: dict[str, Any]) -> dict[str, Any]:
    """One group's policies, read once per run; an unreadable group carries the reason instead.

    The reason is worked out inside the memo, on the thread whose call failed, so every member
    gets the same ``service:Operation`` in it.
    """

    def read() -> dict[str, Any]:
        try:
            return {"policies": _policies(ctx, "group", group["GroupName"])}
        except Exception as exc:  # noqa: BLE001 - recorded on the group: its members' check reports error
            return {"unreadable": ctx.reason(exc)}

    return {"name": group["GroupName"], "arn": group["Arn"],
            **ctx.memo(("iam", "group_policies", group["Arn"]), read)}


def _user_groups(ctx: AwsContext, name: str) -> list[dict[str, Any]]:
    groups = ctx.paginate("iam", None, "list_groups_for_user", "Groups", UserName=name)
    return [_group(ctx, group) for group in groups]


def _same_second(report_time: str | None, created: Any) -> bool:
    if report_time is None or created is None:
        return False
    try:
        return datetime.fromisoformat(report_time).replace(microsecond=0) == created.replace(microsecond=0)
    except (TypeError, ValueError):
        return False


def _from_report(resource: Resource, row: dict[str, str], report: CredentialReport) -> None:
    resource.attributes.update(
        created=_value(row.get("user_creation_time")), console_access=_flag(row.get("password_enabled")),
        mfa_active=_flag(row.get("mfa_active")), password_last_used=_value(row.get("password_last_used")),
        access_keys=_access_keys(row),
        credentials_from={"source": "credential_report", "generated_at": report.generated_at})


def _api_access_keys(ctx: AwsContext, name: str) -> list[dict[str, Any]]:
    iam = ctx.client("iam")
    listed = sorted(ctx.paginate("iam", None, "list_access_keys", "AccessKeyMetadata", UserName=name),
                    key=lambda k: iso(k.get("CreateDate")) or "")
    keys = []
    for slot, key in enumerate(listed, start=1):  # the key id is not kept: slots, as in the report
        used = iam.get_access_key_last_used(AccessKeyId=key["AccessKeyId"]).get("AccessKeyLastUsed", {})
        keys.append({"slot": slot, "active": key.get("Status") == "Active", "last_rotated": iso(key.get("CreateDate")),
                     "last_used": iso(used.get("LastUsedDate"))})
    return keys


def _from_api(ctx: AwsContext, resource: Resource, user: dict[str, Any], report: CredentialReport) -> None:
    """Credential facts of a user the report does not (yet) show, read one by one."""
    name = user["UserName"]
    iam = ctx.client("iam")
    resource.attributes.update(
        created=iso(user.get("CreateDate")), password_last_used=iso(user.get("PasswordLastUsed")),
        credentials_from={"source": "iam_api", "generated_at": report.generated_at,
                          "reason": f"not in the credential report generated at {report.generated_at}"})
    ctx.read(resource, "console_access", lambda: bool(iam.get_login_profile(UserName=name)), ("NoSuchEntity",), False)
    ctx.read(resource, "mfa_active",
             lambda: bool(ctx.paginate("iam", None, "list_mfa_devices", "MFADevices", UserName=name)))
    ctx.read(resource, "access_keys", lambda: _api_access_keys(ctx, name))


def _user(ctx: AwsContext, user: dict[str, Any], report: CredentialReport,
          rows: dict[str, dict[str, str]]) -> Resource:
    name = user["UserName"]
    resource = ctx.resource("aws.iam.user", user["Arn"], None, name=name, observed_at=ctx.observed_at)
    row = rows.get(user["Arn"])
    if row is not None and _same_second(row.get("user_creation_time"), user.get("CreateDate")):
        _from_report(resource, row, report)
    else:
        _from_api(ctx, resource, user, report)
    ctx.read(resource, "policies", lambda: _policies(ctx, "user", name))
    ctx.read(resource, "groups", lambda: _user_groups(ctx, name))
    return resource


@aws_collector("aws.iam.user", service="iam", is_global=True,
               calls=("iam:GenerateCredentialReport", "iam:GetAccessKeyLastUsed", "iam:GetCredentialReport",
                      "iam:GetGroupPolicy", "iam:GetLoginProfile", "iam:GetPolicy", "iam:GetPolicyVersion",
                      "iam:GetUserPolicy", "iam:ListAccessKeys", "iam:ListAttachedGroupPolicies",
                      "iam:ListAttachedUserPolicies", "iam:ListGroupPolicies", "iam:ListGroupsForUser",
                      "iam:ListMFADevices", "iam:ListPolicies", "iam:ListUserPolicies", "iam:ListUsers"))
def users(ctx: AwsContext, region: str | None) -> Iterator[Resource]:
    report = credential_report(ctx)
    rows = {row["arn"]: row for row in report.rows if row.get("user") != ROOT_ROW and row.get("arn")}
    yield from ctx.map(lambda user: _user(ctx, user, report, rows), principals(ctx, "user"))


@aws_collector("aws.iam.role", service="iam", is_global=True,
               calls=("iam:ListRoles",))
def roles(ctx: AwsContext, region: str | None) -> Iterator[Resource]:
    for role in principals(ctx, "role"):
        yield ctx.resource("aws.iam.role", role["Arn"], None, name=role["RoleName"], path=role.get("Path", "/"),
                           max_session_duration=role.get("MaxSessionDuration", 3600),
                           created=iso(role.get("CreateDate")),
                           service_linked=role.get("Path", "/").startswith("/aws-service-role/"))
