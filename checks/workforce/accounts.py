"""Every human account on a scanned target belongs to someone in the roster, and a person's accounts sit in
no group beyond what their role allows (164.312(a)(2)(i), 164.308(a)(4)(ii)(B), 164.308(a)(3)(ii)(A))."""
from __future__ import annotations

from fnmatch import fnmatchcase
from typing import Any, Iterator

from hipaacheck.deadlines import roster_day
from hipaacheck.model import NotApplicable, Outcome, Resource, errored, failed, passed
from hipaacheck.registry import check

NOBODY = 65534


def _human(kind: str, account: dict[str, Any], params: dict[str, Any]) -> bool:
    if kind != "host":
        return True  # an IAM user is a person unless the profile lists it as a service account
    uid = account.get("uid")
    return isinstance(uid, int) and params["host_uid_min"] <= uid <= params["host_uid_max"] and uid != NOBODY


@check("workforce.accounts_owned", resource_type="workforce.accounts",
       params={"service_accounts": {"type": "array", "items": {"type": "string", "pattern": "^(aws|host):\\S+$"},
                                    "default": [], "description": "KIND:NAME patterns (fnmatch) of accounts "
                                                                  "that belong to no person"},
               "host_uid_min": {"type": "integer", "minimum": 0, "default": 1000,
                                "description": "lowest UID of a human host account (login.defs UID_MIN)"},
               "host_uid_max": {"type": "integer", "minimum": 0, "default": 60000,
                                "description": "highest UID of a human host account (login.defs UID_MAX)"}},
       reads=("roster_file", "evaluated_on", "kind", "accounts"))
def accounts_owned(resource: Resource, params: dict[str, Any]) -> Iterator[Outcome]:
    """One failure per human account no roster entry lists; one pass when every one is owned."""
    roster_day(resource)
    kind = resource.get("kind")
    humans, exempt, unowned = 0, [], 0
    for account in resource.get("accounts") or []:
        ref = f"{kind}:{account['name']}"
        if not _human(kind, account, params):
            continue
        if any(fnmatchcase(ref, pattern) for pattern in params["service_accounts"]):
            exempt.append(ref)
            continue
        humans += 1
        if not account["owners"]:
            unowned += 1
            yield failed(f"{ref} on {resource.id.partition(':')[2]} belongs to no one in the workforce roster",
                         item=account["name"], account=ref, target=resource.id)
    if not unowned:
        yield passed(f"{resource.id}: each of its {humans} human accounts belongs to someone in the roster",
                     accounts_checked=humans, service_accounts=exempt)


def _allowed(group: str, kind: str, allowed: list[str]) -> bool:
    return group in allowed or f"{kind}:{group}" in allowed


@check("workforce.role_groups", resource_type="workforce.person",
       params={"role_groups": {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}},
                               "default": {}, "description": "role -> groups its accounts may be in (NAME for any "
                                                             "target, or aws:NAME / host:NAME)"}},
       reads=("roster_file", "evaluated_on", "role", "accounts"))
def role_groups(resource: Resource, params: dict[str, Any]) -> Outcome:
    """A person's accounts are in no IAM or host group beyond those their role allows."""
    roster_day(resource)
    if not params["role_groups"]:
        raise NotApplicable("the profile maps no role to groups (params.role_groups)")
    role = resource.get("role")
    allowed = params["role_groups"].get(role, [])
    who = f"{resource.id} ({role})"
    extra, unknown, checked = [], [], []
    for entry in resource.get("accounts") or []:
        kind = entry["ref"].partition(":")[0]
        for found in entry.get("found") or []:
            where = f"{entry['ref']} on {found['target']}"
            if "groups" in (found.get("unreadable") or {}):
                unknown.append(f"{where}: {found['unreadable']['groups']}")
                continue
            checked.append(where)
            extra += [f"{where} in {group}" for group in found.get("groups") or [] if not _allowed(group, kind, allowed)]
    evidence = {"role": role, "allowed_groups": allowed, "checked": checked}
    if extra:
        return failed(f"{who}: groups beyond the role's{'' if role in params['role_groups'] else ' (role not mapped)'}:"
                      f" {'; '.join(extra)}", beyond_role=extra, **evidence)
    if unknown:
        return errored(f"{who}: could not read the groups of {'; '.join(unknown)}", unknown=unknown, **evidence)
    if not checked:
        raise NotApplicable("none of their accounts is on a scanned target")
    return passed(f"{who}: every group of {', '.join(checked)} is allowed for the role", **evidence)
