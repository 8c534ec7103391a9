"""auditd: /etc/audit/auditd.conf and the audit rules auditd loads at boot.

Which rules load is what the units say: ``auditd.service`` (``ExecStartPost=``) or, from audit 4,
``audit-rules.service`` (``ExecStart=``), with their ``/etc`` overrides and drop-ins, run either
``augenrules --load`` or ``auditctl -R FILE``. augenrules compiles /etc/audit/rules.d/*.rules, in
``ls -v`` order, into audit.rules (with its reordering of ``-D`` and ``-e``); when rules.d holds no
rules it loads audit.rules as is, as ``auditctl -R`` loads its file. With no unit at all (an image
without systemd) rules.d is assumed when it holds rules. Rules deleted by a later ``-D``/``-W``/``-d``,
or written after ``-e 2``, are not counted. File watches written as ``-w`` or as ``-a ... -F path=``
are normalised alike, each with its place in the exit list (``-A`` prepends), so a check can tell
when an earlier ``-a never,exit`` rule suppresses it.
"""
from __future__ import annotations

import re
import shlex
from pathlib import PurePosixPath
from typing import Any

from ...model import Resource
from .registry import host_collector
from .files import FileRead, HostContext
from .pam import module_entries
from .parsing import files_resource, parse_conf_settings, parse_int, values_and_locations
from .units import unit_commands, unit_reads

CONF = "/etc/audit/auditd.conf"
RULES_DIR = "/etc/audit/rules.d"
RULES_D = f"{RULES_DIR}/*.rules"
AUDIT_RULES = "/etc/audit/audit.rules"
FAILLOCK_CONF = "/etc/security/faillock.conf"
FAILLOCK_DIR = "/var/run/faillock"  # pam_faillock's default tally folder
# (unit, setting) that may load the rules: audit 4 moved the loading into audit-rules.service
LOADER_UNITS = (("audit-rules.service", "ExecStart"), ("auditd.service", "ExecStartPost"))
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
    for index, (rule, location) in enumerate(kept, start=1):
        position = -index if "A" in rule else index  # the kernel's list order: -A prepends, the rest append
        if "e" in rule:
            enabled = rule["e"]
        if "f" in rule:
            failure = rule["f"]
        if rule.get("loginuid-immutable"):
            loginuid_immutable = True
        if "w" in rule:
            watches.append({"target": rule["w"], "perms": rule.get("p", "rwxa"), "key": rule.get("k"),
                            "position": position, **location})
        elif "a" in rule or "A" in rule:
            action = rule.get("a") or rule.get("A")
            fields = rule["fields"]
            target = fields.get("path") or fields.get("dir")
            if target and not str(target).startswith(("!", "<", ">", "&")) and "never" not in (action or ""):
                watches.append({"target": target, "perms": fields.get("perm", "rwxa"), "key": rule.get("k"),
                                "position": position, **location})
            syscall_rules.append({"action": action, "syscalls": rule["syscalls"], "fields": fields,
                                  "key": rule.get("k") or fields.get("key"), "position": position, **location})
    last = (rules if augenrules else written)[-1][0] if written else None  # rules after -e 2 fail to load
    return {"watches": watches, "syscall_rules": syscall_rules, "enabled": enabled, "failure_mode": failure,
            "loginuid_immutable": loginuid_immutable, "immutable_last": bool(last and last.get("e") == 2)}


@host_collector("host.auditd")
def collect_conf(ctx: HostContext) -> list[Resource]:
    def parse(reads: list[FileRead]) -> dict[str, Any]:
        return values_and_locations(parse_conf_settings(reads, CONF_INTEGERS, lower_values=True))

    return [files_resource("host.auditd", CONF, [ctx.read(CONF)], parse)]


def version_key(path: str) -> tuple[tuple[Any, ...], str]:
    """Sort key of ``ls -v`` (GNU version sort) for rules file names: digit runs compare as numbers,
    so ``9-x.rules`` loads before ``10-y.rules``."""
    name = PurePosixPath(path).name
    parts = re.split(r"(\d+)", name)  # text, digits, text, ...: the same kinds line up
    return tuple(int(part) if index % 2 else part for index, part in enumerate(parts)), name


def _loading_command(command: str) -> dict[str, Any] | None:
    """``{program, rules_file}`` when a unit's command line loads audit rules, else None."""
    words = shlex.split(command.lstrip("-@:+!"))
    if not words:
        return None
    program = PurePosixPath(words[0]).name
    if program == "augenrules" and "--load" in words[1:]:
        return {"program": "augenrules", "rules_file": AUDIT_RULES}
    if program == "auditctl" and "-R" in words[1:-1]:
        return {"program": "auditctl", "rules_file": words[words.index("-R") + 1]}
    return None


def rules_loader(ctx: HostContext) -> dict[str, Any] | None:
    """How the audit units load the rules at boot: the last ``augenrules --load`` or ``auditctl -R``
    they run, as {program, rules_file, path, line, units}; program ``none`` when the units run neither.
    None when no audit unit is installed (nothing to go by). ValueError when a unit file cannot be read."""
    loader: dict[str, Any] | None = None
    units = []
    for unit, setting in LOADER_UNITS:
        reads = unit_reads(ctx, unit)
        bad = [f"{read.path}: {read.error}" for read in reads if read.error]
        if bad:
            raise ValueError("; ".join(bad))
        if reads:
            units.append(unit)
        for command in unit_commands(reads, "Service", setting):
            try:
                loading = _loading_command(command["command"])
            except ValueError as exc:
                raise ValueError(f"{command['path']}:{command['line']}: {exc}") from None
            if loading:
                loader = {**loading, "path": command["path"], "line": command["line"]}
    if not units:
        return None
    return {**(loader or {"program": "none", "rules_file": None, "path": None, "line": None}), "units": units}


def _describe(loader: dict[str, Any] | None, source: str) -> str:
    """Which rules load and what says so, for messages and evidence."""
    if loader is None:
        return f"{source} (no audit unit found: assumed)"
    if loader["program"] == "none":
        return f"no rules: {' and '.join(loader['units'])} run neither augenrules --load nor auditctl -R"
    command = "augenrules --load" if loader["program"] == "augenrules" else f"auditctl -R {loader['rules_file']}"
    return f"{source} by {command} ({loader['path']}:{loader['line']})"


def faillock_dir(ctx: HostContext) -> str:
    """pam_faillock's tally folder: ``dir`` in faillock.conf when set, else its default."""
    read = ctx.read(FAILLOCK_CONF)
    if read.error:
        raise ValueError(f"{read.path}: {read.error}")
    setting = parse_conf_settings([read] if read.exists else []).get("dir")
    return setting["value"] if setting and isinstance(setting["value"], str) else FAILLOCK_DIR


def faillock_dirs(ctx: HostContext, conf_dir: str) -> list[str]:
    """Every tally folder pam_faillock uses: a PAM line's ``dir=`` argument overrides faillock.conf's
    (``conf_dir``) for that line, so each such folder, and ``conf_dir`` for the lines without one."""
    entries = module_entries(ctx, "pam_faillock.so", ("auth", "account"))  # ValueError: a stack unread
    dirs = []
    for entry in entries or [{"args": []}]:  # no line: faillock.conf's folder, as when a line sets none
        own = [arg.partition("=")[2] for arg in entry["args"] if arg.startswith("dir=")]
        dirs.append(own[-1] if own and own[-1] else conf_dir)
    return sorted(set(dirs))


def _loaded_paths(loader: dict[str, Any] | None, rules_d: list[str]) -> tuple[list[str], bool]:
    """The rules files that load, in order, and whether augenrules compiles them."""
    program = loader["program"] if loader else None
    if program == "auditctl":
        assert loader is not None
        return [loader["rules_file"]], False
    if program == "none":
        return [], False
    return (rules_d, True) if rules_d else ([AUDIT_RULES], False)  # augenrules, or assumed with no unit


@host_collector("host.audit_rules")
def collect_rules(ctx: HostContext) -> list[Resource]:
    rules_d = sorted(ctx.glob(RULES_D), key=version_key)
    try:
        loader = rules_loader(ctx)
    except ValueError as exc:
        resource = Resource(type="host.audit_rules", id=RULES_DIR, attributes={"present": False})
        resource.unreadable["*"] = f"audit unit: {exc}"
        return [resource]
    paths, augenrules = _loaded_paths(loader, rules_d)
    source = RULES_DIR if augenrules else paths[0] if paths else "none"
    resource = files_resource("host.audit_rules", source if paths else RULES_DIR, [ctx.read(p) for p in paths],
                              lambda reads: parse_rules(reads, augenrules))
    resource.attributes["source"] = "rules.d" if augenrules else "audit.rules" if paths else "none"
    resource.attributes["loaded_by"] = loader
    resource.attributes["loaded_from"] = _describe(loader, source)
    try:
        conf_dir = resource.attributes["faillock_dir"] = faillock_dir(ctx)
    except ValueError as exc:
        resource.unreadable["faillock_dir"] = resource.unreadable["faillock_dirs"] = str(exc)
        return [resource]
    try:
        resource.attributes["faillock_dirs"] = faillock_dirs(ctx, conf_dir)
    except ValueError as exc:
        resource.unreadable["faillock_dirs"] = str(exc)
    return [resource]
