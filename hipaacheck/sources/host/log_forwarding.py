"""Off-host log copies: rsyslog forwarding (legacy ``@@host`` and ``action(type="omfwd")``) and audisp-remote."""
from __future__ import annotations

import re
from typing import Any

from ...model import Resource
from .registry import host_collector
from .files import FileRead, HostContext
from .parsing import files_resource, parse_conf_settings, read_paths
from .redaction import strip_userinfo

RSYSLOG = ["/etc/rsyslog.conf", "/etc/rsyslog.d/*.conf"]
AUDISP_PLUGIN = ["/etc/audit/plugins.d/au-remote.conf", "/etc/audisp/plugins.d/au-remote.conf"]
AUDISP_REMOTE = ["/etc/audit/audisp-remote.conf", "/etc/audisp/audisp-remote.conf"]
# A "user:password@" before the host is matched apart, so it is never kept as the target.
_LEGACY = re.compile(r"^\S+\s+(@@|@)(?:\([^)]*\))?(?:[^\s@;]*@)?(\[[^\]]+\]|[^\s:;]+)(?::(\d+))?")
_ACTION = re.compile(r"action\s*\((.*?)\)", re.DOTALL | re.IGNORECASE)
_PARAM = re.compile(r'([A-Za-z.]+)\s*=\s*"([^"]*)"')


def _strip_comments(text: str) -> str:
    return "\n".join("" if line.lstrip().startswith("#") else line for line in text.splitlines())


def parse_rsyslog(reads: list[FileRead]) -> list[dict[str, Any]]:
    forwards: list[dict[str, Any]] = []
    for read in reads:
        text = _strip_comments(read.text or "")
        legacy_tls = bool(re.search(r"^\s*\$ActionSendStreamDriverMode\s+1\b", text, re.MULTILINE))
        for number, line in enumerate(text.splitlines(), start=1):
            match = _LEGACY.match(line.strip())
            if match:
                forwards.append({"target": match.group(2), "protocol": "tcp" if match.group(1) == "@@" else "udp",
                                 "tls": legacy_tls and match.group(1) == "@@", "path": read.path, "line": number})
        for match in _ACTION.finditer(text):
            params = {k.lower(): v for k, v in _PARAM.findall(match.group(1))}
            if params.get("type", "").lower() != "omfwd":
                continue
            if "target" not in params:
                raise ValueError(f"{read.path}:{text.count(chr(10), 0, match.start()) + 1}: omfwd action without target")
            forwards.append({"target": strip_userinfo(params["target"]), "protocol": params.get("protocol", "udp").lower(),
                             "tls": params.get("streamdrivermode") == "1", "path": read.path,
                             "line": text.count("\n", 0, match.start()) + 1})
    return forwards


def parse_audisp(plugin: list[FileRead], remote: list[FileRead]) -> list[dict[str, Any]]:
    active = parse_conf_settings(plugin, lower_values=True).get("active", {}).get("value") == "yes"
    server = parse_conf_settings(remote).get("remote_server")
    if not (active and server and server["value"]):
        return []
    return [{"target": strip_userinfo(server["value"]), "protocol": "audisp-remote", "tls": None,
             "path": server["path"], "line": server["line"]}]


@host_collector("host.log_forwarding")
def collect(ctx: HostContext) -> list[Resource]:
    plugin = [r for r in (ctx.read(p) for p in AUDISP_PLUGIN) if r.exists]
    remote = [r for r in (ctx.read(p) for p in AUDISP_REMOTE) if r.exists]

    def parse(reads: list[FileRead]) -> dict[str, Any]:
        rsyslog = [r for r in reads if r.path.startswith("/etc/rsyslog")]
        return {"forwards": parse_rsyslog(rsyslog) + parse_audisp(plugin, remote)}

    resource = files_resource("host.log_forwarding", RSYSLOG[0], read_paths(ctx, RSYSLOG) + plugin + remote, parse)
    return [resource]
