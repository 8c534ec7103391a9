"""Local accounts from /etc/passwd, /etc/shadow and /etc/group.

Password hashes are never kept: each account keeps only its password status
(``empty``, ``locked``, ``hashed``, ``none``) and the hash algorithm's name.
"""
from __future__ import annotations

from typing import Any

from ...model import Resource
from .registry import host_collector
from .files import FileRead, HostContext
from .parsing import file_resource, parse_int

PASSWD, SHADOW, GROUP = "/etc/passwd", "/etc/shadow", "/etc/group"
ALGORITHMS = {"1": "md5", "2a": "bcrypt", "2b": "bcrypt", "2y": "bcrypt", "5": "sha256", "6": "sha512",
              "y": "yescrypt", "gy": "gost-yescrypt", "7": "scrypt", "sha1": "sha1", "md5": "sun-md5"}


def password_status(field: str) -> dict[str, Any]:
    """Classify a password field without keeping it."""
    if field == "":
        return {"status": "empty", "algorithm": None}
    locked = field[0] in "!*"
    rest = field.lstrip("!*")
    if rest.startswith("$"):
        ident = rest.split("$")[1] if rest.count("$") >= 2 else ""
        algorithm = ALGORITHMS.get(ident, "unknown")
    elif len(rest) == 13 and all(c.isalnum() or c in "./" for c in rest):
        algorithm = "des"
    else:
        return {"status": "locked", "algorithm": None}  # "*", "!!", "x": no password can match
    return {"status": "locked" if locked else "hashed", "algorithm": algorithm}


def _records(text: str, path: str, fields: int) -> list[tuple[int, list[str]]]:
    records = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#") or line[0] in "+-":  # NIS compat lines
            continue
        parts = line.split(":")
        if len(parts) < fields:
            raise ValueError(f"{path}:{number}: expected {fields} ':'-separated fields, found {len(parts)}")
        records.append((number, parts))
    return records


def _id(value: str, where: str) -> int:
    return parse_int(value, where, "a numeric id")


def parse_passwd(text: str) -> dict[str, Any]:
    users = []
    for number, parts in _records(text, PASSWD, 7):
        where = f"{PASSWD}:{number}"
        user = {"name": parts[0], "uid": _id(parts[2], where), "gid": _id(parts[3], where),
                "shell": parts[6], "line": number}
        if parts[1] != "x":  # a hash (or nothing) right in /etc/passwd
            user["passwd_field"] = password_status(parts[1])
        users.append(user)
    return {"users": users}


def parse_shadow(text: str) -> dict[str, Any]:
    """{user: status}; for a user listed twice the first entry counts, as getspnam(3) returns it."""
    entries: dict[str, Any] = {}
    for number, parts in _records(text, SHADOW, 2):
        entries.setdefault(parts[0], {**password_status(parts[1]), "line": number})
    return entries


def parse_group(text: str) -> list[dict[str, Any]]:
    return [{"name": p[0], "gid": _id(p[2], f"{GROUP}:{n}"), "line": n} for n, p in _records(text, GROUP, 4)]


def _optional(resource: Resource, name: str, read: FileRead, parse: Any) -> None:
    if not read.ok:
        resource.unreadable[name] = f"{read.path}: {read.error or 'missing'}"
        return
    try:
        resource.attributes[name] = parse(read.text or "")
    except ValueError as exc:
        resource.unreadable[name] = f"parse error: {exc}"


@host_collector("host.accounts")
def collect(ctx: HostContext) -> list[Resource]:
    resource = file_resource("host.accounts", ctx.read(PASSWD), parse_passwd)
    _optional(resource, "passwords", ctx.read(SHADOW), parse_shadow)
    _optional(resource, "groups", ctx.read(GROUP), parse_group)
    return [resource]
