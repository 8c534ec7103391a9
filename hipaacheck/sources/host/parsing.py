"""Small parsing helpers shared by host collectors."""
from __future__ import annotations

from typing import Any, Callable

from ...model import Resource
from .files import FileRead


def logical_lines(text: str, comment: str = "#") -> list[tuple[int, str]]:
    """Non-blank, non-comment lines with their 1-based line numbers, stripped."""
    out = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith(comment):
            continue
        out.append((number, line))
    return out


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
