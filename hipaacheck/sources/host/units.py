"""systemd unit files as systemd resolves them: the unit from the highest-priority folder, then its drop-ins.

A unit file in ``/etc/systemd/system`` replaces the packaged one in ``/usr/lib/systemd/system`` (or
``/lib/systemd/system``); drop-ins (``NAME.d/*.conf``) from every folder are applied after it in file-name
order, a same-named drop-in in a higher-priority folder replacing the lower one (systemd.unit(5)).
"""
from __future__ import annotations

from typing import Any

from .files import FileRead, HostContext
from .parsing import continued_lines, dropins

UNIT_DIRS = ("/etc/systemd/system", "/run/systemd/system", "/usr/local/lib/systemd/system",
             "/usr/lib/systemd/system", "/lib/systemd/system")  # highest priority first


def unit_reads(ctx: HostContext, unit: str) -> list[FileRead]:
    """The unit file that applies (none if no folder has it), then its drop-ins in the order systemd applies them."""
    reads: list[FileRead] = []
    for folder in UNIT_DIRS:
        read = ctx.read(f"{folder}/{unit}")
        if read.exists:
            reads.append(read)
            break
    return reads + [ctx.read(path) for path in dropins(ctx, reversed(UNIT_DIRS), unit)]


def enabled_units(ctx: HostContext, wants: str) -> set[str]:
    """The names of the units linked into a ``.wants`` folder of any unit folder (``wants``:
    ``*.target.wants/*.service``): the units enabled."""
    return {path.rsplit("/", 1)[1] for folder in UNIT_DIRS for path in ctx.glob(f"{folder}/{wants}")}


def unit_commands(reads: list[FileRead], section: str, key: str) -> list[dict[str, Any]]:
    """The ``key=`` command lines of ``[section]`` across ``reads`` as systemd keeps them: each assignment
    appends, an empty one clears those before it. Returns [{command, path, line}]."""
    commands: list[dict[str, Any]] = []
    for read in reads:
        current = None
        for number, raw in continued_lines(read.text or ""):
            line = raw.strip()
            if not line or line.startswith(("#", ";")):
                continue
            if line.startswith("[") and line.endswith("]"):
                current = line[1:-1].strip()
                continue
            name, eq, value = line.partition("=")
            if current != section or not eq or name.strip() != key:
                continue
            if value.strip():
                commands.append({"command": value.strip(), "path": read.path, "line": number})
            else:
                commands.clear()
    return commands
