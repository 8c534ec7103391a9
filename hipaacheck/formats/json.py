"""The results document as JSON (the contract CI pipelines and ``report`` read back), and the
JSON writer every JSON format shares.

Output is compact through the C encoder by default; ``pretty`` indents by two spaces for
people (the pure-Python encoder: several times slower). A :class:`Stream` inside a document
is an array written item by item as its items are made, so no format holds its whole
rendered document, or a dict per finding, in memory. The bytes equal ``json.dumps`` of the
same document with the streams as lists.
"""
from __future__ import annotations

import json
from functools import cache
from itertools import islice
from typing import Any, BinaryIO, Callable, Iterable

from ..results import Results
from .interface import OutputFormat

INDENT = "  "
BATCH = 1000  # stream items encoded per call (compact output)


class Stream:
    """An array whose items are made while it is written. Items are plain JSON values."""

    __slots__ = ("items",)

    def __init__(self, items: Iterable[Any]) -> None:
        self.items = items


def write_json(value: Any, out: BinaryIO, pretty: bool = False, sort_keys: bool = False) -> None:
    """Write ``value`` and a final newline; :class:`Stream` values anywhere in dicts and lists are streamed."""
    _write(value, out, _encoder(pretty, sort_keys), 0)
    out.write(b"\n")


@cache
def _encoder(pretty: bool, sort_keys: bool) -> json.JSONEncoder:
    """Compact encoders run in C; indented ones in Python."""
    if pretty:
        return json.JSONEncoder(ensure_ascii=False, sort_keys=sort_keys, indent=2, default=str)
    return json.JSONEncoder(ensure_ascii=False, sort_keys=sort_keys, separators=(",", ":"), default=str)


def _holds_stream(value: Any) -> bool:
    if isinstance(value, Stream):
        return True
    if isinstance(value, dict):
        return any(map(_holds_stream, value.values()))
    if isinstance(value, (list, tuple)):
        return any(map(_holds_stream, value))
    return False


def _write(value: Any, out: BinaryIO, encoder: json.JSONEncoder, level: int, head: str = "") -> None:
    """Write ``head`` (what precedes the value: separator, indent, key), then ``value``."""
    if isinstance(value, Stream) and encoder.indent is None:
        _write_batched(value.items, out, encoder, head)
    elif isinstance(value, Stream):  # its items are plain values: no need to look inside them
        _write_members(((None, item) for item in value.items), "[]", out, encoder, level, head, _write_plain)
    elif isinstance(value, dict) and _holds_stream(value):
        items = sorted(value.items(), key=lambda item: item[0]) if encoder.sort_keys else value.items()
        _write_members(items, "{}", out, encoder, level, head, _write)
    elif isinstance(value, (list, tuple)) and _holds_stream(value):
        _write_members(((None, item) for item in value), "[]", out, encoder, level, head, _write)
    else:
        _write_plain(value, out, encoder, level, head)


def _write_plain(value: Any, out: BinaryIO, encoder: json.JSONEncoder, level: int, head: str = "") -> None:
    text = encoder.encode(value)
    if encoder.indent is not None and level:
        text = text.replace("\n", "\n" + INDENT * level)  # JSON strings hold no raw newline
    out.write((head + text).encode("utf-8"))


def _write_batched(items: Iterable[Any], out: BinaryIO, encoder: json.JSONEncoder, head: str) -> None:
    """A compact array, :data:`BATCH` items to one encoder call: the C encoder's cost per call, not
    per byte, is what a stream of small items pays most."""
    out.write((head + "[").encode("utf-8"))
    lead = ""
    iterator = iter(items)
    while batch := list(islice(iterator, BATCH)):
        out.write((lead + encoder.encode(batch)[1:-1]).encode("utf-8"))
        lead = ","
    out.write(b"]")


def _write_members(members: Iterable[tuple[Any, Any]], brackets: str, out: BinaryIO, encoder: json.JSONEncoder,
                   level: int, head: str, write: Callable[..., None]) -> None:
    """The members of an object (key, value) or an array (None, value), laid out as ``json.dumps`` does."""
    pretty = encoder.indent is not None
    newline = "\n" + INDENT * (level + 1) if pretty else ""
    key_separator = ": " if pretty else ":"
    lead = head + brackets[0] + newline
    for key, value in members:
        if key is not None:
            lead += encoder.encode(str(key)) + key_separator
        write(value, out, encoder, level + 1, lead)
        lead = "," + newline
    if lead == head + brackets[0] + newline:  # no members
        out.write((head + brackets).encode("utf-8"))
    else:
        out.write((("\n" + INDENT * level if pretty else "") + brackets[1]).encode("utf-8"))


class JsonFormat(OutputFormat):
    name = "json"
    filename = "hipaacheck-results.json"

    def write(self, results: Results, out: BinaryIO) -> None:
        write_json(results.document(Stream(f.to_dict() for f in results.findings)), out, self.pretty)
