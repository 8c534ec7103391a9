"""Shell idle timeout: TMOUT in the files login and interactive shells read, in that order."""
from __future__ import annotations

import re
from typing import Any

from ...model import Resource
from .registry import host_collector
from .files import FileRead, HostContext
from .parsing import files_resource, read_paths

FILES = ["/etc/profile", "/etc/profile.d/*.sh", "/etc/bashrc", "/etc/bash.bashrc"]
_UNSET = re.compile(r"^unset\s+(?:-[vn]+\s+)?(?:\S+\s+)*TMOUT(?:\s|$)")
_TMOUT = re.compile(r"^((?:(?:export|readonly|declare|typeset)\s+(?:-[a-zA-Z]+\s+)*)*)TMOUT(?:=(\S*))?$")


def parse_tmout(reads: list[FileRead]) -> dict[str, Any]:
    """Every TMOUT assignment, every ``unset TMOUT``, and whether any statement makes it readonly."""
    assignments: list[dict[str, Any]] = []
    readonly: list[dict[str, Any]] = []
    unsets: list[dict[str, Any]] = []
    for read in reads:
        for number, raw in enumerate((read.text or "").splitlines(), start=1):
            code = raw.split("#", 1)[0]
            for segment in re.split(r";|&&|\|\||\bthen\b|\bdo\b", code):
                if _UNSET.match(segment.strip()):
                    unsets.append({"path": read.path, "line": number})
                    continue
                match = _TMOUT.match(segment.strip())
                if not match:
                    continue
                words = match.group(1).split()
                is_readonly = "readonly" in words or any(w.startswith("-") and "r" in w for w in words)
                where = {"path": read.path, "line": number}
                if is_readonly:
                    readonly.append(where)
                if match.group(2) is not None:
                    value = match.group(2).strip("\"'")
                    assignments.append({**where, "value": int(value) if value.isdigit() else value,
                                        "readonly": is_readonly,
                                        "exported": "export" in words or any(w.startswith("-") and "x" in w
                                                                             for w in words)})
    return {"assignments": assignments, "readonly": readonly, "unsets": unsets}


@host_collector("host.shell_timeout")
def collect(ctx: HostContext) -> list[Resource]:
    return [files_resource("host.shell_timeout", "/etc/profile", read_paths(ctx, FILES), parse_tmout)]
