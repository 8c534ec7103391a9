"""Safe YAML and JSON loading for one-line error messages: YAML remembers line numbers, and both are bounded.

Inputs are hostile until proven otherwise: a YAML document may expand to at most
:data:`MAX_NODES` nodes with aliases followed (an alias bomb is refused before it is
built) and nest at most :data:`MAX_DEPTH` levels; a JSON document nests at most
:data:`MAX_DEPTH` levels. Integers past Python's digit limit are an error naming the place.
"""
from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any, Iterable

import yaml

from .errors import InputError

_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
MAX_NODES = 1_000_000  # nodes of a YAML document once every alias is expanded
MAX_DEPTH = 100  # nesting levels of a YAML or JSON document; hipaacheck's own need fewer than 20


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


def _construct_int(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Any:
    """An integer past Python's digit limit (``sys.get_int_max_str_digits``) is an error at its line."""
    try:
        return yaml.constructor.SafeConstructor.construct_yaml_int(loader, node)
    except ValueError:
        raise yaml.constructor.ConstructorError(None, None, f"integer of {len(node.value)} characters is too long",
                                                node.start_mark) from None


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_LineLoader.add_constructor("tag:yaml.org,2002:int", _construct_int)
_LineLoader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)
_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)


def load_yaml(path: Path | str, text: str | None = None) -> Any:
    """Parse YAML safely; a syntax error becomes an :class:`InputError` naming file and line."""
    path = Path(path)
    if text is None:
        text = read_text(path)
    loader = _LineLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        _check_size(node, path)
        return loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = f":{mark.line + 1}" if mark else ""
        problem = exc.problem or exc.context or "invalid YAML"
        raise InputError(f"{path}{line}", f"YAML syntax error: {problem}") from None
    except yaml.YAMLError as exc:
        raise InputError(str(path), f"YAML error: {exc}") from None
    finally:
        loader.dispose()


def _check_size(root: yaml.Node, path: Path) -> None:
    """Refuse a composed document that is too deep, expands past :data:`MAX_NODES` or refers to itself.

    Each distinct node is visited once (sizes of aliased nodes are remembered), so a
    billion-laughs document is measured in the time it takes to read it, never expanded.
    """
    sizes: dict[int, int] = {}
    open_nodes: set[int] = set()
    stack: list[tuple[yaml.Node, int, bool]] = [(root, 1, False)]
    while stack:
        node, depth, done = stack.pop()
        key = id(node)
        children = _children(node)
        if done:
            open_nodes.discard(key)
            sizes[key] = 1 + sum(sizes[id(child)] for child in children)
            if sizes[key] > MAX_NODES:
                raise InputError(f"{path}:{node.start_mark.line + 1}", f"YAML expands to more than {MAX_NODES} "
                                                                        "values (aliases followed)")
            continue
        if key in sizes:
            continue
        if key in open_nodes:
            raise InputError(f"{path}:{node.start_mark.line + 1}", "YAML alias refers to a value that contains it")
        if depth > MAX_DEPTH:
            raise InputError(f"{path}:{node.start_mark.line + 1}", f"YAML nested deeper than {MAX_DEPTH} levels")
        open_nodes.add(key)
        stack.append((node, depth, True))
        stack.extend((child, depth + 1, False) for child in children if id(child) not in sizes)


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    return list(node.value) if isinstance(node, yaml.SequenceNode) else []


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
    raw = read_bytes(path)
    too_deep = json_too_deep(raw)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise InputError(str(path), "not UTF-8 text") from None
    del raw  # a large inventory is not held twice while it parses
    return parse_json(text, str(path), too_deep)


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
    kept = raw.replace(b"\\\\", b"").replace(b'\\"', b"").translate(_BRACKETS, _NOT_STRUCTURE)
    kept = kept.replace(b'""', b"")  # most strings hold no bracket; dropping two adjacent quotes keeps the parity
    brackets = b"".join(kept.split(b'"')[::2])
    for _ in range(limit):
        if not brackets:
            return False
        brackets = brackets.replace(b"[]", b"")
    return bool(brackets)


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


def _read_error(path: Path, exc: OSError) -> InputError:
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


# Loaded documents dump back like the plain dicts and lists they are.
yaml.SafeDumper.add_representer(LineDict, yaml.representer.SafeRepresenter.represent_dict)
yaml.SafeDumper.add_representer(LineList, yaml.representer.SafeRepresenter.represent_list)
