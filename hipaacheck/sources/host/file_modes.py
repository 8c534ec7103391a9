"""Modes and owners of sensitive files: account databases, sshd_config, SSH host private keys, sudoers."""
from __future__ import annotations

from typing import Any

from ...model import Resource
from .registry import host_collector
from .files import HostContext

PATHS = ["/etc/passwd", "/etc/passwd-", "/etc/group", "/etc/group-", "/etc/shadow", "/etc/shadow-",
         "/etc/gshadow", "/etc/gshadow-", "/etc/ssh/sshd_config", "/etc/sudoers"]
GLOBS = ["/etc/ssh/ssh_host_*_key"]


def _names(ctx: HostContext, path: str) -> dict[int | None, str]:
    """id → name from /etc/passwd or /etc/group (best effort: an id stays a number if unknown)."""
    names: dict[int | None, str] = {}
    read = ctx.read(path)
    for line in (read.text or "").splitlines():
        parts = line.split(":")
        if len(parts) >= 3 and parts[2].isdigit():
            names.setdefault(int(parts[2]), parts[0])
    return names


@host_collector("host.file_modes")
def collect(ctx: HostContext) -> list[Resource]:
    users, groups = _names(ctx, "/etc/passwd"), _names(ctx, "/etc/group")
    resource = Resource(type="host.file_modes", id="/etc", attributes={"files": {}})
    paths = PATHS + [p for pattern in GLOBS for p in ctx.glob(pattern)]
    for path in paths:
        stat = ctx.stat(path)
        if stat.error:
            resource.unreadable[f"files.{path}"] = f"{path}: {stat.error}"
            continue
        entry: dict[str, Any] = {"exists": stat.exists}
        if stat.exists:
            entry.update(mode=f"{stat.mode:04o}", uid=stat.uid, gid=stat.gid, is_dir=stat.is_dir,
                         owner=users.get(stat.uid, str(stat.uid)), group=groups.get(stat.gid, str(stat.gid)))
        resource.attributes["files"][path] = entry
    return [resource]
