"""Safe YAML loading that remembers line numbers, for one-line error messages."""
from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any, Iterable

import yaml

from .errors import InputError

_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class LineDict(dict):
    """A dict that knows the 1-based line of each key (and its own)."""

    line: int = 0
    key_lines: dict[Any, int]


class LineList(list):
    line: int = 0
    item_lines: list[int]


class _LineLoader(_BaseLoader):  # type: ignore[misc, valid-type]
    pass


def _construct_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> LineDict:
    loader.flatten_mapping(node)
    result = LineDict()
    result.line = node.start_mark.line + 1
    result.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        try:
            hash(key)
        except TypeError:
            raise yaml.constructor.ConstructorError(None, None, "unhashable key", key_node.start_mark) from None
        if key in result:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark)
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[key] = key_node.start_mark.line + 1
    return result


def _construct_sequence(loader: yaml.SafeLoader, node: yaml.SequenceNode) -> LineList:
    result = LineList(loader.construct_object(child, deep=True) for child in node.value)
    result.line = node.start_mark.line + 1
    result.item_lines = [child.start_mark.line + 1 for child in node.value]
    return result


def _construct_timestamp(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Any:
    """Dates like 2026-02-30 match YAML's timestamp pattern but are not dates: say where."""
    try:
        return yaml.constructor.SafeConstructor.construct_yaml_timestamp(loader, node)
    except ValueError as exc:
        raise yaml.constructor.ConstructorError(None, None, f"invalid date {node.value!r}: {exc}",
                                                node.start_mark) from None


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_LineLoader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)
_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)


def load_yaml(path: Path | str, text: str | None = None) -> Any:
    """Parse YAML safely; a syntax error becomes an :class:`InputError` naming file and line."""
    path = Path(path)
    if text is None:
        text = read_text(path)
    try:
        return yaml.load(text, Loader=_LineLoader)  # noqa: S506 - _LineLoader derives from SafeLoader
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = f":{mark.line + 1}" if mark else ""
        problem = exc.problem or exc.context or "invalid YAML"
        raise InputError(f"{path}{line}", f"YAML syntax error: {problem}") from None
    except yaml.YAMLError as exc:
        raise InputError(str(path), f"YAML error: {exc}") from None


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
    path = Path(path)
    try:
        return json.loads(read_text(path))
    except json.JSONDecodeError as exc:
        raise InputError(f"{path}:{exc.lineno}", f"invalid JSON: {exc.msg}") from None


def read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(str(path), "file not found") from None
    except IsADirectoryError:
        raise InputError(str(path), "is a directory, expected a file") from None
    except PermissionError:
        raise InputError(str(path), "permission denied") from None
    except UnicodeDecodeError:
        raise InputError(str(path), "not UTF-8 text") from None


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


# Loaded documents dump back like the plain dicts and lists they are.
yaml.SafeDumper.add_representer(LineDict, yaml.representer.SafeRepresenter.represent_dict)
yaml.SafeDumper.add_representer(LineList, yaml.representer.SafeRepresenter.represent_list)


class _PlainDumper(yaml.SafeDumper):
    """Writes a value shared by two places out in both (no ``&id001`` anchors and ``*id001`` aliases)."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def dump_yaml(data: Any) -> str:
    """YAML for a person to read: keys in their order, Unicode as is, no anchors or aliases."""
    return yaml.dump(data, Dumper=_PlainDumper, sort_keys=False, allow_unicode=True, width=100)
