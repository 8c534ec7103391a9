"""The PyYAML side of :mod:`hipaacheck.yamlio`: a safe loader that records line numbers and refuses
alias bombs before building them, and a dumper for people. Imported only when YAML is parsed or written."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from .errors import InputError
from .yamlio import MAX_DEPTH, MAX_NODES, LineDict, LineList, read_text

_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


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


def parse_yaml(path: Path | str, text: str | None = None) -> Any:
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


# Loaded documents dump back like the plain dicts and lists they are.
yaml.SafeDumper.add_representer(LineDict, yaml.representer.SafeRepresenter.represent_dict)
yaml.SafeDumper.add_representer(LineList, yaml.representer.SafeRepresenter.represent_list)


class _PlainDumper(yaml.SafeDumper):
    """Writes a value shared by two places out in both (no ``&id001`` anchors and ``*id001`` aliases)."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def dump(data: Any) -> str:
    """YAML for a person to read: keys in their order, Unicode as is, no anchors or aliases."""
    return yaml.dump(data, Dumper=_PlainDumper, sort_keys=False, allow_unicode=True, width=100)
