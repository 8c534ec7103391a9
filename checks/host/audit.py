"""Audit rule checks: the files auditd watches."""
from __future__ import annotations

from typing import Any

from hipaacheck.model import Location, Outcome, Resource, failed, passed
from hipaacheck.registry import check

ALIASES = (("/var/run/", "/run/"),)


def _norm(path: str) -> str:
    path = path.rstrip("/") or "/"
    for old, new in ALIASES:
        if path.startswith(old) or path + "/" == old:
            path = new + path[len(old):]
    return path.rstrip("/")


def _covers(watch: str, path: str) -> bool:
    watch, path = _norm(watch), _norm(path)
    return path == watch or path.startswith(watch + "/")


PERM_NAMES = {"r": "reads", "w": "writes", "x": "executions", "a": "attribute changes"}


@check("host.audit.watches", resource_type="host.audit_rules", params={
    "paths": {"type": "array", "items": {"type": "string", "pattern": "^/"}, "minItems": 1},
    "perms": {"type": "string", "pattern": "^[rwxa]+$", "default": "wa"},
}, required=["paths"])
def watches(resource: Resource, params: dict[str, Any]) -> list[Outcome]:
    """Each path is watched (directly or through a watched folder) for at least ``perms``."""
    rules = resource.get("watches") or []
    if not resource.get("present"):
        return [failed("no audit rules (neither /etc/audit/rules.d/*.rules nor /etc/audit/audit.rules)")]
    outcomes = []
    for path in params["paths"]:
        matching = [w for w in rules if _covers(w["target"], path)]
        perms = set("".join(w["perms"] for w in matching))
        missing = sorted(set(params["perms"]) - perms)
        if not missing:
            w = matching[0]
            outcomes.append(passed(f"{path} is watched (-p {''.join(sorted(perms))})", Location(w["path"], w["line"]),
                                   item=path, key=w.get("key")))
        else:
            names = ", ".join(PERM_NAMES[p] for p in missing)
            outcomes.append(failed(f"{path} is not watched for {names} (-p {''.join(missing)})", item=path,
                                   watched_perms="".join(sorted(perms))))
    return outcomes
