"""The system-wide crypto policy (RHEL family): /etc/crypto-policies/config, e.g. ``DEFAULT:NO-SHA1``."""
from __future__ import annotations

from typing import Any

from ...model import Resource
from .registry import host_collector
from .files import HostContext
from .parsing import file_resource, logical_lines

PATH = "/etc/crypto-policies/config"


def parse_policy(text: str) -> dict[str, Any]:
    lines = logical_lines(text)
    if len(lines) != 1:
        raise ValueError(f"expected one policy line, found {len(lines)}")
    number, value = lines[0]
    if " " in value:
        raise ValueError(f"line {number}: a policy name has no spaces")
    base, *modules = value.split(":")
    return {"policy": base.upper(), "modules": [m.upper() for m in modules], "line": number}


@host_collector("host.crypto_policy")
def collect(ctx: HostContext) -> list[Resource]:
    return [file_resource("host.crypto_policy", ctx.read(PATH), parse_policy)]
