"""Local accounts from /etc/passwd, /etc/shadow, /etc/group and each home's ``~/.ssh/authorized_keys``.

Password hashes are never kept: each account keeps only its password status
(``empty``, ``locked``, ``hashed``, ``none``) and the hash algorithm's name; of authorized_keys files,
only how many keys they hold.
"""
from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from ...model import Resource
from .registry import host_collector
from .files import FileRead, HostContext
from .parsing import file_resource, parse_int

PASSWD, SHADOW, GROUP = "/etc/passwd", "/etc/shadow", "/etc/group"
AUTHORIZED_KEYS = (".ssh/authorized_keys", ".ssh/authorized_keys2")  # sshd's default AuthorizedKeysFile
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
                "home": parts[5], "shell": parts[6], "line": number}
        if parts[1] != "x":  # a hash (or nothing) right in /etc/passwd
            user["passwd_field"] = password_status(parts[1])
        users.append(user)
    return {"users": users}


def _expires(parts: list[str], where: str) -> str | None:
    """The account expiration date (shadow field 8, days since 1970-01-01), or None when not set."""
    field = parts[7].strip() if len(parts) > 7 else ""
    if not field:
        return None
    try:
        return (date(1970, 1, 1) + timedelta(days=parse_int(field, where, "a day number"))).isoformat()
    except OverflowError:
        raise ValueError(f"{where}: account expiration day {field!r} is out of range") from None


def parse_shadow(text: str) -> dict[str, Any]:
    """{user: status}; for a user listed twice the first entry counts, as getspnam(3) returns it."""
    entries: dict[str, Any] = {}
    for number, parts in _records(text, SHADOW, 2):
        if parts[0] not in entries:
            entry = entries[parts[0]] = {**password_status(parts[1]), "line": number}
            expires = _expires(parts, f"{SHADOW}:{number}")
            if expires is not None:
                entry["expires"] = expires
    return entries


def parse_group(text: str) -> list[dict[str, Any]]:
    return [{"name": p[0], "gid": _id(p[2], f"{GROUP}:{n}"), "members": [m for m in p[3].split(",") if m],
             "line": n} for n, p in _records(text, GROUP, 4)]


def _key_count(text: str) -> int:
    return sum(1 for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#"))


def authorized_keys(ctx: HostContext, users: list[dict[str, Any]]) -> dict[str, Any]:
    """{user: {"entries": N}} for users whose home holds authorized_keys, {"unreadable": why} if unreadable."""
    found: dict[str, Any] = {}
    for user in users:
        home = user.get("home") or ""
        if not home.startswith("/") or home == "/":
            continue
        count, problem = 0, None
        for relative in AUTHORIZED_KEYS:
            read = ctx.read(f"{home.rstrip('/')}/{relative}")
            if read.ok:
                count += _key_count(read.text or "")
            elif read.exists:
                problem = f"{read.path}: {read.error}"
        if problem:
            found[user["name"]] = {"unreadable": problem}
        elif count:
            found[user["name"]] = {"entries": count}
    return found


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
    if "users" in resource.attributes:
        resource.attributes["authorized_keys"] = authorized_keys(ctx, resource.attributes["users"])
    else:
        resource.unreadable["authorized_keys"] = f"{PASSWD} could not be read, so no home is known"
    return [resource]
