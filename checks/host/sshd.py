"""sshd_config checks. Unset keywords take sshd's documented defaults (man sshd_config).

Settings under ``Match`` never satisfy a check (they apply to some
connections only), but a Match block that weakens a setting fails it.
"""
from __future__ import annotations

import fnmatch
from typing import Any, Iterable

from hipaacheck.model import Location, NotApplicable, Outcome, Resource, failed, passed
from hipaacheck.registry import check

# OpenSSH 9.x compiled-in defaults, used when a keyword is not set anywhere.
DEFAULT_ALGORITHMS = {
    "ciphers": "chacha20-poly1305@openssh.com,aes128-ctr,aes192-ctr,aes256-ctr,aes128-gcm@openssh.com,"
               "aes256-gcm@openssh.com",
    "macs": "umac-64-etm@openssh.com,umac-128-etm@openssh.com,hmac-sha2-256-etm@openssh.com,"
            "hmac-sha2-512-etm@openssh.com,hmac-sha1-etm@openssh.com,umac-64@openssh.com,umac-128@openssh.com,"
            "hmac-sha2-256,hmac-sha2-512,hmac-sha1",
    "kexalgorithms": "sntrup761x25519-sha512@openssh.com,curve25519-sha256,curve25519-sha256@libssh.org,"
                     "ecdh-sha2-nistp256,ecdh-sha2-nistp384,ecdh-sha2-nistp521,"
                     "diffie-hellman-group-exchange-sha256,diffie-hellman-group16-sha512,"
                     "diffie-hellman-group18-sha512,diffie-hellman-group14-sha256",
}
PASSWORD_METHODS = {"password", "keyboard-interactive"}
_SCHEMA_KEYWORD = {"type": "string", "pattern": "^[a-z0-9]+$"}


def settings(resource: Resource) -> dict[str, Any]:
    """Global settings; NotApplicable when sshd is neither configured nor installed."""
    if not resource.get("present") and not resource.get("installed"):
        raise NotApplicable("sshd is not installed (no sshd_config, no sshd binary)")
    return resource.get("settings") or {}


def where(resource: Resource, keyword: str) -> Location | None:
    loc = (resource.get("locations") or {}).get(keyword)
    return Location(loc["path"], loc["line"]) if loc else None


def match_overrides(resource: Resource, keyword: str) -> Iterable[tuple[dict[str, Any], Any]]:
    for block in resource.get("match_blocks") or []:
        if keyword in block["settings"]:
            yield block, block["settings"][keyword]


def _value_and_source(resource: Resource, keyword: str, default: Any) -> tuple[Any, str]:
    values = settings(resource)
    if keyword in values:
        return values[keyword], "set"
    return default, "default" if resource.get("present") else "default (no sshd_config)"


def _with_matches(resource: Resource, keyword: str, ok: Any, main: Outcome) -> list[Outcome]:
    outcomes = [main]
    for block, value in match_overrides(resource, keyword):
        if not ok(value):
            outcomes.append(failed(f"Match {block['criteria']} sets {keyword} {value}", Location(block["path"],
                                   block["line"]), item=f"Match {block['criteria']}", value=value))
    return outcomes


@check("host.sshd.option_in", resource_type="host.sshd", params={
    "keyword": _SCHEMA_KEYWORD,
    "allowed": {"type": "array", "items": {"type": "string"}, "minItems": 1},
    "default": {"type": "string", "description": "sshd's value when the keyword is unset"},
}, required=["keyword", "allowed", "default"])
def option_in(resource: Resource, params: dict[str, Any]) -> list[Outcome]:
    """A keyword's global value is one of ``allowed`` (and no Match block sets another)."""
    keyword, allowed = params["keyword"], [a.lower() for a in params["allowed"]]
    value, source = _value_and_source(resource, keyword, params["default"])
    evidence = {keyword: value, "source": source, "allowed": allowed}
    if str(value).lower() in allowed:
        main = passed(f"{keyword} is {value} ({source})", where(resource, keyword), **evidence)
    else:
        main = failed(f"{keyword} is {value} ({source}); expected {' or '.join(allowed)}",
                      where(resource, keyword), **evidence)
    return _with_matches(resource, keyword, lambda v: str(v).lower() in allowed, main)


@check("host.sshd.option_max", resource_type="host.sshd", params={
    "keyword": _SCHEMA_KEYWORD,
    "max": {"type": "integer", "minimum": 1},
    "default": {"type": "integer", "description": "sshd's value when the keyword is unset"},
}, required=["keyword", "max", "default"])
def option_max(resource: Resource, params: dict[str, Any]) -> list[Outcome]:
    """A numeric keyword is between 1 and ``max``."""
    keyword, limit = params["keyword"], params["max"]
    value, source = _value_and_source(resource, keyword, params["default"])
    ok = lambda v: isinstance(v, int) and 0 < v <= limit  # noqa: E731
    evidence = {keyword: value, "source": source, "max": limit}
    main = (passed(f"{keyword} is {value} ({source})", where(resource, keyword), **evidence) if ok(value) else
            failed(f"{keyword} is {value} ({source}); expected 1..{limit}", where(resource, keyword), **evidence))
    return _with_matches(resource, keyword, ok, main)


@check("host.sshd.idle_timeout", resource_type="host.sshd", params={
    "max_seconds": {"type": "integer", "minimum": 1, "default": 900},
})
def idle_timeout(resource: Resource, params: dict[str, Any]) -> list[Outcome]:
    """ClientAliveInterval × ClientAliveCountMax drops idle sessions within ``max_seconds``."""
    interval, isrc = _value_and_source(resource, "clientaliveinterval", 0)
    count, csrc = _value_and_source(resource, "clientalivecountmax", 3)
    evidence = {"client_alive_interval": interval, "client_alive_count_max": count,
                "interval_source": isrc, "count_max_source": csrc, "max_seconds": params["max_seconds"]}
    loc = where(resource, "clientaliveinterval") or where(resource, "clientalivecountmax")
    if interval <= 0 or count <= 0:
        main = failed(f"idle SSH sessions are never dropped (ClientAliveInterval {interval}, "
                      f"ClientAliveCountMax {count})", loc, **evidence)
    elif interval * count > params["max_seconds"]:
        main = failed(f"idle SSH sessions are dropped after {interval * count}s, above {params['max_seconds']}s",
                      loc, **evidence)
    else:
        main = passed(f"idle SSH sessions are dropped after {interval * count}s", loc, **evidence)
    return _with_matches(resource, "clientaliveinterval", lambda v: 0 < v <= params["max_seconds"], main)


def _method_lists(value: str) -> list[list[str]]:
    return [[m.split(":")[0] for m in group.split(",")] for group in value.split()]


def _password_enabled(values: dict[str, Any]) -> list[str]:
    enabled = []
    if values.get("passwordauthentication", "yes") == "yes":
        enabled.append("password")
    kbd = values.get("kbdinteractiveauthentication", values.get("challengeresponseauthentication", "yes"))
    if kbd == "yes" and values.get("usepam", "no") == "yes":
        enabled.append("keyboard-interactive")
    return enabled


def _views(resource: Resource) -> Iterable[tuple[dict[str, Any] | None, dict[str, Any]]]:
    """The global settings, then each Match block's settings laid over them (what a matching login gets)."""
    values = settings(resource)
    yield None, values
    for block in resource.get("match_blocks") or []:
        yield block, {**values, **block["settings"]}


def _block_outcome(block: dict[str, Any], message: str, **evidence: Any) -> Outcome:
    return failed(f"Match {block['criteria']}: {message}", Location(block["path"], block["line"]),
                  item=f"Match {block['criteria']}", **evidence)


def _password_alone(values: dict[str, Any]) -> tuple[bool, str, dict[str, Any]]:
    """(ok, message, evidence): can a password alone log in with these settings?"""
    methods = values.get("authenticationmethods", "any")
    if methods != "any":
        alone = [group for group in _method_lists(methods) if set(group) <= PASSWORD_METHODS]
        if alone:
            return False, (f"AuthenticationMethods allows a password alone: "
                           f"{' '.join(','.join(g) for g in alone)}"), {"authentication_methods": methods}
        return True, f"AuthenticationMethods {methods} never accepts a password alone", \
            {"authentication_methods": methods}
    enabled = _password_enabled(values)
    if enabled:
        return False, f"a password alone logs in ({', '.join(enabled)} enabled, no AuthenticationMethods)", \
            {"password_methods": enabled}
    return True, "password and keyboard-interactive authentication are off", {"password_methods": []}


@check("host.sshd.no_password_only", resource_type="host.sshd")
def no_password_only(resource: Resource, params: dict[str, Any]) -> list[Outcome]:
    """No login succeeds on a password alone: passwords are off, or AuthenticationMethods pairs them.

    Each Match block is judged on the global settings with its own laid over them.
    """
    outcomes = []
    for block, values in _views(resource):
        ok, message, evidence = _password_alone(values)
        if block is not None:
            if not ok:
                outcomes.append(_block_outcome(block, message, **evidence))
            continue
        keyword = "authenticationmethods" if "authentication_methods" in evidence else None
        loc = (where(resource, keyword) if keyword else
               where(resource, "passwordauthentication") or where(resource, "kbdinteractiveauthentication"))
        outcomes.append((passed if ok else failed)(message, loc, **evidence))
    return outcomes


def _two_factors(values: dict[str, Any], stack: list[dict[str, Any]], modules: list[str]
                 ) -> tuple[bool, str, dict[str, Any], Location | None]:
    """(ok, message, evidence, PAM location): does every login with these settings need two factors?"""
    methods = values.get("authenticationmethods", "any")
    if methods != "any" and all(len(set(group)) >= 2 for group in _method_lists(methods)):
        return True, f"AuthenticationMethods {methods} requires two methods", {"authentication_methods": methods}, None
    mfa = [e for e in stack if e["module"] in modules and e["control"] in ("required", "requisite")]
    kbd_only = methods != "any" and all(set(g) == {"keyboard-interactive"} for g in _method_lists(methods))
    enabled = _password_enabled(values)
    kbd_via_pam = "keyboard-interactive" in enabled and "password" not in enabled
    if mfa and (kbd_only or (kbd_via_pam and values.get("pubkeyauthentication", "yes") == "no")):
        entry = mfa[0]
        return True, f"sshd logins go through PAM, which requires {entry['module']}", \
            {"pam_module": entry["module"]}, Location(entry["path"], entry["line"])
    return False, ("no second factor: AuthenticationMethods does not require two methods and no PAM "
                   "second-factor module guards every login"), \
        {"authentication_methods": methods, "pam_second_factor": [e["module"] for e in mfa]}, None


@check("host.sshd.second_factor", resource_type="host.sshd", params={
    "pam_modules": {"type": "array", "items": {"type": "string"}, "minItems": 1,
                    "default": ["pam_u2f.so", "pam_google_authenticator.so", "pam_duo.so", "pam_oath.so",
                                "pam_yubico.so", "pam_radius_auth.so"]},
})
def second_factor(resource: Resource, params: dict[str, Any]) -> list[Outcome]:
    """Every SSH login needs two factors: AuthenticationMethods with two methods per list,
    or keyboard-interactive through a PAM stack holding a one-time-password/U2F module.
    A Match block that drops the second factor for some logins fails."""
    outcomes = []
    for block, values in _views(resource):
        stack = resource.get("pam_auth") or []
        ok, message, evidence, pam_loc = _two_factors(values, stack, params["pam_modules"])
        if block is not None:
            if not ok:
                outcomes.append(_block_outcome(block, message, **evidence))
            continue
        outcomes.append((passed if ok else failed)(message, pam_loc or where(resource, "authenticationmethods"),
                                                   **evidence))
    return outcomes


@check("host.sshd.algorithms", resource_type="host.sshd", params={
    "keyword": {"enum": ["ciphers", "macs", "kexalgorithms"]},
    "weak": {"type": "array", "items": {"type": "string"}, "minItems": 1,
             "default": ["*-cbc", "arcfour*", "*md5*", "*sha1*", "3des*", "umac-64*"]},
}, required=["keyword"])
def algorithms(resource: Resource, params: dict[str, Any]) -> Outcome:
    """The effective algorithm list (``+``/``-``/``^`` applied to sshd's default) has nothing weak."""
    keyword = params["keyword"]
    default = DEFAULT_ALGORITHMS[keyword].split(",")
    raw, source = _value_and_source(resource, keyword, ",".join(default))
    if raw.startswith("+"):
        effective = default + raw[1:].split(",")
    elif raw.startswith("^"):
        effective = raw[1:].split(",") + default
    elif raw.startswith("-"):
        effective = [a for a in default if not any(fnmatch.fnmatch(a, p) for p in raw[1:].split(","))]
    else:
        effective = raw.split(",")
    weak = [a for a in effective if any(fnmatch.fnmatch(a.lower(), p) for p in params["weak"])]
    evidence = {"effective": effective, "weak": weak, "source": source}
    if weak:
        return failed(f"{keyword} allows weak algorithms: {', '.join(weak)} ({source})", where(resource, keyword),
                      **evidence)
    return passed(f"{keyword} has no weak algorithm ({source})", where(resource, keyword), **evidence)
