"""Terminated workforce members hold no live account on any scanned target (164.308(a)(3)(ii)(C)).

Live: an IAM user with a console password or an active access key; a host account with ``authorized_keys``
entries, or with a usable password (hashed or empty), a login shell and no expiry passed. What the scan
could not read about an account is an ``error``, never a pass; accounts on kinds of target this scan did
not cover are named in the evidence.
"""
from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from hipaacheck.deadlines import day, deadline, roster_day
from hipaacheck.model import NotApplicable, Outcome, Resource, errored, passed
from hipaacheck.registry import check

NO_LOGIN_SHELLS = {"nologin", "false", "sync", "shutdown", "halt"}


def login_shell(shell: str | None) -> bool:
    """An empty shell field means /bin/sh."""
    return (shell or "").rstrip("/").rpartition("/")[2] not in NO_LOGIN_SHELLS


def _host(facts: dict[str, Any], unreadable: dict[str, str], today: date) -> tuple[list[str], list[str]]:
    live, unknown = [], []
    if "authorized_keys" in unreadable:
        unknown.append(f"authorized_keys: {unreadable['authorized_keys']}")
    elif facts.get("authorized_keys"):
        live.append(f"{facts['authorized_keys']} authorized_keys entries")
    expires = day(facts.get("expires"))
    if expires is not None and expires <= today:
        return live, unknown  # expired: no password login
    if not login_shell(facts.get("shell")):
        return live, unknown
    if "password" in unreadable:
        unknown.append(f"password: {unreadable['password']}")
    elif facts.get("password") in ("hashed", "empty"):
        live.append(f"{'an empty' if facts['password'] == 'empty' else 'a usable'} password and login shell "
                    f"{facts.get('shell') or '/bin/sh'}")
    return live, unknown


def _aws(facts: dict[str, Any], unreadable: dict[str, str]) -> tuple[list[str], list[str]]:
    live, unknown = [], []
    for fact, what in (("console_access", "a console password"), ("active_keys", "active access keys")):
        if fact in unreadable:
            unknown.append(f"{fact}: {unreadable[fact]}")
        elif facts.get(fact):
            live.append(what if fact == "console_access" else f"{facts[fact]} {what}")
    return live, unknown


def liveness(kind: str, found: dict[str, Any], today: date) -> tuple[list[str], list[str]]:
    """(why the account is live, what could not be read) for one account as found on one target."""
    facts, unreadable = found, found.get("unreadable") or {}
    return _aws(facts, unreadable) if kind == "aws" else _host(facts, unreadable, today)


@check("workforce.termination", resource_type="workforce.person",
       params={"grace_days": {"type": "integer", "minimum": 0, "maximum": 365, "default": 1,
                              "description": "days after termination by which every account must be removed"}},
       reads=("roster_file", "evaluated_on", "role", "termination_date", "accounts"))
def termination(resource: Resource, params: dict[str, Any]) -> Outcome:
    """A person terminated more than ``grace_days`` ago holds no live account on a scanned target."""
    today = roster_day(resource)
    terminated = day(resource.get("termination_date"))
    if terminated is None or terminated > today:
        raise NotApplicable("not terminated" if terminated is None else f"termination dated {terminated}, ahead")
    who = f"{resource.id} ({resource.get('role')})"
    live, unknown, unscanned, checked = [], [], [], []
    for entry in resource.get("accounts") or []:
        ref, kind = entry["ref"], entry["ref"].partition(":")[0]
        if not entry["scanned"]:
            unscanned.append(ref)
            continue
        checked.append(ref)
        for label, reason in (entry.get("unlisted") or {}).items():
            unknown.append(f"{ref} on {label}: accounts not listed ({reason})")
        for found in entry.get("found") or []:
            why, missing = liveness(kind, found, today)
            where = f"{ref} on {found['target']}"
            live += [f"{where} ({', '.join(why)})"] if why else []
            unknown += [f"{where}: {m}" for m in missing]
    evidence = {"role": resource.get("role"), "termination_date": str(terminated), "checked": checked,
                "not_scanned": unscanned}
    if live:
        return deadline(f"{who}: terminated on {terminated}; live accounts remain: {'; '.join(live)}; removal",
                        terminated + timedelta(days=params["grace_days"]), today, live_accounts=live, **evidence)
    if unknown:
        return errored(f"{who}: terminated on {terminated}; could not tell whether these accounts are live: "
                       f"{'; '.join(unknown)}", unknown=unknown, **evidence)
    if unscanned and not checked:
        raise NotApplicable(f"terminated on {terminated}; none of the roster's accounts for them is on a kind "
                            f"of target this scan covered ({', '.join(unscanned)})")
    elsewhere = f"; not scanned: {', '.join(unscanned)}" if unscanned else ""
    return passed(f"{who}: terminated on {terminated}; no live account on the scanned targets"
                  f" ({', '.join(checked) or 'the roster lists none'}){elsewhere}", **evidence)
