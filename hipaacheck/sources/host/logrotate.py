"""logrotate: how many days of each log survive (``rotate`` count × period, capped by ``maxage``).

Global directives apply to blocks defined after them; ``include`` pulls in a
file or every file of a folder (skipping backup files, as logrotate does).
"""
from __future__ import annotations

import shlex
from typing import Any

from ...model import Resource
from .expansion import ExpansionBudget
from .registry import host_collector
from .files import HostContext
from .parsing import files_resource, fill_resource

MAIN = "/etc/logrotate.conf"
PERIOD_DAYS = {"hourly": 1 / 24, "daily": 1, "weekly": 7, "monthly": 30, "yearly": 365}
SKIP_SUFFIXES = (".rpmsave", ".rpmorig", ".rpmnew", ".dpkg-old", ".dpkg-dist", ".dpkg-new", ".disabled", "~",
                 ".swp", ".bak", ".old")
MAX_INCLUDE_DEPTH = 8


def retention_days(options: dict[str, Any]) -> float | None:
    """Days a rotated log is surely kept, or None when no time bounds it.

    ``rotate -1`` never removes old logs, so only ``maxage`` bounds them (None
    with ``forever``). ``size`` (after the period) or ``maxsize`` rotates on
    size, possibly many times a period, so ``rotate`` copies may span a day:
    no time bound, even with ``maxage``, which only removes logs, never keeps them.
    """
    period = options.get("period")
    rotate = options.get("rotate", 0)
    if rotate < 0:
        return options.get("maxage")
    if not period or options.get("maxsize"):
        return None
    days = rotate * PERIOD_DAYS[period]
    return min(days, options["maxage"]) if "maxage" in options else days


def keeps_forever(options: dict[str, Any]) -> bool:
    """``rotate -1`` without ``maxage``: old logs are never removed."""
    return options.get("rotate", 0) < 0 and "maxage" not in options


class LogrotateConfig:
    def __init__(self, ctx: HostContext) -> None:
        self.ctx = ctx
        self.globals: dict[str, Any] = {}
        self.blocks: list[dict[str, Any]] = []
        self.files: list[str] = []
        self.budget = ExpansionBudget("logrotate include", MAX_INCLUDE_DEPTH)

    def _directive(self, target: dict[str, Any], words: list[str], where: str) -> None:
        keyword = words[0].lower()
        if keyword in PERIOD_DAYS:
            target["period"] = keyword
        elif keyword == "size":  # size and the periods exclude each other: the last one written wins
            target.pop("period", None)
        elif keyword == "maxsize":
            target["maxsize"] = True
        elif keyword in ("rotate", "maxage"):
            if len(words) < 2 or not words[1].lstrip("-").isdigit():
                raise ValueError(f"{where}: {keyword} needs a whole number")
            value = int(words[1])
            target[keyword] = (-1 if value < 0 else value) if keyword == "rotate" else value

    def read_file(self, path: str, depth: int = 0) -> None:
        self.budget.enter(path, depth)
        read = self.ctx.read(path)
        if read.error or not read.exists:
            raise ValueError(f"{path}: {read.error or 'missing'}")
        self.files.append(path)
        block: dict[str, Any] | None = None
        pending: list[str] = []
        start = 0
        in_script = False
        for number, raw in enumerate((read.text or "").splitlines(), start=1):
            line = raw.strip()
            where = f"{path}:{number}"
            if in_script:
                in_script = line != "endscript"
                continue
            if not line or line.startswith("#"):
                continue
            if line in ("postrotate", "prerotate", "firstaction", "lastaction", "preremove"):
                in_script = True
                continue
            if line.endswith("{") or (block is None and line.startswith(("/", '"', "'"))):
                if block is not None:
                    raise ValueError(f"{where}: nested '{{'")
                try:
                    pending.extend(shlex.split(line.rstrip("{")))
                except ValueError as exc:
                    raise ValueError(f"{where}: {exc}") from None
                start = start or number
                if line.endswith("{"):  # log paths may span several lines before the brace
                    block = {"paths": pending, "options": dict(self.globals), "path": path, "line": start}
                    pending, start = [], 0
                continue
            if pending:
                raise ValueError(f"{where}: log paths not followed by '{{'")
            if line == "}":
                if block is None:
                    raise ValueError(f"{where}: '}}' without a block")
                block["days"] = retention_days(block["options"])
                block["forever"] = keeps_forever(block["options"])
                self.blocks.append(block)
                block = None
                continue
            words = line.split()
            if words[0] == "include" and block is None:
                self.include(words[1:], depth, where)
                continue
            self._directive(block["options"] if block is not None else self.globals, words, where)
        if block is not None or pending:
            raise ValueError(f"{path}:{block['line'] if block else start}: block not closed")

    def include(self, args: list[str], depth: int, where: str) -> None:
        if not args:
            raise ValueError(f"{where}: include needs a file or folder")
        target = args[0]
        if self.ctx.stat(target).is_dir:
            for path in self.ctx.glob(f"{target.rstrip('/')}/*"):
                if not path.endswith(SKIP_SUFFIXES) and not self.ctx.stat(path).is_dir:
                    self.read_file(path, depth + 1)
        elif self.ctx.exists(target):
            self.read_file(target, depth + 1)


@host_collector("host.logrotate")
def collect(ctx: HostContext) -> list[Resource]:
    read = ctx.read(MAIN)
    if not read.exists or read.error:
        return [files_resource("host.logrotate", MAIN, [read], lambda reads: {})]
    config = LogrotateConfig(ctx)

    def read_all() -> dict[str, Any]:
        config.read_file(MAIN)
        return {"blocks": config.blocks, "defaults": config.globals, "default_days": retention_days(config.globals),
                "files": config.files}

    return [fill_resource(Resource(type="host.logrotate", id=MAIN, attributes={"present": True}), read_all)]
