"""Local account checks: unique identities, root-only UID 0, no empty passwords, strong hashes."""
from __future__ import annotations

from collections import defaultdict
from typing import Any

from hipaacheck.model import Location, Outcome, Resource, failed, passed
from hipaacheck.registry import check

PASSWD, SHADOW, GROUP = "/etc/passwd", "/etc/shadow", "/etc/group"


def _users(resource: Resource) -> list[dict[str, Any]]:
    if not resource.get("present"):
        return []
    return resource.get("users") or []


def _missing(resource: Resource) -> Outcome | None:
    if not resource.get("present"):
        return failed("/etc/passwd is missing: no account can be shown unique")
    return None


def _duplicates(records: list[dict[str, Any]], key: str, what: str, path: str) -> list[Outcome]:
    groups: dict[Any, list[dict[str, Any]]] = defaultdict(list)
    for record in records:
        groups[record[key]].append(record)
    outcomes = [failed(f"{what} {value} is shared by {', '.join(r['name'] for r in same)}",
                       Location(path, same[1]["line"]), item=f"{key} {value}",
                       names=[r["name"] for r in same], **{key: value})
                for value, same in sorted(groups.items(), key=lambda kv: str(kv[0])) if len(same) > 1]
    return outcomes or [passed(f"every {what} in {path} is unique ({len(records)} entries)", count=len(records))]


@check("host.accounts.uid0_only_root", resource_type="host.accounts")
def uid0_only_root(resource: Resource, params: dict[str, Any]) -> list[Outcome]:
    """Only root has UID 0, so every superuser action traces to one account."""
    if (missing := _missing(resource)) is not None:
        return [missing]
    extra = [u for u in _users(resource) if u["uid"] == 0 and u["name"] != "root"]
    if extra:
        return [failed(f"{u['name']} has UID 0", Location(PASSWD, u["line"]), item=u["name"], uid=0) for u in extra]
    return [passed("only root has UID 0", uid0=[u["name"] for u in _users(resource) if u["uid"] == 0])]


@check("host.accounts.unique_uids", resource_type="host.accounts")
def unique_uids(resource: Resource, params: dict[str, Any]) -> list[Outcome]:
    """No two accounts share a UID."""
    return [missing] if (missing := _missing(resource)) else _duplicates(_users(resource), "uid", "UID", PASSWD)


@check("host.accounts.unique_names", resource_type="host.accounts")
def unique_names(resource: Resource, params: dict[str, Any]) -> list[Outcome]:
    """No user name (in /etc/passwd) or group name (in /etc/group) appears twice."""
    if (missing := _missing(resource)) is not None:
        return [missing]
    users = _duplicates(_users(resource), "name", "user name", PASSWD)
    groups = _duplicates(resource.get("groups") or [], "name", "group name", GROUP)
    return [o for o in users + groups if o.status == "fail"] or users + groups


@check("host.accounts.no_empty_passwords", resource_type="host.accounts")
def no_empty_passwords(resource: Resource, params: dict[str, Any]) -> list[Outcome]:
    """No account logs in with an empty password (in /etc/shadow or directly in /etc/passwd)."""
    if (missing := _missing(resource)) is not None:
        return [missing]
    shadow = resource.get("passwords")  # Unreadable if /etc/shadow could not be read
    bad = []
    for user in _users(resource):
        if user.get("passwd_field", {}).get("status") == "empty":
            bad.append(failed(f"{user['name']} has an empty password field in /etc/passwd",
                              Location(PASSWD, user["line"]), item=user["name"]))
        elif "passwd_field" not in user and shadow.get(user["name"], {}).get("status") == "empty":
            bad.append(failed(f"{user['name']} has an empty password in /etc/shadow",
                              Location(SHADOW, shadow[user["name"]]["line"]), item=user["name"]))
    return bad or [passed("no account has an empty password", accounts=len(_users(resource)))]


@check("host.accounts.password_hashes", resource_type="host.accounts", params={
    "allowed": {"type": "array", "items": {"type": "string"}, "minItems": 1, "default": ["sha512", "yescrypt"]},
})
def password_hashes(resource: Resource, params: dict[str, Any]) -> list[Outcome]:
    """Every stored password hash (locked ones too) uses an allowed algorithm."""
    if (missing := _missing(resource)) is not None:
        return [missing]
    shadow = resource.get("passwords")
    allowed = {a.lower() for a in params["allowed"]}
    bad = []
    for name, entry in sorted(shadow.items()):
        if entry["algorithm"] and entry["algorithm"] not in allowed:
            bad.append(failed(f"{name}'s password is hashed with {entry['algorithm']}", Location(SHADOW, entry["line"]),
                              item=name, algorithm=entry["algorithm"], allowed=params["allowed"]))
    for user in _users(resource):
        algorithm = user.get("passwd_field", {}).get("algorithm")
        if algorithm and algorithm not in allowed:
            bad.append(failed(f"{user['name']}'s password is hashed with {algorithm} in /etc/passwd",
                              Location(PASSWD, user["line"]), item=user["name"], algorithm=algorithm))
    used = sorted({e["algorithm"] for e in shadow.values() if e["algorithm"]})
    return bad or [passed(f"stored password hashes use {', '.join(used) or 'no algorithm (none stored)'}",
                          algorithms=used, allowed=params["allowed"])]
