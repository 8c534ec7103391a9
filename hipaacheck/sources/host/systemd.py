"""systemd daemons' settings: logind (idle session stop) and journald (storage), with drop-ins."""
from __future__ import annotations

from typing import Any

from ...model import Resource
from .registry import host_collector
from .files import FileRead, HostContext
from .parsing import dropin_paths, files_resource, parse_ini_section, parse_time_span, values_and_locations


def systemd_resource(ctx: HostContext, resource_type: str, name: str, section: str,
                     extra: Any = None) -> Resource:
    """``/etc/<name>`` and its drop-ins, ``[section]`` settings, last wins."""
    paths = dropin_paths(ctx, name)

    def parse(reads: list[FileRead]) -> dict[str, Any]:
        attributes = values_and_locations(parse_ini_section(reads, section))
        if extra is not None:
            attributes.update(extra(attributes["settings"]))
        return attributes

    return files_resource(resource_type, paths[0], [ctx.read(p) for p in paths], parse)


def _idle(settings: dict[str, Any]) -> dict[str, Any]:
    raw = settings.get("StopIdleSessionSec")
    seconds = parse_time_span(raw) if raw is not None else None  # unset or infinity: never stopped
    return {"stop_idle_session_sec": seconds}


@host_collector("host.logind")
def collect_logind(ctx: HostContext) -> list[Resource]:
    return [systemd_resource(ctx, "host.logind", "systemd/logind.conf", "Login", _idle)]


@host_collector("host.journald")
def collect_journald(ctx: HostContext) -> list[Resource]:
    resource = systemd_resource(ctx, "host.journald", "systemd/journald.conf", "Journal")
    # Storage=auto (the default) keeps logs on disk only if /var/log/journal exists.
    resource.attributes["var_log_journal"] = ctx.stat("/var/log/journal").is_dir
    return [resource]
