"""JSON Schema validation of loaded documents, with errors that name file and place."""
from __future__ import annotations

import json
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from .errors import InputError
from .yamlio import json_path, line_of


@cache
def packaged_schema(name: str) -> dict[str, Any]:
    """Load one of the JSON Schemas shipped in ``hipaacheck/schemas``."""
    text = resources.files("hipaacheck").joinpath("schemas").joinpath(f"{name}.schema.json").read_text("utf-8")
    return json.loads(text)


@cache
def _validator(name: str) -> Any:
    import jsonschema  # lazy: costs ~100 ms at import

    schema = packaged_schema(name)
    cls = jsonschema.validators.validator_for(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def validate_document(data: Any, schema_name: str, source: Path | str) -> None:
    """Raise :class:`InputError` for the first (most specific) schema violation."""
    import jsonschema

    errors = list(_validator(schema_name).iter_errors(data))
    if not errors:
        return
    error = jsonschema.exceptions.best_match(errors)
    raise schema_error(error, data, source)


def schema_error(error: Any, data: Any, source: Path | str) -> InputError:
    parts = list(error.absolute_path)
    line = line_of(data, parts)
    where = f"{source}:{line}" if line else str(source)
    return InputError(where, f"{json_path(parts)}: {error.message}")


def load_versioned_json(path: Path, schema_name: str, supported_version: str) -> Any:
    """Load a JSON document we wrote earlier (results, inventory), checking schema and major version."""
    from .yamlio import load_json

    data = load_json(path)
    validate_document(data, schema_name, path)
    found = str(data["schema_version"])
    if found.split(".")[0] != supported_version.split(".")[0]:
        raise InputError(f"{path}: $.schema_version",
                         f"unsupported {schema_name} version {found!r} (this hipaacheck reads {supported_version})")
    return data
