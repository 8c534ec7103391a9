"""The results document as JSON (the contract CI pipelines and ``report`` read back), and the
JSON writer every JSON format shares.

Output is compact by default; ``pretty`` indents by two spaces for people. A :class:`Stream`
inside a document is an array written item by item as its items are made, so no format holds its
whole rendered document, or a dict per finding, in memory. The bytes equal ``json.dumps`` of the
same document with the streams as lists (``ensure_ascii=False``; see :mod:`hipaacheck.jsonenc`).
"""
from __future__ import annotations

from dataclasses import dataclass
from itertools import islice
from typing import Any, BinaryIO, Callable, Iterable

from ..jsonenc import dumps
from ..results import Results
from .interface import OutputFormat

INDENT = b"  "
BATCH = 1000  # stream items encoded per call (compact output)


class Stream:
    """An array whose items are made while it is written. Items are plain JSON values."""

    __slots__ = ("items",)

    def __init__(self, items: Iterable[Any]) -> None:
        self.items = items


@dataclass(frozen=True)
class Layout:
    pretty: bool
    sort_keys: bool

    def encode(self, value: Any) -> bytes:
        return dumps(value, self.pretty, self.sort_keys)


def write_json(value: Any, out: BinaryIO, pretty: bool = False, sort_keys: bool = False) -> None:
    """Write ``value`` and a final newline; :class:`Stream` values anywhere in dicts and lists are streamed."""
    _write(value, out, Layout(pretty, sort_keys), 0)
    out.write(b"\n")


def _holds_stream(value: Any) -> bool:
    if isinstance(value, Stream):
        return True
    if isinstance(value, dict):
        return any(map(_holds_stream, value.values()))
    if isinstance(value, (list, tuple)):
        return any(map(_holds_stream, value))
    return False


def _write(value: Any, out: BinaryIO, layout: Layout, level: int, head: bytes = b"") -> None:
    """Write ``head`` (what precedes the value: separator, indent, key), then ``value``."""
    if isinstance(value, Stream) and not layout.pretty:
        _write_batched(value.items, out, layout, head)
    elif isinstance(value, Stream):  # its items are plain values: no need to look inside them
        _write_members(((None, item) for item in value.items), b"[]", out, layout, level, head, _write_plain)
    elif isinstance(value, dict) and _holds_stream(value):
        items = sorted(value.items(), key=lambda item: item[0]) if layout.sort_keys else value.items()
        _write_members(items, b"{}", out, layout, level, head, _write)
    elif isinstance(value, (list, tuple)) and _holds_stream(value):
        _write_members(((None, item) for item in value), b"[]", out, layout, level, head, _write)
    else:
        _write_plain(value, out, layout, level, head)


def _write_plain(value: Any, out: BinaryIO, layout: Layout, level: int, head: bytes = b"") -> None:
    text = layout.encode(value)
    if layout.pretty and level:
        text = text.replace(b"\n", b"\n" + INDENT * level)  # JSON strings hold no raw newline
    out.write(head + text)


def _write_batched(items: Iterable[Any], out: BinaryIO, layout: Layout, head: bytes) -> None:
    """A compact array, :data:`BATCH` items to one encoder call: the encoder's cost per call, not
    per byte, is what a stream of small items pays most."""
    out.write(head + b"[")
    lead = b""
    iterator = iter(items)
    while batch := list(islice(iterator, BATCH)):
        out.write(lead + layout.encode(batch)[1:-1])
        lead = b","
    out.write(b"]")


def _write_members(members: Iterable[tuple[Any, Any]], brackets: bytes, out: BinaryIO, layout: Layout,
                   level: int, head: bytes, write: Callable[..., None]) -> None:
    """The members of an object (key, value) or an array (None, value), laid out as ``json.dumps`` does."""
    newline = b"\n" + INDENT * (level + 1) if layout.pretty else b""
    key_separator = b": " if layout.pretty else b":"
    opening = head + brackets[:1] + newline
    lead = opening
    for key, value in members:
        if key is not None:
            lead += dumps(str(key)) + key_separator
        write(value, out, layout, level + 1, lead)
        lead = b"," + newline
    if lead == opening:  # no members
        out.write(head + brackets)
    else:
        out.write((b"\n" + INDENT * level if layout.pretty else b"") + brackets[1:])


class JsonFormat(OutputFormat):
    name = "json"
    filename = "hipaacheck-results.json"

    def write(self, results: Results, out: BinaryIO) -> None:
        write_json(results.document(Stream(f.to_dict() for f in results.findings)), out, self.pretty)
