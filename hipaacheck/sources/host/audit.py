"""auditd: /etc/audit/auditd.conf and the audit rules auditd loads at boot.

augenrules compiles /etc/audit/rules.d/*.rules (sorted) into audit.rules; when
rules.d holds rules they are what loads (with augenrules' reordering of ``-D``
and ``-e``), otherwise audit.rules is read as is. Rules deleted by a later
``-D``/``-W``/``-d``, or written after ``-e 2``, are not counted.
File watches written as ``-w`` or as ``-a ... -F path=`` are normalised alike.
"""
from __future__ import annotations

import shlex
from typing import Any

from ...model import Resource
from .registry import host_collector
from .files import FileRead, HostContext
from .parsing import files_resource, parse_conf_settings, parse_int, values_and_locations

CONF = "/etc/audit/auditd.conf"
RULES_D = "/etc/audit/rules.d/*.rules"
AUDIT_RULES = "/etc/audit/audit.rules"
CONF_INTEGERS = {"max_log_file", "num_logs", "space_left", "admin_space_left"}
WITH_VALUE = {"-w", "-W", "-p", "-k", "-a", "-A", "-d", "-S", "-F", "-C", "-e", "-f", "-b", "-r",
              "--backlog_wait_time"}


def _rule(tokens: list[str], where: str) -> dict[str, Any]:
    rule: dict[str, Any] = {"syscalls": [], "fields": {}}
    index = 0
    while index < len(tokens):
        option = tokens[index]
        if option in WITH_VALUE:
            if index + 1 >= len(tokens):
                raise ValueError(f"{where}: option {option} needs a value")
            value = tokens[index + 1]
            index += 2
            if option == "-S":
                rule["syscalls"].extend(value.split(","))
            elif option == "-F":
                for op in ("!=", "<=", ">=", "=", "<", ">", "&"):
                    if op in value:
                        name, _, val = value.partition(op)
                        rule["fields"][name] = val if op == "=" else f"{op}{val}"
                        break
            else:
                rule[option.lstrip("-")] = value
        elif option.startswith("-"):
            rule[option.lstrip("-")] = True
            index += 1
        else:
            raise ValueError(f"{where}: expected an auditctl option (audit rules are auditctl options)")
    return rule


def _tokenised(reads: list[FileRead]) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """Every rule line as (parsed options, {path, line}), in file order."""
    rules = []
    for read in reads:
        for number, raw in enumerate((read.text or "").splitlines(), start=1):
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            where = f"{read.path}:{number}"
            try:
                tokens = shlex.split(line, comments=True)
            except ValueError as exc:
                raise ValueError(f"{where}: {exc}") from None
            rule = _rule(tokens, where)
            if "e" in rule:
                rule["e"] = parse_int(rule["e"], where)
            if "f" in rule:
                rule["f"] = parse_int(rule["f"], where)
            rules.append((rule, {"path": read.path, "line": number}))
    return rules


def _load_order(rules: list[tuple[dict[str, Any], dict[str, Any]]], augenrules: bool
                ) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """The rules the kernel ends up with, in the order auditctl loads them.

    augenrules keeps one ``-D`` (first) and the last ``-e`` (placed last), so
    neither can wipe or lock out the rules around it. A hand-written
    audit.rules loads as written: ``-D`` deletes the rules before it, and
    nothing after ``-e 2`` loads (the configuration is locked).
    """
    if augenrules:  # a bare -D goes first (deleting nothing of ours); -D -k KEY stays in place
        enables = [r for r in rules if "e" in r[0]]
        body = [r for r in rules if "e" not in r[0] and not _bare_delete(r[0])]
        return body + enables[-1:]
    loaded: list[tuple[dict[str, Any], dict[str, Any]]] = []
    for rule in rules:
        loaded.append(rule)
        if rule[0].get("e") == 2:
            break
    return loaded


def _bare_delete(rule: dict[str, Any]) -> bool:
    return rule.get("D") is True and set(rule) <= {"D", "syscalls", "fields"}


def _is_rule(rule: dict[str, Any]) -> bool:
    return any(key in rule for key in ("w", "a", "A"))


def _same_rule(deleting: dict[str, Any], rule: dict[str, Any]) -> bool:
    """Whether ``-W``/``-d`` ``deleting`` removes the earlier ``rule``."""
    if "W" in deleting:
        return rule.get("w") == deleting["W"]
    action = rule.get("a") or rule.get("A")
    return (action == deleting["d"] and rule["syscalls"] == deleting["syscalls"]
            and rule["fields"] == deleting["fields"])


def parse_rules(reads: list[FileRead], augenrules: bool = False) -> dict[str, Any]:
    written = _tokenised(reads)
    rules = _load_order(written, augenrules)
    kept: list[tuple[dict[str, Any], dict[str, Any]]] = []
    for rule, location in rules:
        if rule.get("D") is True:  # deletes every rule loaded before it (with -k, those with that key)
            kept = [r for r in kept if not _is_rule(r[0]) or ("k" in rule and r[0].get("k") != rule["k"])]
        elif "W" in rule or "d" in rule:  # deletes the matching rule loaded before it
            kept = [r for r in kept if not (_is_rule(r[0]) and _same_rule(rule, r[0]))]
        else:
            kept.append((rule, location))
    watches: list[dict[str, Any]] = []
    syscall_rules: list[dict[str, Any]] = []
    enabled = failure = None
    loginuid_immutable = False
    for rule, location in kept:
        if "e" in rule:
            enabled = rule["e"]
        if "f" in rule:
            failure = rule["f"]
        if rule.get("loginuid-immutable"):
            loginuid_immutable = True
        if "w" in rule:
            watches.append({"target": rule["w"], "perms": rule.get("p", "rwxa"), "key": rule.get("k"), **location})
        elif "a" in rule or "A" in rule:
            action = rule.get("a") or rule.get("A")
            fields = rule["fields"]
            target = fields.get("path") or fields.get("dir")
            if target and not str(target).startswith(("!", "<", ">", "&")) and "never" not in (action or ""):
                watches.append({"target": target, "perms": fields.get("perm", "rwxa"), "key": rule.get("k"),
                                **location})
            syscall_rules.append({"action": action, "syscalls": rule["syscalls"], "fields": fields,
                                  "key": rule.get("k") or fields.get("key"), **location})
    last = (rules if augenrules else written)[-1][0] if written else None  # rules after -e 2 fail to load
    return {"watches": watches, "syscall_rules": syscall_rules, "enabled": enabled, "failure_mode": failure,
            "loginuid_immutable": loginuid_immutable, "immutable_last": bool(last and last.get("e") == 2)}


@host_collector("host.auditd")
def collect_conf(ctx: HostContext) -> list[Resource]:
    def parse(reads: list[FileRead]) -> dict[str, Any]:
        return values_and_locations(parse_conf_settings(reads, CONF_INTEGERS, lower_values=True))

    return [files_resource("host.auditd", CONF, [ctx.read(CONF)], parse)]


@host_collector("host.audit_rules")
def collect_rules(ctx: HostContext) -> list[Resource]:
    rules_d = ctx.glob(RULES_D)
    paths = rules_d or [AUDIT_RULES]
    resource = files_resource("host.audit_rules", "/etc/audit/rules.d" if rules_d else AUDIT_RULES,
                              [ctx.read(p) for p in paths], lambda reads: parse_rules(reads, bool(rules_d)))
    resource.attributes["source"] = "rules.d" if rules_d else "audit.rules"
    return [resource]
