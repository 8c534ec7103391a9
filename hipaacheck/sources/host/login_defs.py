"""/etc/login.defs: password ageing and hashing defaults for new accounts."""
from __future__ import annotations

from typing import Any

from ...model import Resource
from .registry import host_collector
from .files import HostContext
from .parsing import file_resource, parse_key_value

PATH = "/etc/login.defs"
NUMERIC = {"PASS_MAX_DAYS", "PASS_MIN_DAYS", "PASS_WARN_AGE", "UID_MIN", "UID_MAX", "SHA_CRYPT_MIN_ROUNDS",
           "SHA_CRYPT_MAX_ROUNDS", "YESCRYPT_COST_FACTOR"}


@host_collector("host.login_defs")
def collect(ctx: HostContext) -> list[Resource]:
    read = ctx.read(PATH)

    def parse(text: str) -> dict:
        settings = parse_key_value(text, separator=None)
        values: dict[str, Any] = {}
        for key, (text, _line) in settings.items():
            key = key.upper()
            value: Any = text
            if key in NUMERIC:
                try:
                    value = int(text)
                except ValueError:
                    pass
            values[key] = value
        return {"settings": values, "lines": {k.upper(): line for k, (_, line) in settings.items()}}

    return [file_resource("host.login_defs", read, parse)]
