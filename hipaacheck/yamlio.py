"""Safe YAML and JSON loading for one-line error messages: YAML remembers line numbers, and both are bounded.

Inputs are hostile until proven otherwise: a YAML document may expand to at most
:data:`MAX_NODES` nodes with aliases followed (an alias bomb is refused before it is
built) and nest at most :data:`MAX_DEPTH` levels; a JSON document nests at most
:data:`MAX_DEPTH` levels. Integers past Python's digit limit are an error naming the place.
"""
from __future__ import annotations

import json
import os
import stat
from datetime import date
from pathlib import Path
from typing import Any, BinaryIO, Iterable, Iterator

from .errors import InputError

MAX_NODES = 1_000_000  # nodes of a YAML document once every alias is expanded
MAX_DEPTH = 100  # nesting levels of a YAML or JSON document; hipaacheck's own need fewer than 20
JSON_CHUNK = 1 << 24  # bytes of JSON looked at a time for its nesting


class LineDict(dict):
    """A dict that knows the 1-based line of each key (and its own)."""

    line: int = 0
    key_lines: dict[Any, int]


class LineList(list):
    line: int = 0
    item_lines: list[int]


def load_yaml(path: Path | str, text: str | None = None) -> Any:
    """Parse YAML safely; a syntax error becomes an :class:`InputError` naming file and line.

    PyYAML is imported on first use (:mod:`hipaacheck.yamlparse`): a run whose shipped content comes
    from the start-up cache never needs it."""
    from .yamlparse import parse_yaml

    return parse_yaml(path, text)


def dates_to_text(data: Any, list_key: str, fields: Iterable[str]) -> None:
    """YAML reads ``2026-01-31`` as a date; the schema (and JSON) want text.

    Rewrites ``fields`` of each mapping under ``data[list_key]`` in place; any other
    shape is left alone for schema validation to report.
    """
    entries = data.get(list_key) if isinstance(data, dict) else None
    for entry in entries if isinstance(entries, list) else []:
        if isinstance(entry, dict):
            for name in fields:
                if isinstance(entry.get(name), date):
                    entry[name] = entry[name].isoformat()


def load_json(path: Path | str) -> Any:
    return parse_json(*read_json_text(Path(path)))


def read_json_text(path: Path) -> tuple[str, str, bool]:
    """The text of JSON file ``path``, the name errors give it, and whether it nests past :data:`MAX_DEPTH`."""
    raw = read_bytes(path)
    too_deep = json_too_deep(raw)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise InputError(str(path), "not UTF-8 text") from None
    del raw  # a large inventory is not held twice while it parses
    return text, str(path), too_deep


def parse_json(text: str | bytes, where: str, too_deep: bool | None = None) -> Any:
    """JSON from outside: a syntax error, an integer past the digit limit or nesting past
    :data:`MAX_DEPTH` is an :class:`InputError` naming ``where``."""
    deep = InputError(where, f"invalid JSON: nested deeper than {MAX_DEPTH} levels")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"{where}:{exc.lineno}", f"invalid JSON: {exc.msg}") from None
    except ValueError as exc:  # "Exceeds the limit (4300 digits) for integer string conversion ..."
        raise InputError(where, f"invalid JSON: {str(exc).split(';')[0]}") from None
    except RecursionError:
        raise deep from None
    if too_deep is None:
        too_deep = isinstance(data, (dict, list)) and json_too_deep(text)
    if too_deep:
        raise deep
    return data


def json_too_deep(text: str | bytes, limit: int = MAX_DEPTH) -> bool:
    """Whether JSON ``text`` nests deeper than ``limit``, counted on its brackets outside strings.

    Runs at the speed of ``bytes.replace``: escapes and then strings are dropped, the
    brackets kept, and each round removes one level of innermost pairs.
    """
    raw = text.encode("utf-8") if isinstance(text, str) else text
    kept = b"".join(_structure(part) for part in _chunks(raw, JSON_CHUNK))
    kept = kept.replace(b'""', b"")  # most strings hold no bracket; dropping two adjacent quotes keeps the parity
    brackets = b"".join(kept.split(b'"')[::2])
    for _ in range(limit):
        if not brackets:
            return False
        brackets = brackets.replace(b"[]", b"")
    return bool(brackets)


def _structure(raw: bytes) -> bytes:
    """The quotes and brackets of ``raw`` outside escapes."""
    if b"\\" in raw:  # a scan is far cheaper than replace's copy of a piece holding no escape
        raw = raw.replace(b"\\\\", b"").replace(b'\\"', b"")
    return raw.translate(_BRACKETS, _NOT_STRUCTURE)


def _chunks(raw: bytes, size: int) -> Iterator[bytes]:
    """``raw`` in pieces of about ``size`` bytes, each cut after a byte that is not a backslash (so no
    escape is cut): a large file is never copied whole while its structure is picked out."""
    start = 0
    while start < len(raw):
        end = min(start + size, len(raw))
        while end < len(raw) and raw[end - 1] == 0x5C:  # a backslash: cut after the run and the byte it escapes
            end += 1
        yield raw[start:end]
        start = end


_BRACKETS = bytes.maketrans(b"{}", b"[]")  # in valid JSON, only the nesting counts
_NOT_STRUCTURE = bytes(set(range(256)) - set(b'[]{}"'))


def read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise _read_error(path, exc) from None


def read_text(path: Path) -> str:
    try:
        return read_bytes(path).decode("utf-8")
    except UnicodeDecodeError:
        raise InputError(str(path), "not UTF-8 text") from None


def open_regular(path: Path) -> BinaryIO:
    """``path`` opened for reading if it is a regular file; anything else (a FIFO, a device, a folder) is an
    OSError, never read. Opened without blocking, so a FIFO put in its place cannot hang the run."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    handle = os.fdopen(fd, "rb")
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        handle.close()
        raise OSError(0, "not a regular file", str(path))
    return handle


def read_limited(path: Path, what: str, limit: int) -> bytes:
    """A regular input file's bytes (a roster, a register), at most ``limit`` of them, or an
    :class:`InputError` naming it: any failure to read it (EIO, a FIFO, a loop of links) is one line."""
    try:
        with open_regular(path) as handle:
            data = handle.read(limit + 1)  # the size as read, not as stat said: the file may grow meanwhile
    except FileNotFoundError:
        raise InputError(str(path), f"{what} not found") from None
    except OSError as exc:
        raise _read_error(path, exc) from None
    if len(data) > limit:
        raise InputError(str(path), f"larger than {limit} bytes")
    return data


def _read_error(path: Path, exc: OSError) -> InputError:
    if exc.errno == 0 and exc.strerror:  # open_regular's refusal
        return InputError(str(path), exc.strerror)
    if isinstance(exc, FileNotFoundError):
        return InputError(str(path), "file not found")
    if isinstance(exc, IsADirectoryError):
        return InputError(str(path), "is a directory, expected a file")
    if isinstance(exc, PermissionError):
        return InputError(str(path), "permission denied")
    return InputError(str(path), f"cannot read ({exc.strerror or exc})")


def json_path(parts: Iterable[Any]) -> str:
    """Render a jsonschema error path as ``$.a.b[2]``."""
    out = "$"
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else f".{part}"
    return out


def line_of(data: Any, parts: Iterable[Any]) -> int | None:
    """Best line number for the value at ``parts`` inside data loaded by :func:`load_yaml`."""
    line = getattr(data, "line", None)
    node = data
    for part in parts:
        if isinstance(node, LineDict) and part in node:
            line = node.key_lines.get(part, line)
            node = node[part]
        elif isinstance(node, LineList) and isinstance(part, int) and part < len(node):
            line = node.item_lines[part]
            node = node[part]
        else:
            break
    return line


def dump_yaml(data: Any) -> str:
    """YAML for a person to read: keys in their order, Unicode as is, no anchors or aliases."""
    from .yamlparse import dump

    return dump(data)
