"""PAM checks: lockout module in the login stacks, no ``nullok``; faillock and pwquality values."""
from __future__ import annotations

from typing import Any

from hipaacheck.model import Location, NotApplicable, Outcome, Resource, failed, passed
from hipaacheck.registry import check

AUTH_STACKS = ["system-auth", "password-auth", "common-auth"]
# Debian splits a login stack by group: common-auth holds the auth lines, common-account the account lines.
ACCOUNT_STACKS = {"common-auth": "common-account"}
FAILLOCK_MODES = ("preauth", "authfail", "authsucc")


def faillock_gaps(lines: list[dict[str, Any]]) -> list[str]:
    """What one stack's pam_faillock lines (``type`` and bare-word ``flags``) lack for a failed login to be
    counted and a locked account refused, as pam_faillock(8) documents; empty when nothing is missing.

    ``authfail`` records a failure; ``preauth`` (or ``authsucc``) refuses an account whose count reached
    ``deny``; the account line (or ``authsucc``) resets the count after a success. A line's mode is its
    last mode word, as pam_faillock parses it.
    """
    modes = {mode for line in lines if line["type"] == "auth"
             for mode in [next((f for f in reversed(line["flags"]) if f in FAILLOCK_MODES), None)] if mode}
    account = any(line["type"] == "account" for line in lines)
    gaps = []
    if "authfail" not in modes:
        gaps.append("no auth line with authfail records a failure")
    if not modes & {"preauth", "authsucc"}:
        gaps.append("no auth line with preauth or authsucc refuses a locked account")
    if not account and "authsucc" not in modes:
        gaps.append("no account line (or authsucc) resets the count after a success")
    return gaps


def _exists(resource: Resource, service: str) -> bool:
    return service in resource.get("services") or f"services.{service}" in resource.unreadable


def _existing(resource: Resource, services: list[str]) -> list[str] | Outcome:
    """Those of ``services`` that exist (readable or not), or the failure when /etc/pam.d or all of them are missing."""
    if not resource.get("present"):
        return failed("/etc/pam.d is missing: no PAM stack to check")
    present = [s for s in services if _exists(resource, s)]
    return present or failed(f"none of the PAM stacks {', '.join(services)} exists", services=services)


def _stack(resource: Resource, service: str) -> list[dict[str, Any]]:
    resource.get(f"services.{service}")  # raises Unreadable if that stack could not be read
    return resource.get("services")[service]


@check("host.pam.module_in_stacks", resource_type="host.pam", params={
    "module": {"type": "string", "pattern": r"^pam_\w+\.so$"},
    "type": {"enum": ["auth", "account", "password", "session"], "default": "auth"},
    "services": {"type": "array", "items": {"type": "string"}, "minItems": 1, "default": AUTH_STACKS},
}, required=["module"])
def module_in_stacks(resource: Resource, params: dict[str, Any]) -> list[Outcome]:
    """Each of ``services`` that exists runs ``module`` in its ``type`` stack (at least one must exist)."""
    present = _existing(resource, params["services"])
    if isinstance(present, Outcome):
        return [present]
    outcomes = []
    for service in present:
        lines = [e for e in _stack(resource, service) if e["type"] == params["type"] and e["module"] == params["module"]]
        path = f"/etc/pam.d/{service}"
        if lines:
            outcomes.append(passed(f"{service} runs {params['module']} ({len(lines)} {params['type']} lines)",
                                   Location(lines[0]["path"], lines[0]["line"]), item=service))
        else:
            outcomes.append(failed(f"{service} does not run {params['module']} in its {params['type']} stack",
                                   Location(path), item=service))
    return outcomes


@check("host.pam.faillock_counts", resource_type="host.pam", params={
    "services": {"type": "array", "items": {"type": "string"}, "minItems": 1, "default": AUTH_STACKS},
    "account_stacks": {"type": "object", "additionalProperties": {"type": "string"}, "default": ACCOUNT_STACKS,
                       "description": "auth stack -> the stack holding its account lines, when not itself"},
})
def faillock_counts(resource: Resource, params: dict[str, Any]) -> list[Outcome]:
    """Each of ``services`` that exists runs pam_faillock so that failures are counted and lock the
    account: preauth and authfail auth lines and an account line (or the authsucc form)."""
    present = _existing(resource, params["services"])
    if isinstance(present, Outcome):
        return [present]
    outcomes = []
    for service in present:
        account_service = params["account_stacks"].get(service, service)
        account = _stack(resource, account_service) if _exists(resource, account_service) else []
        entries = ([e for e in _stack(resource, service) if e["type"] == "auth"]
                   + [e for e in account if e["type"] == "account"])
        lines = [{"type": e["type"], "flags": [a for a in e["args"] if "=" not in a], "path": e["path"],
                  "line": e["line"]} for e in entries if e["module"] == "pam_faillock.so"]
        gaps = faillock_gaps(lines)
        where = Location(lines[0]["path"], lines[0]["line"]) if lines else Location(f"/etc/pam.d/{service}")
        stacks = service if account_service == service else f"{service} and {account_service}"
        if gaps:
            outcomes.append(failed(f"pam_faillock in {stacks} counts no failure: {'; '.join(gaps)}", where,
                                   item=service, missing=gaps, lines=[f"{x['path']}:{x['line']}" for x in lines]))
        else:
            verb = "counts" if account_service == service else "count"
            outcomes.append(passed(f"{stacks} {verb} failures with pam_faillock ({len(lines)} lines)", where,
                                   item=service, lines=[f"{x['path']}:{x['line']}" for x in lines]))
    return outcomes


@check("host.pam.no_nullok", resource_type="host.pam")
def no_nullok(resource: Resource, params: dict[str, Any]) -> list[Outcome]:
    """No pam_unix line accepts an empty password (``nullok``) in any service."""
    if not resource.get("present"):
        raise NotApplicable("/etc/pam.d is missing")
    for key in resource.unreadable:
        if key.startswith("services."):
            resource.get(key)  # an unreadable stack might hold nullok: error, not pass
    seen: dict[tuple[str, int], dict[str, Any]] = {}
    for stack in resource.get("services").values():
        for entry in stack:
            # nullok_secure (older Debian) also accepts empty passwords, from the ttys in /etc/securetty.
            if entry["module"] == "pam_unix.so" and any(a.startswith("nullok") for a in entry["args"]):
                seen.setdefault((entry["path"], entry["line"]), entry)
    if seen:
        return [failed(f"pam_unix.so accepts empty passwords (nullok) in {path}:{line}", Location(path, line),
                       item=f"{path}:{line}") for (path, line) in sorted(seen)]
    return [passed("no pam_unix.so line has nullok", services=len(resource.get("services")))]


def _effective(resource: Resource, line: dict[str, Any], key: str, default: int) -> tuple[int, str, Location | None]:
    """The value one PAM line runs with: its own argument, else the config file's, else the module default."""
    if key in line.get("args", {}):
        return line["args"][key], "PAM argument", Location(line["path"], line["line"])
    settings = resource.get("settings") or {}
    loc = (resource.get("locations") or {}).get(key)
    if key in settings:
        return settings[key], "set", Location(loc["path"], loc["line"]) if loc else None
    return default, "module default", None


def _bounded(resource: Resource, module: str, pam_type: str, key: str, default: int, ok: Any, expected: str
             ) -> list[Outcome]:
    """Every ``pam_type`` line running ``module`` has an acceptable ``key``: one pass, or a fail per weak value."""
    lines = [line for line in resource.get("pam_lines") if line["type"] == pam_type]
    if not lines:
        return [failed(f"{module} is in no PAM stack, so its {key} has no effect", key=key)]
    verdicts: dict[tuple[Any, ...], Outcome] = {}
    for line in lines:
        value, source, loc = _effective(resource, line, key, default)
        evidence: dict[str, Any] = {key: value, "source": source, "expected": expected}
        identity = (value, source, loc.path if loc else None, loc.line if loc else None)
        if identity not in verdicts:
            verdicts[identity] = (passed(f"{key} is {value} ({source})", loc, **evidence) if ok(value) else
                                  failed(f"{key} is {value} ({source}); expected {expected}", loc,
                                         item=f"{loc.path}:{loc.line}" if loc else source, **evidence))
    bad = [o for o in verdicts.values() if o.status == "fail"]
    return bad or [next(iter(verdicts.values()))]


def _faillock_bounded(resource: Resource, key: str, default: int, ok: Any, expected: str) -> list[Outcome]:
    """:func:`_bounded` over pam_faillock's auth lines, once some service's stack counts failures at all:
    a ``deny`` that no recorded failure ever reaches locks nothing."""
    lines = resource.get("pam_lines")
    by_service: dict[str, list[dict[str, Any]]] = {}
    for line in lines:
        for service in line["services"]:
            by_service.setdefault(service, []).append(line)
    gaps = {service: faillock_gaps(stack) for service, stack in sorted(by_service.items())}
    if lines and all(gaps.values()):
        return [failed(f"pam_faillock counts no failure in any PAM stack, so its {key} locks nothing: "
                       + "; ".join(sorted({g for found in gaps.values() for g in found})), key=key, missing=gaps)]
    return _bounded(resource, "pam_faillock.so", "auth", key, default, ok, expected)


@check("host.faillock.deny", resource_type="host.faillock", params={
    "max_deny": {"type": "integer", "minimum": 1, "default": 5},
})
def faillock_deny(resource: Resource, params: dict[str, Any]) -> list[Outcome]:
    """pam_faillock locks an account after at most ``max_deny`` failures (module default 3)."""
    limit = params["max_deny"]
    return _faillock_bounded(resource, "deny", 3, lambda v: 0 < v <= limit, f"1..{limit}")


@check("host.faillock.unlock_time", resource_type="host.faillock", params={
    "min_unlock_time": {"type": "integer", "minimum": 1, "default": 900},
})
def faillock_unlock_time(resource: Resource, params: dict[str, Any]) -> list[Outcome]:
    """A locked account stays locked ``min_unlock_time`` seconds or until an admin unlocks it (0)."""
    low = params["min_unlock_time"]
    return _faillock_bounded(resource, "unlock_time", 600, lambda v: v == 0 or v >= low,
                             f"0 (admin unlock) or >= {low}")


@check("host.pwquality.minimum", resource_type="host.pwquality", params={
    "setting": {"enum": ["minlen", "minclass", "difok", "dictcheck"]},
    "min": {"type": "integer", "minimum": 0},
    "default": {"type": "integer", "description": "libpwquality's built-in value"},
}, required=["setting", "min", "default"])
def pwquality_minimum(resource: Resource, params: dict[str, Any]) -> list[Outcome]:
    """A pwquality setting (config file, or pam_pwquality argument) is at least ``min``."""
    low = params["min"]
    return _bounded(resource, "pam_pwquality.so", "password", params["setting"], params["default"],
                    lambda v: v >= low, f">= {low}")
