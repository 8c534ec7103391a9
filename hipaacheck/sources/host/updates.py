"""Automatic security updates: APT unattended-upgrades (apt.conf.d) or dnf-automatic (automatic.conf + timer)."""
from __future__ import annotations

import re
from typing import Any

from ...model import Resource
from .registry import host_collector
from .files import FileRead, HostContext
from .parsing import files_resource, parse_ini_section, read_paths
from .units import enabled_units

APT_CONF = ["/etc/apt/apt.conf", "/etc/apt/apt.conf.d/*"]
DNF_AUTOMATIC = "/etc/dnf/automatic.conf"
UNATTENDED_BINARY = "/usr/bin/unattended-upgrade"
DNF_TIMERS = ("dnf-automatic.timer", "dnf-automatic-install.timer")
_TOKEN = re.compile(r'"[^"]*"|[{};]|[^\s{};"]+')
_COMMENTS = re.compile(r"/\*.*?\*/|//[^\n]*|^\s*#[^\n]*", re.DOTALL | re.MULTILINE)


def parse_apt_conf(text: str, path: str) -> dict[str, dict[str, Any]]:
    """APT's ``A::B "v";`` and nested ``A { B "v"; };`` syntax → {"a::b": {value, path, line}}."""
    settings: dict[str, dict[str, Any]] = {}
    stripped = _COMMENTS.sub(lambda m: "\n" * m.group(0).count("\n"), text)
    scope: list[str] = []
    pending: list[tuple[str, int]] = []
    for match in _TOKEN.finditer(stripped):
        token, line = match.group(0), stripped.count("\n", 0, match.start()) + 1
        if token == "{":
            if not pending:
                raise ValueError(f"{path}:{line}: '{{' without a name")
            scope.append(pending[0][0])
            pending = []
        elif token == "}":
            if not scope:
                raise ValueError(f"{path}:{line}: unbalanced '}}'")
            scope.pop()
            pending = []
        elif token == ";":
            if len(pending) >= 2:
                key = "::".join([*scope, pending[0][0]]).lower()
                settings[key] = {"value": pending[1][0].strip('"'), "path": path, "line": pending[0][1]}
            pending = []
        else:
            pending.append((token, line))
    if scope:
        raise ValueError(f"{path}: unclosed '{{'")
    return settings


def _enabled_timers(ctx: HostContext) -> list[str]:
    return sorted(enabled_units(ctx, "timers.target.wants/*.timer") & set(DNF_TIMERS))


@host_collector("host.auto_updates")
def collect(ctx: HostContext) -> list[Resource]:
    apt = [r for r in read_paths(ctx, APT_CONF) if not r.path.endswith((".dpkg-old", ".dpkg-dist", "~"))]
    dnf = ctx.read(DNF_AUTOMATIC)

    def parse(reads: list[FileRead]) -> dict[str, Any]:
        apt_settings: dict[str, dict[str, Any]] = {}
        for read in (r for r in apt if r.exists):
            apt_settings.update(parse_apt_conf(read.text or "", read.path))
        unattended = apt_settings.get("apt::periodic::unattended-upgrade")
        commands = parse_ini_section([dnf], "commands") if dnf.exists else {}
        return {
            "apt": {"unattended_upgrade": unattended["value"] if unattended else None,
                    "location": {k: unattended[k] for k in ("path", "line")} if unattended else None,
                    "installed": ctx.exists(UNATTENDED_BINARY)},
            "dnf_automatic": {"present": dnf.exists,
                              "apply_updates": (commands.get("apply_updates") or {}).get("value", "no").lower(),
                              "upgrade_type": (commands.get("upgrade_type") or {}).get("value", "default").lower(),
                              "timers": _enabled_timers(ctx)},
        }

    return [files_resource("host.auto_updates", "auto-updates", [*apt, dnf], parse)]
