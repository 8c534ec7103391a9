"""IAM (global): password policy, account (root) settings, users, roles.

Credential facts (console password, MFA, key age and last use) come from the credential
report: two calls for the whole account instead of several per user. Every user resource
carries ``observed_at`` (collection start) so the "days since" checks compare dates
without reading the clock.
"""
from __future__ import annotations

import csv
import io
import time
from typing import Any, Iterator

from ...model import Resource
from . import aws_collector
from .context import AwsContext, iso

ADMIN_ARN_SUFFIX = ":iam::aws:policy/AdministratorAccess"
# The published content of the AWS-managed AdministratorAccess policy (needs no read).
ADMIN_DOCUMENT = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
REPORT_WAIT_SECONDS = (0.2, 0.5, 1, 2, 2, 4, 4, 8)
_EMPTY = ("N/A", "not_supported", "no_information", "")


def credential_report(ctx: AwsContext) -> list[dict[str, str]]:
    """Rows of the credential report, generated once per run (shared by users and account)."""

    def fetch() -> list[dict[str, str]]:
        iam = ctx.client("iam")
        for pause in (*REPORT_WAIT_SECONDS, None):
            if iam.generate_credential_report().get("State") == "COMPLETE":
                break
            if pause is None:
                raise TimeoutError("iam:GenerateCredentialReport: report not COMPLETE after 20 s")
            time.sleep(pause)
        content = iam.get_credential_report()["Content"]
        return list(csv.DictReader(io.StringIO(content.decode("utf-8"))))

    return ctx.memo(("iam", "credential_report"), fetch)


def _value(text: str | None) -> str | None:
    return None if text is None or text in _EMPTY else text


def _flag(text: str | None) -> bool:
    return text == "true"


@aws_collector("aws.iam.password_policy", service="iam", is_global=True)
def password_policy(ctx: AwsContext, region: str | None) -> Iterator[Resource]:
    resource = ctx.resource("aws.iam.password_policy", ctx.arn("iam", None, "account-password-policy"), None)
    ctx.read(resource, "policy", lambda: ctx.client("iam").get_account_password_policy()["PasswordPolicy"],
             ("NoSuchEntity",), None)
    yield resource


@aws_collector("aws.iam.account", service="iam", is_global=True)
def account(ctx: AwsContext, region: str | None) -> Iterator[Resource]:
    resource = ctx.resource("aws.iam.account", ctx.arn("iam", None, "root"), None)
    keys = ("AccountMFAEnabled", "AccountAccessKeysPresent")
    ctx.read(resource, "summary", lambda: {k: v for k, v in ctx.client("iam").get_account_summary()
                                           ["SummaryMap"].items() if k in keys})

    def root_row() -> dict[str, Any] | None:
        for row in credential_report(ctx):
            if row.get("user") == "<root_account>":
                return {"mfa_active": _flag(row.get("mfa_active")),
                        "access_key_1_active": _flag(row.get("access_key_1_active")),
                        "access_key_2_active": _flag(row.get("access_key_2_active")),
                        "password_last_used": _value(row.get("password_last_used"))}
        return None  # the report has no root row (moto); the summary still decides

    ctx.read(resource, "root", root_row)
    yield resource


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


def managed_policy_document(ctx: AwsContext, arn: str) -> Any:
    if arn.endswith(ADMIN_ARN_SUFFIX):
        return ADMIN_DOCUMENT

    def fetch() -> Any:
        version = attached_policy_versions(ctx).get(arn)
        if version is None:
            version = ctx.client("iam").get_policy(PolicyArn=arn)["Policy"]["DefaultVersionId"]
        return ctx.client("iam").get_policy_version(PolicyArn=arn, VersionId=version)["PolicyVersion"]["Document"]

    return ctx.memo(("iam", "policy_document", arn), fetch)


def _user_policies(ctx: AwsContext, name: str) -> list[dict[str, Any]]:
    iam = ctx.client("iam")
    policies = [{"kind": "managed", "name": p["PolicyName"], "arn": p["PolicyArn"],
                 "document": managed_policy_document(ctx, p["PolicyArn"])}
                for p in ctx.paginate("iam", None, "list_attached_user_policies", "AttachedPolicies", UserName=name)]
    for policy_name in ctx.paginate("iam", None, "list_user_policies", "PolicyNames", UserName=name):
        document = iam.get_user_policy(UserName=name, PolicyName=policy_name)["PolicyDocument"]
        policies.append({"kind": "inline", "name": policy_name, "document": document})
    return policies


def _user(ctx: AwsContext, row: dict[str, str]) -> Resource:
    resource = ctx.resource(
        "aws.iam.user", row["arn"], None, name=row["user"], created=_value(row.get("user_creation_time")),
        console_access=_flag(row.get("password_enabled")), mfa_active=_flag(row.get("mfa_active")),
        password_last_used=_value(row.get("password_last_used")), access_keys=_access_keys(row),
        observed_at=ctx.observed_at)
    ctx.read(resource, "policies", lambda: _user_policies(ctx, row["user"]))
    return resource


@aws_collector("aws.iam.user", service="iam", is_global=True)
def users(ctx: AwsContext, region: str | None) -> Iterator[Resource]:
    rows = [row for row in credential_report(ctx) if row.get("user") != "<root_account>"]
    yield from ctx.map(lambda row: _user(ctx, row), rows)


@aws_collector("aws.iam.role", service="iam", is_global=True)
def roles(ctx: AwsContext, region: str | None) -> Iterator[Resource]:
    for role in ctx.paginate("iam", None, "list_roles", "Roles"):
        yield ctx.resource("aws.iam.role", role["Arn"], None, name=role["RoleName"], path=role.get("Path", "/"),
                           max_session_duration=role.get("MaxSessionDuration", 3600),
                           created=iso(role.get("CreateDate")),
                           service_linked=role.get("Path", "/").startswith("/aws-service-role/"))
