"""JSON Schema validation of documents that come from outside, with errors that name file and place.

Documents are checked by validators that fastjsonschema compiles to Python once per schema
(a 100k-finding results file validates in a fraction of the time it takes to parse).
Only once a document is known to be invalid does jsonschema run, to name the most
specific violation; the tool never re-validates what it has just built itself.
"""
from __future__ import annotations

import datetime
import hashlib
import json
import re
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, Callable

from .errors import InputError
from .yamlio import json_path, line_of

DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$", re.ASCII)
JSON_SPACE = re.compile(r"[ \t\n\r]*")


@cache
def packaged_schema(name: str) -> dict[str, Any]:
    """Load one of the JSON Schemas shipped in ``hipaacheck/schemas``."""
    text = resources.files("hipaacheck").joinpath("schemas").joinpath(f"{name}.schema.json").read_text("utf-8")
    return json.loads(text)


def is_date(value: str) -> bool:
    """``format: date`` as jsonschema checks it: the RFC 3339 full-date shape and a real calendar day."""
    if not DATE.match(value):
        return False
    try:
        datetime.date.fromisoformat(value)
    except ValueError:
        return False
    return True


FORMATS: dict[str, Callable[[str], bool]] = {"date": is_date}


@cache
def schema_digest(name: str) -> str:
    return hashlib.sha256(json.dumps(packaged_schema(name), sort_keys=True).encode()).hexdigest()


def validate_shipped(data: Any, schema_name: str, source: Path | str) -> None:
    """:func:`validate_document` for shipped content (a control, profile...): a document that
    validated in an earlier run, unchanged and under the same schema, is not validated again."""
    from .content_cache import validate_once

    validate_once(("document", schema_digest(schema_name), data),
                  lambda: validate_document(data, schema_name, source))


@cache
def compiled(name: str) -> Callable[[Any], Any]:
    """The packaged schema ``name`` compiled to a Python validator (raises on the first violation)."""
    import fastjsonschema

    return fastjsonschema.compile(packaged_schema(name), formats=FORMATS)


@cache
def _validator(name: str) -> Any:
    import jsonschema  # lazy: costs ~100 ms at import, and runs only on invalid documents

    schema = packaged_schema(name)
    cls = jsonschema.validators.validator_for(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def validate_document(data: Any, schema_name: str, source: Path | str,
                      json_text: Callable[[], str] | None = None) -> None:
    """Raise :class:`InputError` naming the most specific schema violation.

    ``json_text`` gives the JSON the document was parsed from, read only to name the
    violation's line (YAML documents loaded by :func:`~hipaacheck.yamlio.load_yaml`
    carry their own lines).
    """
    import fastjsonschema

    try:
        compiled(schema_name)(data)
    except fastjsonschema.JsonSchemaValueException as fast:
        raise _violation(data, schema_name, source, fast, json_text) from None


def _violation(data: Any, schema_name: str, source: Path | str, fast: Any,
               json_text: Callable[[], str] | None) -> InputError:
    import jsonschema

    errors = list(_validator(schema_name).iter_errors(data))
    if errors:
        error = jsonschema.exceptions.best_match(errors)
        parts, message = list(error.absolute_path), error.message
    else:  # the two validators disagree: report what the compiled one found
        parts = _typed_path(data, fast.path[1:])
        message = fast.message[len(fast.name):].strip() if fast.message.startswith(fast.name) else fast.message
    return _error(parts, message, data, source, json_text)


def schema_error(error: Any, data: Any, source: Path | str) -> InputError:
    """A jsonschema error as a one-line :class:`InputError`."""
    return _error(list(error.absolute_path), error.message, data, source, None)


def _error(parts: list[Any], message: str, data: Any, source: Path | str,
           json_text: Callable[[], str] | None) -> InputError:
    line = line_of(data, parts)
    if line is None and json_text is not None:
        line = json_line(json_text(), parts)
    where = f"{source}:{line}" if line else str(source)
    return InputError(where, f"{json_path(parts)}: {message}")


def _typed_path(data: Any, parts: list[str]) -> list[Any]:
    """fastjsonschema names array items by strings; make them indexes where the value is a list."""
    typed: list[Any] = []
    node = data
    for part in parts:
        key: Any = int(part) if isinstance(node, list) and part.isdigit() else part
        typed.append(key)
        try:
            node = node[key]
        except (KeyError, IndexError, TypeError):
            node = None
    return typed


def json_line(text: str, parts: list[Any]) -> int | None:
    """The 1-based line where the value at ``parts`` starts in valid JSON ``text`` (None if absent).

    Runs only to explain an error, so it may skip values by decoding them.
    """
    decoder = json.JSONDecoder()
    try:
        pos: int | None = JSON_SPACE.match(text).end()  # type: ignore[union-attr]
        for part in parts:
            pos = _member(text, pos, part, decoder)  # type: ignore[arg-type]
            if pos is None:
                return None
    except (ValueError, IndexError):
        return None
    return text.count("\n", 0, pos) + 1


def _member(text: str, pos: int, part: Any, decoder: json.JSONDecoder) -> int | None:
    """Where member ``part`` of the object or array at ``pos`` starts (the last of duplicate keys, as json keeps)."""
    opener = text[pos]
    if opener not in "{[":
        return None
    pos = JSON_SPACE.match(text, pos + 1).end()  # type: ignore[union-attr]
    index, found = 0, None
    while text[pos] not in "}]":
        if opener == "{":
            key, pos = json.decoder.scanstring(text, pos + 1)  # type: ignore[attr-defined]
            pos = JSON_SPACE.match(text, JSON_SPACE.match(text, pos).end() + 1).end()  # type: ignore[union-attr]
            if key == part:
                found = pos
        elif index == part:
            return pos
        pos = JSON_SPACE.match(text, decoder.raw_decode(text, pos)[1]).end()  # type: ignore[union-attr]
        if text[pos] == ",":
            pos = JSON_SPACE.match(text, pos + 1).end()  # type: ignore[union-attr]
        index += 1
    return found


def load_versioned_json(path: Path, schema_name: str, supported_version: str) -> Any:
    """Load a JSON document we wrote earlier (results, inventory), checking schema and major version."""
    from .yamlio import load_json, read_text

    data = load_json(path)
    validate_document(data, schema_name, path, lambda: read_text(path))
    found = str(data["schema_version"])
    if found.split(".")[0] != supported_version.split(".")[0]:
        raise InputError(f"{path}: $.schema_version",
                         f"unsupported {schema_name} version {found!r} (this hipaacheck reads {supported_version})")
    return data
