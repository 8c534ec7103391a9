"""IAM checks: password policy, MFA, root credentials, key age, unused credentials, admin policies, sessions.

Date checks compare against the resource's ``observed_at`` (stamped by the collector when
collection started), never the clock, so a snapshot scan gives the same answer later.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any, Iterator

from hipaacheck.model import NotApplicable, Outcome, Resource, Unreadable, failed, passed
from hipaacheck.aws_policies import grants_full_admin
from hipaacheck.registry import check


def days_between(start: str, end: str) -> int:
    """Whole days from ISO 8601 ``start`` to ``end``."""
    return (datetime.fromisoformat(end) - datetime.fromisoformat(start)).days


def _source(resource: Resource) -> dict[str, Any]:
    """Evidence of where the credential facts came from (report and its GeneratedTime, or the IAM API)."""
    origin = resource.get("credentials_from")
    return {"credentials_from": origin} if origin else {}


@check("aws.iam.password_policy", resource_type="aws.iam.password_policy", reads=("policy",), params={
    "min_length": {"type": "integer", "minimum": 6, "default": 14},
    "reuse_prevention": {"type": "integer", "minimum": 0, "maximum": 24, "default": 24},
    "max_age_days": {"type": ["integer", "null"], "minimum": 1, "default": 90},
    "require_classes": {"type": "boolean", "default": True},
})
def password_policy(resource: Resource, params: dict[str, Any]) -> Outcome:
    """The account password policy meets the profile's length, reuse, age and character-class values."""
    policy = resource.get("policy")
    if policy is None:
        return failed("no account password policy is set", policy=None)
    problems = []
    if policy.get("MinimumPasswordLength", 0) < params["min_length"]:
        problems.append(f"MinimumPasswordLength {policy.get('MinimumPasswordLength')} < {params['min_length']}")
    if policy.get("PasswordReusePrevention", 0) < params["reuse_prevention"]:
        problems.append(f"PasswordReusePrevention {policy.get('PasswordReusePrevention')} < "
                        f"{params['reuse_prevention']}")
    if params["max_age_days"] is not None and not 0 < policy.get("MaxPasswordAge", 0) <= params["max_age_days"]:
        problems.append(f"MaxPasswordAge {policy.get('MaxPasswordAge')} not within 1..{params['max_age_days']}")
    if params["require_classes"]:
        for key in ("RequireUppercaseCharacters", "RequireLowercaseCharacters", "RequireNumbers", "RequireSymbols"):
            if not policy.get(key):
                problems.append(f"{key} is false")
    if problems:
        return failed("; ".join(problems), policy=policy)
    return passed("password policy meets the profile's values", policy=policy)


@check("aws.iam.user_console_mfa", resource_type="aws.iam.user",
       reads=("console_access", "mfa_active", "credentials_from"))
def user_console_mfa(resource: Resource, params: dict[str, Any]) -> Outcome:
    """Every user with a console password has an MFA device."""
    if not resource.get("console_access"):
        raise NotApplicable("no console password")
    if resource.get("mfa_active"):
        return passed("console user has MFA", console_access=True, mfa_active=True, **_source(resource))
    return failed("console user without MFA", console_access=True, mfa_active=False, **_source(resource))


@check("aws.iam.root_mfa", resource_type="aws.iam.account", reads=("summary",))
def root_mfa(resource: Resource, params: dict[str, Any]) -> Outcome:
    """The root user has MFA (GetAccountSummary AccountMFAEnabled = 1)."""
    enabled = resource.get("summary").get("AccountMFAEnabled")
    if enabled == 1:
        return passed("root MFA is enabled", AccountMFAEnabled=enabled)
    return failed("root user has no MFA", AccountMFAEnabled=enabled)


@check("aws.iam.root_hardware_mfa", resource_type="aws.iam.account", reads=("summary", "root_virtual_mfa"))
def root_hardware_mfa(resource: Resource, params: dict[str, Any]) -> Outcome:
    """The root user's MFA is a hardware device: MFA is on and no virtual device is assigned to root."""
    enabled = resource.get("summary").get("AccountMFAEnabled")
    if enabled != 1:
        return failed("root user has no MFA", AccountMFAEnabled=enabled)
    if resource.get("root_virtual_mfa"):
        return failed("root MFA is a virtual (app) device, not a hardware key", AccountMFAEnabled=enabled,
                      root_virtual_mfa=True)
    return passed("root MFA is a hardware device (no virtual device is assigned to root)", AccountMFAEnabled=enabled,
                  root_virtual_mfa=False)


@check("aws.iam.root_no_access_keys", resource_type="aws.iam.account", reads=("summary", "root"))
def root_no_access_keys(resource: Resource, params: dict[str, Any]) -> Outcome:
    """The root user has no access keys (summary and, where present, the credential report agree)."""
    present = resource.get("summary").get("AccountAccessKeysPresent")
    root = resource.get("root") or {}
    active = [slot for slot in (1, 2) if root.get(f"access_key_{slot}_active")]
    if present == 0 and not active:
        return passed("root has no access keys", AccountAccessKeysPresent=present)
    return failed("root has access keys", AccountAccessKeysPresent=present, active_key_slots=active)


@check("aws.iam.access_key_rotation", resource_type="aws.iam.user",
       reads=("observed_at", "access_keys", "credentials_from"),
       params={"max_days": {"type": "integer", "minimum": 1, "default": 90}})
def access_key_rotation(resource: Resource, params: dict[str, Any]) -> Iterator[Outcome]:
    """Every active access key was rotated within max_days of the observation."""
    now = resource.get("observed_at")
    keys = [k for k in resource.get("access_keys") or [] if k.get("active")]
    if not keys:
        raise NotApplicable("no active access keys")
    for key in keys:
        age = days_between(key["last_rotated"], now)
        item = f"access_key_{key['slot']}"
        if age <= params["max_days"]:
            yield passed(f"{item} is {age} days old", item=item, age_days=age, last_rotated=key["last_rotated"],
                         **_source(resource))
        else:
            yield failed(f"{item} is {age} days old, over {params['max_days']}", item=item, age_days=age,
                         last_rotated=key["last_rotated"], **_source(resource))


def _stale(last_used: str | None, issued: str | None, now: str, max_days: int) -> tuple[bool, int | None]:
    """(stale, idle days): never used counts from when the credential was issued."""
    since = last_used or issued
    if since is None:
        return False, None
    idle = days_between(since, now)
    return idle > max_days, idle


@check("aws.iam.unused_credentials", resource_type="aws.iam.user",
       reads=("observed_at", "console_access", "password_last_used", "created", "access_keys",
              "credentials_from"),
       params={"max_days": {"type": "integer", "minimum": 1, "default": 90}})
def unused_credentials(resource: Resource, params: dict[str, Any]) -> Outcome:
    """No console password or active access key has gone unused for more than max_days."""
    now = resource.get("observed_at")
    stale: dict[str, int | None] = {}
    checked = 0
    if resource.get("console_access"):
        checked += 1
        is_stale, idle = _stale(resource.get("password_last_used"), resource.get("created"), now, params["max_days"])
        if is_stale:
            stale["password"] = idle
    for key in resource.get("access_keys") or []:
        if key.get("active"):
            checked += 1
            is_stale, idle = _stale(key.get("last_used"), key.get("last_rotated"), now, params["max_days"])
            if is_stale:
                stale[f"access_key_{key['slot']}"] = idle
    if not checked:
        raise NotApplicable("no console password or active access key")
    if stale:
        names = ", ".join(f"{k} idle {v} days" for k, v in stale.items())
        return failed(f"unused credentials: {names}", idle_days=stale, max_days=params["max_days"],
                      **_source(resource))
    return passed(f"every credential used within {params['max_days']} days", max_days=params["max_days"],
                  **_source(resource))


def _admin_names(policies: list[dict[str, Any]]) -> list[str]:
    return [p["name"] for p in policies if grants_full_admin(p.get("document"))]


def _admin_via_groups(resource: Resource) -> tuple[list[dict[str, str]], dict[str, str]]:
    """({group, policy} pairs granting *:*, {group: reason} of groups that could not be read)."""
    admin: list[dict[str, str]] = []
    unread: dict[str, str] = {}
    groups = resource.get("groups")
    if groups is None:  # an inventory collected before group memberships were read
        raise Unreadable("groups", "group memberships were not collected; collect the inventory again")
    for group in groups:
        if "unreadable" in group:
            unread[group["name"]] = group["unreadable"]
            continue
        admin.extend({"group": group["name"], "policy": name} for name in _admin_names(group.get("policies") or []))
    return admin, unread


@check("aws.iam.user_no_admin_policy", resource_type="aws.iam.user", reads=("policies", "groups"))
def user_no_admin_policy(resource: Resource, params: dict[str, Any]) -> Outcome:
    """No policy of the user, attached directly (managed or inline) or through a group, allows *:* on *.

    One admin grant is enough to fail even when another part could not be read; a pass
    needs every part read.
    """
    unseen: list[Unreadable] = []
    direct: list[str] = []
    via_groups: list[dict[str, str]] = []
    unread_groups: dict[str, str] = {}
    try:
        direct = _admin_names(resource.get("policies") or [])
    except Unreadable as exc:
        unseen.append(exc)
    try:
        via_groups, unread_groups = _admin_via_groups(resource)
    except Unreadable as exc:
        unseen.append(exc)
    unseen.extend(Unreadable(f"groups.{name}", reason) for name, reason in sorted(unread_groups.items()))
    if direct or via_groups:
        parts = ([f"attached directly: {', '.join(direct)}"] if direct else []) + [
            f"via group {g['group']}: {g['policy']}" for g in via_groups]
        evidence: dict[str, Any] = {"admin_policies": direct, "admin_via_groups": via_groups}
        if unseen:
            evidence["unreadable"] = {exc.attribute: exc.reason for exc in unseen}
        return failed(f"full-admin policy {'; '.join(parts)}", **evidence)
    if unseen:
        raise unseen[0] if len(unseen) == 1 else Unreadable(
            ", ".join(exc.attribute for exc in unseen), "; ".join(f"{exc.attribute}: {exc.reason}" for exc in unseen))
    return passed("no policy attached directly or through a group grants *:*", admin_policies=[],
                  admin_via_groups=[])


@check("aws.iam.role_max_session_duration", resource_type="aws.iam.role",
       reads=("service_linked", "max_session_duration"),
       params={"max_seconds": {"type": "integer", "minimum": 900, "maximum": 43200, "default": 3600}})
def role_max_session_duration(resource: Resource, params: dict[str, Any]) -> Outcome:
    """A role's MaxSessionDuration is at most max_seconds (sessions end: automatic logoff)."""
    if resource.get("service_linked"):
        raise NotApplicable("service-linked role (managed by AWS)")
    value = resource.get("max_session_duration")
    if value <= params["max_seconds"]:
        return passed(f"MaxSessionDuration {value} s", max_session_duration=value)
    return failed(f"MaxSessionDuration {value} s, above {params['max_seconds']} s", max_session_duration=value)
