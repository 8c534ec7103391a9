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
from .jsonwalk import JsonWalker
from .yamlio import json_path, line_of

DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$", re.ASCII)


@cache
def packaged_schema(name: str) -> dict[str, Any]:
    """Load one of the JSON Schemas shipped in ``hipaacheck/schemas``; ``results#/properties/findings/items``
    names a part of one (a JSON pointer that holds no ``$ref``), under the same ``$schema``."""
    name, _, pointer = name.partition("#")
    text = resources.files("hipaacheck").joinpath("schemas").joinpath(f"{name}.schema.json").read_text("utf-8")
    schema = json.loads(text)
    if not pointer:
        return schema
    part = schema
    for key in pointer.strip("/").split("/"):
        part = part[key]
    return {"$schema": schema["$schema"], **part}


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
                      json_text: Callable[[], str] | None = None, at: tuple[Any, ...] = ()) -> None:
    """Raise :class:`InputError` naming the most specific schema violation.

    ``json_text`` gives the JSON the document was parsed from, read only to name the
    violation's line (YAML documents loaded by :func:`~hipaacheck.yamlio.load_yaml`
    carry their own lines). ``at``: where ``data`` sits in that JSON, for a part of a
    document checked alone (``("findings", 3)`` with schema ``results#/properties/findings/items``).
    """
    import fastjsonschema

    try:
        compiled(schema_name)(data)
    except fastjsonschema.JsonSchemaValueException as fast:
        raise _violation(data, schema_name, source, fast, json_text, at) from None


def _violation(data: Any, schema_name: str, source: Path | str, fast: Any,
               json_text: Callable[[], str] | None, at: tuple[Any, ...]) -> InputError:
    import jsonschema

    errors = list(_validator(schema_name).iter_errors(data))
    if errors:
        error = jsonschema.exceptions.best_match(errors)
        parts, message = [*at, *error.absolute_path], plain_message(error, at)
    else:  # the two validators disagree: report what the compiled one found
        parts = [*at, *_typed_path(data, fast.path[1:])]
        message = fast.message[len(fast.name):].strip() if fast.message.startswith(fast.name) else fast.message
    return _error(parts, message, None if at else data, source, json_text)


def schema_error(error: Any, data: Any, source: Path | str) -> InputError:
    """A jsonschema error as a one-line :class:`InputError`."""
    return _error(list(error.absolute_path), plain_message(error), data, source, None)


TYPE_NAMES = {"string": "text", "integer": "a whole number", "number": "a number", "boolean": "true or false",
              "array": "a list", "object": "a mapping", "null": "empty"}


def _kind(value: Any) -> str:
    for name, kind in (("boolean", bool), ("integer", int), ("number", float), ("string", str), ("array", list),
                       ("object", dict)):
        if isinstance(value, kind):
            return TYPE_NAMES[name]
    return TYPE_NAMES["null"]


def plain_message(error: Any, at: tuple[Any, ...] = ()) -> str:
    """What a person should fix, for the schema failures people make most (jsonschema's wording otherwise):
    ``'too long' is too short`` becomes ``justification must be at least 20 characters``. ``at``: where the
    validated value sits in its document."""
    path = [part for part in (*at, *error.absolute_path) if isinstance(part, str)]
    field = path[-1] if path else "the value"
    rule, limit = error.validator, error.validator_value
    if rule == "minLength":
        return f"{field} must be at least {limit} character{'s' if limit != 1 else ''}"
    if rule == "maxLength":
        return f"{field} must be at most {limit} characters"
    if rule == "required":
        missing = [name for name in limit if isinstance(error.instance, dict) and name not in error.instance]
        return f"{missing[0] if missing else 'a field'} is required here"
    if rule == "enum":
        return f"{field} must be one of: {', '.join(map(str, limit))}"
    if rule == "const":
        return f"{field} must be {limit}"
    if rule == "type":
        wanted = [limit] if isinstance(limit, str) else list(limit)
        return f"{field} must be {' or '.join(TYPE_NAMES.get(t, t) for t in wanted)}, not {_kind(error.instance)}"
    if rule == "format" and limit == "date":
        return f"{field} must be a date written YYYY-MM-DD"
    if rule in ("minimum", "maximum"):
        return f"{field} must be {'at least' if rule == 'minimum' else 'at most'} {limit}"
    if rule == "minItems":
        return f"{field} must list at least {limit} item{'s' if limit != 1 else ''}"
    if rule == "additionalProperties" and isinstance(error.instance, dict):
        allowed = set((error.schema.get("properties") or {}))
        extra = sorted(str(k) for k in error.instance if k not in allowed)
        known = f" (allowed: {', '.join(sorted(allowed))})" if allowed else ""
        return f"unknown field {extra[0] if extra else '?'}{known}" if extra else error.message
    return error.message


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
    try:
        walker = JsonWalker(text)
        if not all(walker.find(part) for part in parts):
            return None
    except (ValueError, IndexError):
        return None
    return text.count("\n", 0, walker.pos) + 1


def load_versioned_json(path: Path, schema_name: str, supported_version: str) -> Any:
    """Load a JSON document we wrote earlier (results, inventory), checking schema and major version."""
    from .yamlio import load_json, read_text

    data = load_json(path)
    validate_document(data, schema_name, path, lambda: read_text(path))
    check_version(data, path, schema_name, supported_version)
    return data


def check_version(data: dict[str, Any], path: Path, schema_name: str, supported_version: str) -> None:
    """Refuse a valid document whose major ``schema_version`` this hipaacheck does not read."""
    found = str(data["schema_version"])
    if found.split(".")[0] != supported_version.split(".")[0]:
        raise InputError(f"{path}: $.schema_version",
                         f"unsupported {schema_name} version {found!r} (this hipaacheck reads {supported_version})")
