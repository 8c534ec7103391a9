"""SSH targets from the command line (``[USER@]HOST[:PORT]``) and from files: a plain list, or an Ansible
inventory in INI or YAML form (hosts, groups, children, ``ansible_host``/``ansible_user``/``ansible_port``
as host or group variables; ``--limit GROUP`` picks a group and its children)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

from ...errors import InputError
from ...yamlio import load_yaml, read_text

__all__ = ["HostSpec", "parse_target", "read_targets", "targets_from"]

_TARGET = re.compile(r"^(?:(?P<user>[^@\s]+)@)?(?:\[(?P<ipv6>[0-9a-fA-F:.]+)\]|(?P<host>[^@:\s\[\]]+))(?::(?P<port>\d+))?$")
_HOST_VARS = {"host": ("ansible_host", "ansible_ssh_host"), "user": ("ansible_user", "ansible_ssh_user"),
              "port": ("ansible_port", "ansible_ssh_port")}


@dataclass(frozen=True)
class HostSpec:
    """A host to scan as named by the user; unset parts come from the SSH config, then the defaults."""

    name: str  # as written: inventory name or the --target host
    host: str | None = None  # address to connect to (ansible_host), None: the name, through ~/.ssh/config
    user: str | None = None
    port: int | None = None


def parse_target(text: str, where: str = "--target") -> HostSpec:
    match = _TARGET.match(text.strip())
    if not match:
        raise InputError(where, f"expected [USER@]HOST[:PORT], got {text.strip()[:80]!r}")
    host = match["ipv6"] or match["host"]
    return HostSpec(host, None, match["user"], _port(match["port"], where) if match["port"] else None)


def read_targets(path: Path, limit: str | None = None) -> list[HostSpec]:
    """The hosts of a targets file (plain list, Ansible INI or YAML), those of group ``limit`` only if given."""
    text = read_text(path)
    groups = _yaml_groups(text, path) if _looks_yaml(path, text) else _ini_groups(text, path)
    name = limit or "all"
    if name not in groups:
        raise InputError(f"{path}", f"no group {name!r} (groups: {', '.join(sorted(groups))})")
    return _hosts_of(groups, name, str(path))


@dataclass
class _Group:
    hosts: dict[str, dict[str, Any]]  # host -> its own vars
    children: list[str]
    vars: dict[str, Any]


def _looks_yaml(path: Path, text: str) -> bool:
    return path.suffix in (".yml", ".yaml") or text.lstrip().startswith(("all:", "---"))


def _ini_groups(text: str, path: Path) -> dict[str, _Group]:
    groups: dict[str, _Group] = {"all": _Group({}, [], {}), "ungrouped": _Group({}, [], {})}
    section, kind = "ungrouped", "hosts"
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split(" #", 1)[0].strip()
        where = f"{path}:{number}"
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("["):
            if not line.endswith("]"):
                raise InputError(where, "malformed group header")
            section, _, kind = line[1:-1].strip().partition(":")
            kind = kind or "hosts"
            if kind not in ("hosts", "children", "vars"):
                raise InputError(where, f"unknown section kind {kind!r}")
            groups.setdefault(section, _Group({}, [], {}))
            continue
        group = groups[section]
        if kind == "vars":
            key, eq, value = line.partition("=")
            if not eq:
                raise InputError(where, "expected key=value")
            group.vars[key.strip()] = value.strip()
        elif kind == "children":
            group.children.append(line.split()[0])
        else:
            pattern, *assignments = line.split()
            host_vars = {}
            for assignment in assignments:
                key, eq, value = assignment.partition("=")
                if not eq:
                    raise InputError(where, f"expected key=value after the host name, got {assignment[:40]!r}")
                host_vars[key] = value.strip("'\"")
            for name in expand_range(pattern, where):
                group.hosts[name] = dict(host_vars)
    for name, group in groups.items():
        for child in group.children:
            groups.setdefault(child, _Group({}, [], {}))
        if name != "all":
            groups["all"].children.append(name)
    return groups


def _yaml_groups(text: str, path: Path) -> dict[str, _Group]:
    document = load_yaml(path, text)
    if not isinstance(document, dict):
        raise InputError(str(path), "expected a mapping of groups (all: hosts: ...)")
    groups: dict[str, _Group] = {}

    def add(name: str, body: Any, where: str) -> None:
        body = body or {}
        if not isinstance(body, dict):
            raise InputError(f"{path}: {where}", "expected hosts, children or vars")
        hosts = body.get("hosts") or {}
        children = body.get("children") or {}
        if not isinstance(hosts, dict) or not isinstance(children, dict):
            raise InputError(f"{path}: {where}", "hosts and children must be mappings")
        group = groups.setdefault(name, _Group({}, [], {}))
        group.vars.update(body.get("vars") or {})
        for pattern, host_vars in hosts.items():
            for host in expand_range(str(pattern), f"{path}: {where}.hosts"):
                group.hosts[host] = dict(host_vars or {})
        for child, child_body in children.items():
            group.children.append(str(child))
            add(str(child), child_body, f"{where}.children.{child}")

    for name, body in document.items():
        add(str(name), body, f"$.{name}")
    if "all" not in groups:
        groups["all"] = _Group({}, list(groups), {})
    return groups


_RANGE = re.compile(r"\[([0-9]+|[a-z]):([0-9]+|[a-z])(?::([0-9]+))?\]")
MAX_RANGE = 10_000


def expand_range(pattern: str, where: str) -> list[str]:
    """Ansible's host ranges: ``web[01:03]`` is web01 web02 web03, ``db-[a:c]`` db-a db-b db-c
    (``[1:9:2]`` steps; leading zeros keep the width); several ranges multiply."""
    match = _RANGE.search(pattern)
    if not match:
        return [pattern]
    first, last, step = match.group(1), match.group(2), int(match.group(3) or 1)
    if first.isdigit() != last.isdigit() or step < 1:
        raise InputError(where, f"bad host range {match.group(0)!r}")
    if first.isdigit():
        width = len(first) if first.startswith("0") else 0
        values = [str(n).zfill(width) for n in range(int(first), int(last) + 1, step)]
    else:
        values = [chr(n) for n in range(ord(first), ord(last) + 1, step)]
    if not values or len(values) > MAX_RANGE:
        raise InputError(where, f"host range {match.group(0)!r} names {len(values)} hosts (1 to {MAX_RANGE})")
    head, tail = pattern[:match.start()], pattern[match.end():]
    return [host for value in values for host in expand_range(head + value + tail, where)]


def _hosts_of(groups: dict[str, _Group], name: str, where: str) -> list[HostSpec]:
    """Hosts of group ``name`` and its children, first seen first; host vars win over group vars, a
    child's group vars over its parent's."""
    found: dict[str, dict[str, Any]] = {}

    def walk(group_name: str, inherited: dict[str, Any], seen: tuple[str, ...]) -> None:
        if group_name in seen:
            raise InputError(where, f"group {group_name!r} is its own child")
        group = groups[group_name]
        scope = {**inherited, **group.vars}
        for host, host_vars in group.hosts.items():
            found.setdefault(host, {}).update({**scope, **host_vars})
        for child in group.children:
            walk(child, scope, (*seen, group_name))

    walk(name, dict(groups["all"].vars) if name != "all" else {}, ())
    return [_spec(host, variables, where) for host, variables in found.items()]


def _spec(name: str, variables: dict[str, Any], where: str) -> HostSpec:
    """A host line (``[USER@]HOST[:PORT]``, as a plain list or Ansible's ``host:port`` writes it) with its
    variables, which win."""
    base = parse_target(name, f"{where}: {name[:80]}")
    value = {field: next((str(variables[key]) for key in keys if key in variables), None)
             for field, keys in _HOST_VARS.items()}
    port = _port(value["port"], f"{where}: {name}") if value["port"] else base.port
    return HostSpec(base.name, value["host"], value["user"] or base.user, port)


def _port(text: str, where: str) -> int:
    if not text.isdigit() or not 0 < int(text) < 65536:
        raise InputError(where, f"port must be 1-65535, got {text[:20]!r}")
    return int(text)


def targets_from(targets: Iterable[str] | None, file: Path | None, limit: str | None) -> list[HostSpec]:
    """``--target`` values, then ``--targets FILE`` hosts; at least one, no name twice."""
    if limit and not file:
        raise InputError("--limit", "needs --targets FILE")
    specs = [parse_target(text) for text in targets or ()]
    if file:
        specs += read_targets(file, limit)
    if not specs:
        raise InputError("--target", "name at least one host (--target or --targets FILE)")
    return list({(spec.name, spec.user, spec.port): spec for spec in specs}.values())
