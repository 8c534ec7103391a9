"""Time synchronisation sources: chrony, systemd-timesyncd and ntpd, and which of their units are enabled.

chrony's sources are those of the files chronyd reads: its one chrony.conf and what ``include``,
``confdir`` and ``sourcedir`` name from there (a ``sources.d`` no line names is not read).
"""
from __future__ import annotations

from collections import deque
from pathlib import PurePosixPath
from typing import Any

from ...model import Resource
from .registry import host_collector
from .expansion import ExpansionBudget
from .files import FileRead, HostContext
from .parsing import dropin_paths, files_resource, logical_lines, parse_ini_section, read_paths
from .units import enabled_units

# chronyd reads one file, its build's default: Debian's /etc/chrony/chrony.conf, elsewhere /etc/chrony.conf
CHRONY_DEBIAN, CHRONY_OTHER = "/etc/chrony/chrony.conf", "/etc/chrony.conf"
CHRONY_COMMENTS = ("#", "!", ";", "%")  # chrony.conf(5)
MAX_CHRONY_FILES = 200
NTP = ["/etc/ntp.conf", "/etc/ntpsec/ntp.conf"]
UNITS = {"chronyd.service": "chrony", "chrony.service": "chrony", "systemd-timesyncd.service": "timesyncd",
         "ntpd.service": "ntp", "ntp.service": "ntp", "ntpsec.service": "ntp"}
SOURCE_DIRECTIVES = {"server", "pool", "peer", "refclock"}


def parse_line_sources(reads: list[FileRead], daemon: str,
                       comment: str | tuple[str, ...] = "#") -> list[dict[str, Any]]:
    sources = []
    for read in reads:
        for number, line in logical_lines(read.text or "", comment=comment):
            words = line.split()
            if words[0].lower() in SOURCE_DIRECTIVES:
                if len(words) < 2:
                    raise ValueError(f"{read.path}:{number}: {words[0]} needs a host")
                sources.append({"daemon": daemon, "kind": words[0].lower(), "host": words[1],
                                "path": read.path, "line": number})
    return sources


def _dir_files(ctx: HostContext, folders: list[str], suffix: str) -> list[str]:
    """``confdir``/``sourcedir``: the ``*suffix`` files of ``folders`` sorted by name; a name in an earlier
    folder hides the same name in a later one (chrony.conf(5))."""
    found: dict[str, str] = {}
    for folder in folders:
        for path in ctx.glob(f"{folder.rstrip('/')}/*{suffix}"):
            found.setdefault(PurePosixPath(path).name, path)
    return [found[name] for name in sorted(found)]


def chrony_reads(ctx: HostContext) -> list[FileRead]:
    """The files chronyd reads: its chrony.conf, then, where a line names them, the files of ``include``
    and ``confdir`` (which may name more) and the ``*.sources`` of ``sourcedir``. A folder no directive
    names is not read, as chronyd does not read it."""
    order = [CHRONY_DEBIAN, CHRONY_OTHER] if ctx.exists("/etc/debian_version") else [CHRONY_OTHER, CHRONY_DEBIAN]
    main = next((read for read in map(ctx.read, order) if read.exists), None)
    if main is None:
        return []
    reads: list[FileRead] = []
    pending = deque([main])
    seen = {main.path}
    # past the budget the resource is an error: sources read in part must not look like all of them
    budget = ExpansionBudget("chrony include", max_depth=0, max_files=MAX_CHRONY_FILES)
    while pending:
        read = pending.popleft()
        budget.enter(read.path, 0)  # no depth to bound: a file already seen is never read again
        reads.append(read)
        if read.path.endswith(".sources"):
            continue  # a sources file holds only source directives
        for _, line in logical_lines(read.text or "", comment=CHRONY_COMMENTS):
            directive, *args = line.split()
            paths = (ctx.glob(args[0]) if directive.lower() == "include" and args else
                     _dir_files(ctx, args, ".conf") if directive.lower() == "confdir" else
                     _dir_files(ctx, args, ".sources") if directive.lower() == "sourcedir" else [])
            for path in paths:
                if path not in seen:
                    seen.add(path)
                    pending.append(ctx.read(path))
    return reads


def enabled_services(ctx: HostContext) -> list[str]:
    return sorted(enabled_units(ctx, "*.target.wants/*.service") & set(UNITS))


@host_collector("host.time_sync")
def collect(ctx: HostContext) -> list[Resource]:
    chrony = chrony_reads(ctx)
    ntp = read_paths(ctx, NTP)
    timesyncd = [ctx.read(p) for p in dropin_paths(ctx, "systemd/timesyncd.conf")]

    def parse(reads: list[FileRead]) -> dict[str, Any]:
        sources = parse_line_sources([r for r in chrony if r.exists], "chrony", CHRONY_COMMENTS)
        sources += parse_line_sources([r for r in ntp if r.exists], "ntp")
        ntp_setting = parse_ini_section([r for r in timesyncd if r.exists], "Time").get("NTP")
        if ntp_setting:
            sources += [{"daemon": "timesyncd", "kind": "server", "host": host, "path": ntp_setting["path"],
                         "line": ntp_setting["line"]} for host in ntp_setting["value"].split()]
        enabled = enabled_services(ctx)
        return {"sources": sources, "enabled_units": enabled, "daemons": sorted({UNITS[u] for u in enabled})}

    return [files_resource("host.time_sync", "time-sync", chrony + ntp + timesyncd, parse)]
