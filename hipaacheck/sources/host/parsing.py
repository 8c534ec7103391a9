"""Small parsing helpers shared by host collectors."""
from __future__ import annotations

import re
from pathlib import PurePosixPath
from typing import Any, Callable, Collection, Iterable

from ...model import Resource
from .files import FileRead, HostContext
from .redaction import keyword, quoted


def logical_lines(text: str, comment: str | tuple[str, ...] = "#") -> list[tuple[int, str]]:
    """Non-blank, non-comment lines with their 1-based line numbers, stripped."""
    out = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith(comment):
            continue
        out.append((number, line))
    return out


def continued_lines(text: str) -> list[tuple[int, str]]:
    """Lines with backslash continuations joined, each with the number of its first line (PAM, sudoers)."""
    out: list[tuple[int, str]] = []
    pending, start = "", 0
    for number, raw in enumerate(text.splitlines(), start=1):
        if not pending:
            start = number
        if raw.rstrip().endswith("\\"):
            pending += raw.rstrip()[:-1] + " "
            continue
        out.append((start, pending + raw))
        pending = ""
    if pending:
        out.append((start, pending))
    return out


def fill_resource(resource: Resource, read: Callable[[], dict[str, Any]]) -> Resource:
    """Add the attributes ``read`` returns, or mark the whole resource unreadable with its ValueError."""
    try:
        resource.attributes.update(read())
    except ValueError as exc:
        resource.unreadable["*"] = str(exc)
    return resource


def parse_key_value(text: str, separator: str | None = "=", first_wins: bool = False) -> dict[str, tuple[str, int]]:
    """``key value`` or ``key = value`` lines → {key: (value, line)}; last wins unless ``first_wins``."""
    result: dict[str, tuple[str, int]] = {}
    for number, line in logical_lines(text):
        if separator is None:
            parts = line.split(None, 1)
            key, value = parts[0], (parts[1] if len(parts) > 1 else "")
        else:
            if separator not in line:
                continue
            key, value = (part.strip() for part in line.split(separator, 1))
        value = value.strip().strip('"').strip("'")
        if first_wins and key in result:
            continue
        result[key] = (value, number)
    return result


def file_resource(resource_type: str, read: FileRead, parse: Callable[[str], dict[str, Any]]) -> Resource:
    """A resource for one config file: parsed attributes, or the reason it could not be read.

    A missing file is not an error: ``present`` is False and checks decide what
    absence means. An unreadable or unparsable file marks the whole resource
    unreadable, so every check on it reports ``error``.
    """
    resource = Resource(type=resource_type, id=read.path, attributes={"present": read.exists})
    if not read.exists:
        return resource
    if read.error:
        resource.unreadable["*"] = f"{read.path}: {read.error}"
        return resource
    try:
        resource.attributes.update(parse(read.text or ""))
    except ValueError as exc:
        resource.unreadable["*"] = f"{read.path}: parse error: {exc}"
    return resource


def files_resource(resource_type: str, resource_id: str, reads: list[FileRead],
                   parse: Callable[[list[FileRead]], dict[str, Any]]) -> Resource:
    """A resource built from several files (a main file and its drop-ins).

    ``present`` says whether any of them exists; ``files`` lists those read.
    One unreadable file makes the whole resource unreadable: a setting in it
    could change the outcome, so nothing may pass without it.
    """
    existing = [read for read in reads if read.exists]
    resource = Resource(type=resource_type, id=resource_id,
                        attributes={"present": bool(existing), "files": [read.path for read in existing]})
    errors = [f"{read.path}: {read.error}" for read in existing if read.error]
    if errors:
        resource.unreadable["*"] = "; ".join(errors)
        return resource
    try:
        resource.attributes.update(parse(existing))
    except ValueError as exc:
        resource.unreadable["*"] = f"parse error: {exc}"
    return resource


def read_paths(ctx: HostContext, patterns: list[str]) -> list[FileRead]:
    """Read each path in order; a pattern with a glob expands to its sorted matches."""
    reads: list[FileRead] = []
    for pattern in patterns:
        paths = ctx.glob(pattern) if any(ch in pattern for ch in "*?[") else [pattern]
        reads.extend(ctx.read(path) for path in paths)
    return reads


def dropin_paths(ctx: HostContext, name: str) -> list[str]:
    """systemd-style ``/etc/<name>`` then its ``<name>.d/*.conf`` drop-ins in systemd's order."""
    return [f"/etc/{name}", *dropins(ctx, ("/usr/lib", "/usr/local/lib", "/run", "/etc"), name)]


def dropins(ctx: HostContext, folders: Iterable[str], name: str) -> list[str]:
    """``<folder>/<name>.d/*.conf`` across ``folders`` (lowest priority first) in file-name order, a file in a
    later folder replacing a same-named one in an earlier folder (systemd.unit(5), systemd-system.conf(5))."""
    found: dict[str, str] = {}
    for folder in folders:
        for path in ctx.glob(f"{folder}/{name}.d/*.conf"):
            found[PurePosixPath(path).name] = path
    return [found[key] for key in sorted(found)]


def parse_ini_section(reads: list[FileRead], section: str) -> dict[str, dict[str, Any]]:
    """``Key=value`` settings of ``[section]`` across files, last wins: {key: {value, path, line}}."""
    settings: dict[str, dict[str, Any]] = {}
    for read in reads:
        current = None
        for number, line in logical_lines(read.text or "", comment=("#", ";")):
            if line.startswith("["):
                if not line.endswith("]"):
                    raise ValueError(f"{read.path}:{number}: malformed section header")
                current = line[1:-1].strip()
                continue
            if current != section:
                continue
            if "=" not in line:
                raise ValueError(f"{read.path}:{number}: expected Key=value")
            key, value = (part.strip() for part in line.split("=", 1))
            if value == "":
                settings.pop(key, None)  # an empty assignment resets to the default
            else:
                settings[key] = {"value": value, "path": read.path, "line": number}
    return settings


TIME_UNITS = {
    "us": 1e-6, "usec": 1e-6, "ms": 1e-3, "msec": 1e-3, "": 1, "s": 1, "sec": 1, "second": 1, "seconds": 1,
    "m": 60, "min": 60, "minute": 60, "minutes": 60, "h": 3600, "hr": 3600, "hour": 3600, "hours": 3600,
    "d": 86400, "day": 86400, "days": 86400, "w": 604800, "week": 604800, "weeks": 604800,
    "M": 2629800, "month": 2629800, "months": 2629800, "y": 31557600, "year": 31557600, "years": 31557600,
}
_SPAN = re.compile(r"(\d+(?:\.\d+)?)\s*([a-zA-Z]*)")


def parse_time_span(text: str) -> int | None:
    """A systemd time span (``600``, ``10min``, ``1h 30min``) in seconds; None for ``infinity``."""
    text = text.strip()
    if text == "infinity":
        return None
    total = 0.0
    position = 0
    for match in _SPAN.finditer(text):
        if text[position:match.start()].strip():
            raise ValueError("invalid time span")
        unit = match.group(2)
        if unit not in TIME_UNITS:
            raise ValueError(f"invalid time unit{quoted(unit)} in a time span")
        total += float(match.group(1)) * TIME_UNITS[unit]
        position = match.end()
    if position == 0 or text[position:].strip():
        raise ValueError("invalid time span")
    return int(total)


def parse_int(value: str, where: str, expected: str = "a number") -> int:
    """``int(value)``, or a ValueError that names ``where`` (file:line) and the bad text."""
    try:
        return int(value)
    except ValueError:
        raise ValueError(f"{where}: expected {expected}") from None


def parse_conf_settings(reads: list[FileRead], integers: Collection[str] = frozenset(), lower_values: bool = False
                        ) -> dict[str, dict[str, Any]]:
    """``key = value`` or bare ``flag`` lines (faillock.conf, pwquality.conf, auditd.conf), last wins.

    Returns {key: {value, path, line}}; a bare flag has value True, an integer
    key an int (a non-number there is a parse error naming file and line).
    """
    settings: dict[str, dict[str, Any]] = {}
    for read in reads:
        for number, line in logical_lines(read.text or ""):
            key, eq, value = line.partition("=")
            key = key.strip().lower()
            if not keyword(key):  # not a setting name: a line of some other file, or garbage
                raise ValueError(f"{read.path}:{number}: expected 'key = value'")
            parsed: Any = value.strip() if eq else True
            if key in integers:
                try:
                    parsed = int(parsed)
                except (TypeError, ValueError):
                    raise ValueError(f"{read.path}:{number}: {key} needs a whole number") from None
            elif lower_values and isinstance(parsed, str):
                parsed = parsed.lower()
            settings[key] = {"value": parsed, "path": read.path, "line": number}
    return settings


def values_and_locations(settings: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Split {key: {value, path, line}} into ``settings`` {key: value} and ``locations`` {key: {path, line}}."""
    return {
        "settings": {key: entry["value"] for key, entry in settings.items()},
        "locations": {key: {"path": entry["path"], "line": entry["line"]} for key, entry in settings.items()},
    }
