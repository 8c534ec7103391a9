"""Time synchronisation sources: chrony, systemd-timesyncd and ntpd, and which of their units are enabled."""
from __future__ import annotations

from typing import Any

from ...model import Resource
from .registry import host_collector
from .files import FileRead, HostContext
from .parsing import dropin_paths, files_resource, logical_lines, parse_ini_section, read_paths

CHRONY = ["/etc/chrony.conf", "/etc/chrony/chrony.conf", "/etc/chrony.d/*.conf", "/etc/chrony/conf.d/*.conf",
          "/etc/chrony/sources.d/*.sources"]
NTP = ["/etc/ntp.conf", "/etc/ntpsec/ntp.conf"]
UNITS = {"chronyd.service": "chrony", "chrony.service": "chrony", "systemd-timesyncd.service": "timesyncd",
         "ntpd.service": "ntp", "ntp.service": "ntp", "ntpsec.service": "ntp"}
SOURCE_DIRECTIVES = {"server", "pool", "peer", "refclock"}


def parse_line_sources(reads: list[FileRead], daemon: str) -> list[dict[str, Any]]:
    sources = []
    for read in reads:
        for number, line in logical_lines(read.text or ""):
            words = line.split()
            if words[0].lower() in SOURCE_DIRECTIVES:
                if len(words) < 2:
                    raise ValueError(f"{read.path}:{number}: {words[0]} needs a host")
                sources.append({"daemon": daemon, "kind": words[0].lower(), "host": words[1],
                                "path": read.path, "line": number})
    return sources


def enabled_units(ctx: HostContext) -> list[str]:
    found = set()
    for folder in ("/etc/systemd/system", "/usr/lib/systemd/system", "/lib/systemd/system"):
        for path in ctx.glob(f"{folder}/*.target.wants/*.service"):
            name = path.rsplit("/", 1)[1]
            if name in UNITS:
                found.add(name)
    return sorted(found)


@host_collector("host.time_sync")
def collect(ctx: HostContext) -> list[Resource]:
    chrony = read_paths(ctx, CHRONY)
    ntp = read_paths(ctx, NTP)
    timesyncd = [ctx.read(p) for p in dropin_paths(ctx, "systemd/timesyncd.conf")]

    def parse(reads: list[FileRead]) -> dict[str, Any]:
        sources = parse_line_sources([r for r in chrony if r.exists], "chrony")
        sources += parse_line_sources([r for r in ntp if r.exists], "ntp")
        ntp_setting = parse_ini_section([r for r in timesyncd if r.exists], "Time").get("NTP")
        if ntp_setting:
            sources += [{"daemon": "timesyncd", "kind": "server", "host": host, "path": ntp_setting["path"],
                         "line": ntp_setting["line"]} for host in ntp_setting["value"].split()]
        return {"sources": sources, "enabled_units": enabled_units(ctx),
                "daemons": sorted({UNITS[u] for u in enabled_units(ctx)})}

    return [files_resource("host.time_sync", "time-sync", chrony + ntp + timesyncd, parse)]
