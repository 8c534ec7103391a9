"""Resource type declarations: which attributes each resource type carries, of what type, meaning what.

Every module that produces resources keeps a ``<module>.attributes.yaml`` beside it (JSON Schema
``resource_types``): per type a one-line ``description`` and its ``attributes``, each a small JSON
Schema (``type``, ``properties``, ``items``, ``additionalProperties``, ``enum``) with a one-line
``description``. An object with ``properties`` allows those keys only, unless ``additionalProperties``
gives a schema for others (settings passed through from a file), and a path may name only the declared
ones; an object with just ``additionalProperties: SCHEMA`` is a map keyed by data (file paths, service
names); ``additionalProperties: true`` is free-form (policy documents): any path below it is accepted.
A type name ending in ``.*`` declares every type with that prefix (attestation controls name their own
``manual.*`` types).

Loading a control checks its ``resource_type`` and, for a check whose params name attribute paths
(``attribute``), every such path. A family with built-in declarations (``aws``, ``host``, ``manual``)
admits only declared types. A plugin may declare types of its own families in a file beside its check
module (``acme.py`` → ``acme.attributes.yaml``); a plugin type without a declaration is not checked.
"""
from __future__ import annotations

import difflib
import json
import sys
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Iterator, Mapping

from .errors import InputError
from .yamlio import json_path, line_of
from .content_cache import load_shipped_yaml

from .sources import SOURCE_PACKAGES

if TYPE_CHECKING:
    from .model import Resource
    from .registry import CheckSpec

SUFFIX = ".attributes.yaml"
PACKAGE = Path(__file__).resolve().parent
# Built-in declarations, relative to the package: every source folder's *.attributes.yaml files.
BUILTIN = tuple(f"sources/{package}" for package in SOURCE_PACKAGES)
LIST_ITEM, MAP_KEY = "<n>", "<key>"  # how paths through list items and map keys are shown


@dataclass(frozen=True)
class Attribute:
    path: str  # dotted; <n> stands for a list index, <key> for a map key
    type: str
    description: str


@dataclass(frozen=True, eq=False)
class ResourceType:
    name: str  # "aws.s3.bucket", or a prefix pattern such as "manual.*"
    description: str
    schema: dict[str, Any]  # the attributes as one object node: {"type": "object", "properties": ...}
    source: Path
    line: int | None = None

    @property
    def family(self) -> str:
        return self.name.split(".", 1)[0]

    def attributes(self) -> list[Attribute]:
        """Every declared path, depth first, in declaration order."""
        return list(_below(self.schema, ""))

    def path_problem(self, path: str) -> str | None:
        """Why ``path`` (dotted, as the ``attribute`` check reads it) is not declared; None when it is."""
        node, walked = self.schema, list[str]()
        for segment in path.split("."):
            if is_free_form(node):
                return None
            here = ".".join(walked)
            if "items" in node:
                if not segment.isdigit():
                    return f"{here!r} of {self.name} is a list: name an item by its index, as in '{here}.0'"
                node = node["items"]
            elif "properties" in node:
                if segment not in node["properties"]:
                    close = difflib.get_close_matches(segment, list(node["properties"]), n=1)
                    hint = (f"did you mean {'.'.join([*walked, close[0]])!r}?" if close
                            else f"see 'hipaacheck resources show {self.name}'")
                    return f"{self.name} declares no attribute {path!r} ({hint})"
                node = node["properties"][segment]
            elif isinstance(node.get("additionalProperties"), dict):
                node = node["additionalProperties"]
            else:
                return f"{here!r} of {self.name} is a {_type_text(node)}: nothing is declared below it"
            walked.append(segment)
        return None

    @cached_property
    def validator(self) -> Any:
        """A JSON Schema validator for a resource's attributes (no undeclared keys)."""
        import jsonschema

        return jsonschema.Draft202012Validator(_closed(self.schema))


# --------------------------------------------------------------------------- schema nodes

def _types(node: Mapping[str, Any]) -> list[str]:
    kind = node["type"]
    return [kind] if isinstance(kind, str) else list(kind)


def is_free_form(node: Mapping[str, Any]) -> bool:
    return node.get("additionalProperties") is True and "properties" not in node


def map_values(node: Mapping[str, Any]) -> dict[str, Any] | None:
    """The value schema of a map keyed by data (no declared properties), else None."""
    values = node.get("additionalProperties")
    return values if isinstance(values, dict) and "properties" not in node else None


def _type_text(node: Mapping[str, Any]) -> str:
    names = []
    for kind in _types(node):
        if kind == "array":
            names.append(f"array of {_type_text(node['items'])}")
        elif kind == "object" and is_free_form(node):
            names.append("object (free-form)")
        elif kind == "object" and map_values(node) is not None:
            names.append(f"map of {_type_text(node['additionalProperties'])}")
        else:
            names.append(kind)
    return "|".join(names)


def _meaning(node: Mapping[str, Any], description: str) -> str:
    if "enum" not in node:
        return description
    values = ", ".join(v if isinstance(v, str) else json.dumps(v) for v in node["enum"])
    return f"{description} (one of: {values})"


def _below(node: Mapping[str, Any], path: str) -> Iterator[Attribute]:
    for name, child in (node.get("properties") or {}).items():
        child_path = f"{path}.{name}" if path else name
        yield Attribute(child_path, _type_text(child), _meaning(child, child["description"]))
        yield from _below(child, child_path)
    inner, marker = (node["items"], LIST_ITEM) if "items" in node else (map_values(node), MAP_KEY)
    if inner is not None:
        if "description" in inner:
            yield Attribute(f"{path}.{marker}", _type_text(inner), _meaning(inner, inner["description"]))
        yield from _below(inner, f"{path}.{marker}")


def _closed(node: Mapping[str, Any]) -> dict[str, Any]:
    """``node`` as plain JSON Schema, objects closed to undeclared keys."""
    out = {key: value for key, value in node.items() if key not in ("properties", "items", "additionalProperties")}
    if "properties" in node:
        out["properties"] = {name: _closed(child) for name, child in node["properties"].items()}
    if "items" in node:
        out["items"] = _closed(node["items"])
    if "object" in _types(node):
        extra = node.get("additionalProperties", False)
        out["additionalProperties"] = _closed(extra) if isinstance(extra, dict) else extra
    return out


def _check_node(node: Mapping[str, Any], parts: list[Any], data: Any, source: Path) -> None:
    """What the meta-schema cannot say: structure keywords agree with ``type``."""
    kinds = _types(node)
    problem = None
    if ("object" in kinds) != ("properties" in node or "additionalProperties" in node):
        problem = "an object (and only an object) declares properties or additionalProperties"
    elif ("array" in kinds) != ("items" in node):
        problem = "an array (and only an array) declares items"
    if problem:
        raise InputError(f"{source}:{line_of(data, parts)}", f"{json_path(parts)}: {problem}")
    for name, child in (node.get("properties") or {}).items():
        _check_node(child, [*parts, "properties", name], data, source)
    for key in ("items", "additionalProperties"):
        if isinstance(node.get(key), dict):
            _check_node(node[key], [*parts, key], data, source)


# --------------------------------------------------------------------------- loading

def load_declarations(path: Path, validate: bool = True) -> dict[str, ResourceType]:
    """The types one file declares; with ``validate``, a bad file raises InputError naming file:line."""
    data = load_shipped_yaml(path)
    if validate:
        from .validation import validate_document

        validate_document(data, "resource_types", path)
        for name, spec in data["types"].items():
            _check_node({"type": "object", "properties": spec["attributes"]}, ["types", name, "attributes"],
                        data, path)
    return {name: ResourceType(name, spec["description"], {"type": "object", "properties": spec["attributes"]},
                               path, line_of(data, ["types", name]))
            for name, spec in data["types"].items()}


def declaration_files(entries: Iterable[str] = BUILTIN, base: Path = PACKAGE) -> list[Path]:
    files: list[Path] = []
    for entry in entries:
        target = base / entry
        files.extend(sorted(target.glob(f"*{SUFFIX}")) if target.is_dir() else [target])
    return files


def _add(types: dict[str, ResourceType], found: Mapping[str, ResourceType]) -> None:
    for name, declared in found.items():
        if name in types:
            raise InputError(f"{declared.source}:{declared.line}",
                             f"resource type {name!r} is already declared in {types[name].source}")
        types[name] = declared


@cache
def builtin_types() -> dict[str, ResourceType]:
    """The shipped declarations (tested, so not validated at run time)."""
    types: dict[str, ResourceType] = {}
    for path in declaration_files():
        _add(types, load_declarations(path, validate=False))
    return types


def builtin_families() -> set[str]:
    return {declared.family for declared in builtin_types().values()}


_BESIDE: dict[str, Path | None] = {}  # check module name -> the declaration file beside it, if any


def _plugin_files() -> tuple[Path, ...]:
    """Declaration files beside the modules of the checks registered so far."""
    from .registry import all_checks

    modules = {spec.function.__module__ for spec in all_checks().values()}
    for module in modules - set(_BESIDE):
        module_file = getattr(sys.modules.get(module), "__file__", None)
        candidate = Path(module_file).with_suffix(SUFFIX) if module_file else None
        _BESIDE[module] = candidate if candidate is not None and candidate.is_file() else None
    return tuple(sorted({path for module in modules if (path := _BESIDE[module]) is not None}))


@cache
def _with_plugins(plugin_files: tuple[Path, ...]) -> dict[str, ResourceType]:
    types = dict(builtin_types())
    ours = builtin_families()
    for path in plugin_files:
        found = load_declarations(path)
        for declared in found.values():
            if declared.family in ours:
                raise InputError(f"{path}:{declared.line}", f"{declared.name!r}: types of the built-in "
                                                            f"{declared.family!r} family are declared by hipaacheck")
        _add(types, found)
    return types


def declared_types() -> dict[str, ResourceType]:
    """Built-in declarations plus those beside loaded plugin check modules, by type name."""
    return _with_plugins(_plugin_files())


def lookup(type_name: str) -> ResourceType | None:
    """The declaration of ``type_name``: its own, else the longest ``prefix.*`` covering it."""
    types = declared_types()
    if type_name in types:
        return types[type_name]
    parts = type_name.split(".")
    for end in range(len(parts) - 1, 0, -1):
        pattern = ".".join(parts[:end]) + ".*"
        if pattern in types:
            return types[pattern]
    return None


def _suggestion(type_name: str) -> str:
    close = difflib.get_close_matches(type_name, list(declared_types()), n=1)
    return f" (did you mean {close[0]!r}?)" if close else " (see 'hipaacheck resources list')"


# --------------------------------------------------------------------------- public API

def describe(type_name: str) -> ResourceType:
    """The declaration of ``type_name``; InputError (with the closest declared name) if there is none."""
    declared = lookup(type_name)
    if declared is None:
        raise InputError("resource type", f"{type_name!r} is not declared{_suggestion(type_name)}")
    return declared


def attribute_paths(type_name: str) -> list[str]:
    return [attribute.path for attribute in describe(type_name).attributes()]


def path_declared(type_name: str, path: str) -> bool:
    """Whether ``path`` names a declared attribute of ``type_name`` (False for an undeclared type)."""
    declared = lookup(type_name)
    return declared is not None and declared.path_problem(path) is None


def check_control(spec: "CheckSpec", data: Any, params: Mapping[str, Any], source: Path) -> None:
    """Bad input unless the control names a declared type and its params only declared attribute paths.

    ``data`` is the control as loaded (for line numbers), ``params`` its params with variables resolved.
    """
    type_name = data["resource_type"]
    declared = lookup(type_name)
    if declared is None:
        if type_name.split(".", 1)[0] in builtin_families():
            raise InputError(f"{source}:{line_of(data, ['resource_type'])}",
                             f"$.resource_type: {type_name!r} is not a declared resource type{_suggestion(type_name)}")
        return  # a plugin's type that it does not declare: nothing to check against
    for place, path in spec.paths_in_params(dict(params)) if spec.paths_in_params else ():
        problem = declared.path_problem(path)
        if problem:
            parts = ["params", *place]
            raise InputError(f"{source}:{line_of(data, parts)}", f"{json_path(parts)}: {problem}")


def attribute_problems(resource: "Resource") -> list[str]:
    """What ``resource`` holds that its declaration does not allow (undeclared keys, wrong types,
    undeclared unreadable attributes); empty when it conforms."""
    declared = lookup(resource.type)
    if declared is None:
        return [f"{resource.type} is not declared"]
    problems = [f"{json_path(error.absolute_path)}: {error.message}"
                for error in declared.validator.iter_errors(resource.attributes)]
    for key in resource.unreadable:  # "*", an attribute, or "attribute.map_key" (Resource.get reads the head)
        problem = None if key == "*" else declared.path_problem(key.split(".", 1)[0])
        if problem:
            problems.append(f"unreadable {key!r}: {problem}")
    return problems
