"""sudoers and its includes: NOPASSWD tags, ``!authenticate`` and ``timestamp_timeout`` Defaults.

Only where each was found is kept (file, line, the rule's user list), never
the rule text itself; a Defaults entry keeps its value only for settings in
:data:`VALUE_DEFAULTS` (others, such as ``mailto`` or ``env_keep``, are free text).
"""
from __future__ import annotations

import re
from pathlib import PurePosixPath
from typing import Any

from ...model import Resource
from .expansion import ExpansionBudget
from .registry import host_collector
from .files import HostContext
from .parsing import continued_lines, fill_resource
from .redaction import keyword

MAIN = "/etc/sudoers"
MAX_DEPTH = 8
VALUE_DEFAULTS = {"timestamp_timeout", "passwd_timeout", "passwd_tries", "timestamp_type", "umask", "use_pty",
                  "log_input", "log_output", "authenticate", "requiretty"}
_INCLUDE = re.compile(r"^[#@](include|includedir)\s+(\S+)\s*$")
_DEFAULTS = re.compile(r"^Defaults([:@>!]\S+)?\s+(.*)$")


class Sudoers:
    def __init__(self, ctx: HostContext) -> None:
        self.ctx = ctx
        self.files: list[str] = []
        self.nopasswd: list[dict[str, Any]] = []
        self.defaults: list[dict[str, Any]] = []
        self.budget = ExpansionBudget("sudoers include", MAX_DEPTH)

    def read_file(self, path: str, depth: int = 0) -> None:
        self.budget.enter(path, depth)
        read = self.ctx.read(path)
        if read.error or not read.exists:
            raise ValueError(f"{path}: {read.error or 'missing'}")
        self.files.append(path)
        for number, raw in continued_lines(read.text or ""):
            line = raw.strip()
            include = _INCLUDE.match(line)
            if include:
                self.include(include.group(1), include.group(2), path, depth)
                continue
            line = re.sub(r"(^|\s)#(?!\d).*$", "", line).strip()  # '#123' is a uid, not a comment
            if not line:
                continue
            location = {"path": path, "line": number}
            defaults = _DEFAULTS.match(line)
            if defaults:
                self._defaults(defaults.group(2), defaults.group(1), location)
            elif "NOPASSWD" in line.split("=", 1)[-1]:
                self.nopasswd.append({**location, "who": line.split()[0]})

    def _defaults(self, text: str, scope: str | None, location: dict[str, Any]) -> None:
        for item in re.split(r",\s*(?=[!A-Za-z_])", text):
            item = item.strip()
            name, eq, value = item.partition("=")
            negated = name.startswith("!")
            name = keyword(name.lstrip("!").strip().rstrip("+-"))
            if not name:
                continue  # sudo rejects it; nothing of it is a setting worth keeping
            entry = {"name": name, "negated": negated, "scope": scope, **location}
            if eq and name in VALUE_DEFAULTS:
                entry["value"] = value.strip().strip('"')
            self.defaults.append(entry)

    def include(self, kind: str, target: str, current: str, depth: int) -> None:
        if not target.startswith("/"):
            target = str(PurePosixPath(current).parent / target)
        if kind == "include":
            self.read_file(target, depth + 1)
            return
        for path in self.ctx.glob(f"{target.rstrip('/')}/*"):
            name = PurePosixPath(path).name
            if "." not in name and not name.endswith("~"):  # sudo skips these in an includedir
                self.read_file(path, depth + 1)


@host_collector("host.sudoers")
def collect(ctx: HostContext) -> list[Resource]:
    resource = Resource(type="host.sudoers", id=MAIN, attributes={"present": ctx.exists(MAIN)})
    if not resource.attributes["present"]:
        return [resource]
    sudoers = Sudoers(ctx)

    def read() -> dict[str, Any]:
        sudoers.read_file(MAIN)
        return {"files": sudoers.files, "nopasswd": sudoers.nopasswd, "defaults": sudoers.defaults}

    return [fill_resource(resource, read)]
