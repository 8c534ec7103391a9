"""/etc/security/faillock.conf and the pam_faillock lines that may override it."""
from __future__ import annotations

from typing import Any

from ...model import Resource
from .registry import host_collector
from .files import HostContext
from .pam import module_arg_settings, module_entries
from .parsing import files_resource, parse_conf_settings, values_and_locations

PATH = "/etc/security/faillock.conf"
INTEGERS = {"deny", "unlock_time", "fail_interval", "root_unlock_time"}


def pam_backed_resource(ctx: HostContext, resource_type: str, paths: list[str], module: str,
                        pam_types: tuple[str, ...], integers: set[str]) -> Resource:
    """A PAM module's config files (later wins) and each PAM line that runs it with its ``key=value`` arguments.

    ``settings`` holds the config files' values; a line's ``args`` override
    them for that line only, so each line is judged on its own. ``pam_lines``
    lists where the module is used (with its bare-word ``flags``, such as
    pam_faillock's ``preauth``): with no line, its settings have no effect.
    """
    def parse(reads: list) -> dict[str, Any]:
        settings = parse_conf_settings(reads, integers)
        try:
            entries = module_entries(ctx, module, pam_types)
        except ValueError as exc:
            raise ValueError(f"PAM stack: {exc}") from None
        lines = [{"service": e["service"], "services": e["services"], "type": e["type"], "path": e["path"],
                  "line": e["line"], "flags": [arg for arg in e["args"] if "=" not in arg],
                  "args": {key: arg["value"] for key, arg in module_arg_settings([e], integers).items()}}
                 for e in entries]
        return {**values_and_locations(settings), "pam_lines": lines}

    resource = files_resource(resource_type, paths[0], [ctx.read(p) for p in paths], parse)
    resource.attributes["present"] = ctx.exists(paths[0])
    return resource


@host_collector("host.faillock")
def collect(ctx: HostContext) -> list[Resource]:
    return [pam_backed_resource(ctx, "host.faillock", [PATH], "pam_faillock.so", ("auth", "account"), INTEGERS)]
