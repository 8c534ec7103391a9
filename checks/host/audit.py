"""Audit rule checks: the files auditd watches."""
from __future__ import annotations

from typing import Any

from hipaacheck.model import Location, Outcome, Resource, Unreadable, failed, passed
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
# Fields that narrow a never rule only by what is touched; a rule with any other field (auid, exe, uid...)
# exempts some users or programs only, and is not counted as suppressing a watch.
WHAT_FIELDS = {"arch", "path", "dir", "perm", "key"}


def _suppressor(rules: list[dict[str, Any]], watch: dict[str, Any], path: str, perms: str) -> dict[str, Any] | None:
    """The first ``-a never,exit`` rule ahead of ``watch`` in the exit list that drops records of ``path``
    (wholly, or for the syscalls it names): the kernel stops at the first matching rule."""
    for rule in rules:
        if set((rule.get("action") or "").split(",")) != {"never", "exit"} or rule["position"] >= watch["position"]:
            continue
        fields = rule["fields"]
        target = fields.get("path") or fields.get("dir")
        if set(fields) - WHAT_FIELDS or (target and not _covers(target, path)):
            continue
        if "perm" in fields and not set(fields["perm"]) & set(perms):
            continue
        return rule
    return None


def _paths(resource: Resource, params: dict[str, Any]) -> list[str]:
    """``paths``, then the paths the resource names under each of ``paths_from`` (pam_faillock's folders), once each."""
    found: list[str] = []
    for name in params["paths_from"]:
        value = resource.get(name)
        if value is None:  # an inventory collected before the attribute existed: unknown, not "no path"
            raise Unreadable(name, "not in this inventory (collected by an older hipaacheck)")
        found.extend(value if isinstance(value, list) else [value])
    return list(dict.fromkeys([*params["paths"], *found]))


@check("host.audit.watches", resource_type="host.audit_rules", params={
    "paths": {"type": "array", "items": {"type": "string", "pattern": "^/"}, "default": []},
    "paths_from": {"type": "array", "items": {"enum": ["faillock_dir", "faillock_dirs"]}, "default": [],
                   "description": "attributes naming further paths to watch (faillock_dir: faillock.conf dir=; "
                                  "faillock_dirs: also each PAM line's dir=)"},
    "perms": {"type": "string", "pattern": "^[rwxa]+$", "default": "wa"},
})
def watches(resource: Resource, params: dict[str, Any]) -> list[Outcome]:
    """Each path is watched (directly or through a watched folder) for at least ``perms``, by a watch no
    earlier ``-a never,exit`` rule suppresses; the evidence says which rules load and what says so."""
    loaded = resource.attributes.get("loaded_from")  # absent from inventories older than the unit reading
    if not resource.get("present"):
        return [failed(f"no audit rules load: {loaded or 'neither /etc/audit/rules.d/*.rules nor /etc/audit/audit.rules'}",
                       rules=loaded)]
    rules = resource.get("watches") or []
    syscall_rules = resource.get("syscall_rules") or []
    outcomes = []
    for path in _paths(resource, params):
        matching = [w for w in rules if _covers(w["target"], path)]
        suppressed = {id(w): s for w in matching for s in [_suppressor(syscall_rules, w, path, params["perms"])] if s}
        effective = [w for w in matching if id(w) not in suppressed]
        perms = set("".join(w["perms"] for w in effective))
        missing = sorted(set(params["perms"]) - perms)
        if not missing:
            w = effective[0]
            outcomes.append(passed(f"{path} is watched (-p {''.join(sorted(perms))})", Location(w["path"], w["line"]),
                                   item=path, key=w.get("key"), rules=loaded))
            continue
        names = ", ".join(PERM_NAMES[p] for p in missing)
        evidence: dict[str, Any] = {"watched_perms": "".join(sorted(perms)), "rules": loaded}
        message = f"{path} is not watched for {names} (-p {''.join(missing)})"
        if suppressed:
            rule = next(iter(suppressed.values()))
            message += f": an earlier -a never,exit rule ({rule['path']}:{rule['line']}) suppresses its watch"
            evidence["suppressed_by"] = f"{rule['path']}:{rule['line']}"
        outcomes.append(failed(message, item=path, **evidence))
    return outcomes
