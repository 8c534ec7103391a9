"""The accounts a scan found, in the form the roster joins with: one :class:`ScannedAccount` per IAM user
or host user, carrying the facts that decide whether it is live, who it may belong to and its groups.

Facts are copied, never judged here (the checks judge, against the evaluation date): an attribute the main
source could not read is carried as unreadable with its reason, so no check can pass on it.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterator

from ...inventory import Inventory
from ...model import Resource

KINDS = {"aws.iam.user": "aws", "host.accounts": "host"}


@dataclass
class ScannedAccount:
    kind: str  # "aws" | "host"
    name: str
    target: str  # AWS account id or host name
    facts: dict[str, Any] = field(default_factory=dict)
    unreadable: dict[str, str] = field(default_factory=dict)  # fact -> why the source could not read it

    @property
    def ref(self) -> str:
        return f"{self.kind}:{self.name}"

    def to_dict(self) -> dict[str, Any]:
        data = {"target": self.target, **self.facts}
        if self.unreadable:
            data["unreadable"] = dict(self.unreadable)
        return data


@dataclass
class ScannedTargets:
    """What the main inventory shows: accounts per target, and per kind whether it was scanned at all."""

    accounts: list[ScannedAccount] = field(default_factory=list)
    targets: dict[str, str] = field(default_factory=dict)  # "aws:ACCOUNT" / "host:NAME" -> kind
    problems: dict[str, str] = field(default_factory=dict)  # such a target -> why its accounts are unknown

    def add(self, other: "ScannedTargets") -> None:
        """Take in what another target's inventory shows."""
        self.accounts.extend(other.accounts)
        self.targets.update(other.targets)
        self.problems.update(other.problems)

    def scanned(self, kind: str) -> bool:
        return any(label.startswith(f"{kind}:") for label in (*self.targets, *self.problems))


def _label(kind: str, inventory: Inventory) -> str:
    return f"{kind}:{inventory.metadata.get('account' if kind == 'aws' else 'host') or kind}"


def _unreadable(resource: Resource, names: dict[str, str]) -> dict[str, str]:
    """fact -> reason, for each source attribute (``names``: attribute -> fact) the source could not read."""
    whole = resource.unreadable.get("*")
    return {fact: whole or resource.unreadable[attribute] for attribute, fact in names.items()
            if whole or attribute in resource.unreadable}


def _aws(resource: Resource, target: str) -> ScannedAccount:
    attrs = resource.attributes
    account = ScannedAccount("aws", str(attrs.get("name") or resource.id.rpartition("/")[2]), target,
                             unreadable=_unreadable(resource, {"console_access": "console_access",
                                                               "access_keys": "active_keys", "groups": "groups"}))
    if "console_access" not in account.unreadable:
        account.facts["console_access"] = bool(attrs.get("console_access"))
    if "active_keys" not in account.unreadable:
        account.facts["active_keys"] = sum(1 for key in attrs.get("access_keys") or () if key.get("active"))
    if "groups" not in account.unreadable:
        account.facts["groups"] = sorted(str(g.get("name")) for g in attrs.get("groups") or ())
    return account


def _host_groups(user: dict[str, Any], groups: list[dict[str, Any]]) -> list[str]:
    """Supplementary groups, and the primary group unless it is the user's own (same-name) group."""
    names = {g["name"] for g in groups if user["name"] in (g.get("members") or ())}
    names |= {g["name"] for g in groups if g.get("gid") == user.get("gid") and g["name"] != user["name"]}
    return sorted(names)


def _host(resource: Resource, target: str) -> Iterator[ScannedAccount]:
    attrs = resource.attributes
    missing = _unreadable(resource, {"passwords": "password", "groups": "groups", "authorized_keys": "authorized_keys"})
    passwords, keys = attrs.get("passwords") or {}, attrs.get("authorized_keys") or {}
    for user in attrs.get("users") or ():
        account = ScannedAccount("host", user["name"], target, {"uid": user.get("uid"), "shell": user.get("shell")},
                                 dict(missing))
        shadow = passwords.get(user["name"])
        if "passwd_field" in user:  # a hash right in /etc/passwd is what login checks
            account.facts["password"] = user["passwd_field"]["status"]
            account.unreadable.pop("password", None)
        elif "password" not in account.unreadable:
            account.facts["password"] = shadow["status"] if shadow else "none"
        if shadow and shadow.get("expires"):
            account.facts["expires"] = shadow["expires"]
        if "groups" not in account.unreadable:
            account.facts["groups"] = _host_groups(user, attrs.get("groups") or [])
        key_file = keys.get(user["name"]) or {}
        if "unreadable" in key_file:
            account.unreadable["authorized_keys"] = key_file["unreadable"]
        elif "authorized_keys" not in account.unreadable:
            account.facts["authorized_keys"] = int(key_file.get("entries") or 0)
        yield account


def scanned_targets(inventory: Inventory) -> ScannedTargets:
    """The IAM users and host accounts in ``inventory`` (the main source's), by target."""
    found = ScannedTargets()
    for error in inventory.errors:
        kind = KINDS.get(error.resource_type)
        if kind:
            found.problems[_label(kind, inventory)] = " ".join(p for p in (error.operation, error.code, error.message) if p)
    for resource in inventory.resources:
        kind = KINDS.get(resource.type)
        if kind == "aws":
            target = str(resource.account or inventory.metadata.get("account") or "aws")
            found.targets[f"aws:{target}"] = "aws"
            found.accounts.append(_aws(resource, target))
        elif kind == "host":
            target = str(inventory.metadata.get("host") or resource.id)
            if "*" in resource.unreadable or "users" in resource.unreadable:
                found.problems[f"host:{target}"] = resource.unreadable.get("*") or resource.unreadable["users"]
                continue
            found.targets[f"host:{target}"] = "host"
            found.accounts.extend(_host(resource, target))
    for rtype, kind in KINDS.items():  # collected, nothing found: an account with no IAM users is still scanned
        if rtype in inventory.resource_types and not found.scanned(kind):
            found.targets[_label(kind, inventory)] = kind
    return found
