"""Loading and validating controls: declarative YAML files that cite the Security Rule.

A control names a registered check and gives its parameters. A parameter value
written ``$name`` refers to a variable from ``controls/variables.yaml``; profiles
override variables and per-control params.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Mapping

from .errors import InputError
from .registry import CheckSpec, get_check
from .resource_types import check_control as check_control_attributes
from .security_rule import security_rule
from .validation import FORMATS, schema_error, validate_shipped
from .yamlio import line_of
from .content_cache import load_shipped_yaml

VARIABLE_REF = re.compile(r"^\$([a-z][a-z0-9_]*)$")  # a whole value: keeps the variable's type
VARIABLE_IN_TEXT = re.compile(r"\$\{([a-z][a-z0-9_]*)\}")  # inside a string, e.g. a message


@dataclass
class Control:
    id: str
    title: str
    description: str
    rationale: str
    severity: str
    citations: list[str]
    resource_type: str
    check: str
    params: dict[str, Any]  # as written, may hold $variable references
    remediation: dict[str, str]
    references: list[dict[str, str]] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    optional: bool = False
    path: Path | None = None

    @property
    def source(self) -> str:
        """``aws``, ``host`` or ``manual``: the first part of the resource type."""
        return self.resource_type.split(".", 1)[0]

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "description": self.description,
            "rationale": self.rationale,
            "severity": self.severity,
            "citations": list(self.citations),
            "resource_type": self.resource_type,
            "check": self.check,
            "remediation": dict(self.remediation),
            "references": list(self.references),
            "tags": list(self.tags),
        }


@dataclass(frozen=True)
class ControlEntry:
    """A control file as found, before validation: just what a profile's selection matches on."""

    id: str
    tags: tuple[str, ...]
    optional: bool
    path: Path
    data: Any


class LazyControls(Mapping[str, Control]):
    """Control id → validated :class:`Control`, validating a control the first time it is asked for.

    A scan validates only the controls its profile selects (a host scan need not pay for 100 AWS
    controls); ``controls validate`` and CI validate every one (:meth:`ControlCatalog.validate_all`).
    """

    def __init__(self, entries: Mapping[str, ControlEntry], variables: Mapping[str, dict[str, Any]]) -> None:
        self._entries = entries
        self._variables = variables
        self._parsed: dict[str, Control] = {}

    def __getitem__(self, control_id: str) -> Control:
        control = self._parsed.get(control_id)
        if control is None:
            entry = self._entries[control_id]
            control = self._parsed[control_id] = parse_control(entry.data, entry.path, self._variables)
        return control

    def __iter__(self) -> Iterator[str]:
        return iter(self._entries)

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, control_id: object) -> bool:
        return control_id in self._entries


@dataclass
class ControlCatalog:
    controls: Mapping[str, Control]
    variables: dict[str, dict[str, Any]]
    entries: dict[str, ControlEntry] = field(default_factory=dict)
    broken: list[tuple[Path, Any]] = field(default_factory=list)  # files with no usable id: validate_all says why

    def sorted(self) -> list[Control]:
        return [self.controls[key] for key in sorted(self.controls)]

    def sorted_entries(self) -> list[ControlEntry]:
        return [self.entries[key] for key in sorted(self.entries)]

    def validate_all(self) -> None:
        """Validate every control found (not only a profile's selection); the first problem raises."""
        for path, data in self.broken:
            if data is None:
                raise InputError(str(path), "empty control file")
            validate_shipped(data, "control", path)
        self.sorted()


def _normalize_remediation(value: Any) -> dict[str, str]:
    return {"summary": value} if isinstance(value, str) else dict(value)


def _normalize_reference(value: Any) -> dict[str, str]:
    if isinstance(value, str):
        source, _, ident = value.partition(":")
        return {"source": source.strip(), "id": ident.strip()} if ident else {"source": "", "id": value}
    return dict(value)


def load_variables(path: Path) -> dict[str, dict[str, Any]]:
    if not path.exists():
        return {}
    data = load_shipped_yaml(path)
    validate_shipped(data, "variables", path)
    return {name: dict(spec) for name, spec in data["variables"].items()}


def resolve_params(params: Mapping[str, Any], values: Mapping[str, Any], where: str) -> dict[str, Any]:
    """Replace ``$name`` references (at any depth) with variable values."""

    def resolve(value: Any, path: str) -> Any:
        if isinstance(value, str):
            match = VARIABLE_REF.match(value)
            names = [match.group(1)] if match else VARIABLE_IN_TEXT.findall(value)
            for name in names:
                if name not in values:
                    raise InputError(where, f"{path}: unknown variable ${name}")
            if match:
                return values[match.group(1)]
            return VARIABLE_IN_TEXT.sub(lambda m: str(values[m.group(1)]), value)
        if isinstance(value, dict):
            return {k: resolve(v, f"{path}.{k}") for k, v in value.items()}
        if isinstance(value, list):
            return [resolve(v, f"{path}[{i}]") for i, v in enumerate(value)]
        return value

    return {key: resolve(value, f"params.{key}") for key, value in params.items()}


def effective_params(spec: CheckSpec, params: Mapping[str, Any]) -> dict[str, Any]:
    merged = spec.defaults()
    merged.update(params)
    return merged


_PARAMS_VALIDATORS: dict[str, tuple[CheckSpec, Callable[[Any], Any]]] = {}


def _params_validator(spec: CheckSpec) -> Callable[[Any], Any]:
    """The check's parameter schema compiled once per run (a check is used by many controls)."""
    cached = _PARAMS_VALIDATORS.get(spec.id)
    if cached is None or cached[0] is not spec:
        import fastjsonschema

        cached = _PARAMS_VALIDATORS[spec.id] = (spec, fastjsonschema.compile(spec.params_schema, formats=FORMATS))
    return cached[1]


def check_params(spec: CheckSpec, params: Mapping[str, Any], source: Any, where_data: Any = None,
                 prefix: Iterable[Any] = ("params",)) -> None:
    """Validate params against the check's parameter schema, or raise InputError.

    The compiled validator decides; jsonschema (slow to import) only words what is wrong.
    """
    from .content_cache import validate_once

    validate_once(("params", spec.params_schema, params),
                  lambda: _validate_params(spec, params, source, where_data, prefix))


def _validate_params(spec: CheckSpec, params: Mapping[str, Any], source: Any, where_data: Any,
                     prefix: Iterable[Any]) -> None:
    import fastjsonschema

    try:
        _params_validator(spec)(dict(params))  # a copy: the compiled validator fills in defaults
        return
    except fastjsonschema.JsonSchemaValueException:
        pass
    import jsonschema

    validator_cls = jsonschema.validators.validator_for(spec.params_schema)
    errors = list(validator_cls(spec.params_schema).iter_errors(dict(params)))
    if errors:
        error = jsonschema.exceptions.best_match(errors)
        error.path.extendleft(reversed(list(prefix)))
        raise schema_error(error, where_data if where_data is not None else params, source)


def parse_control(data: Any, path: Path, variables: Mapping[str, dict[str, Any]]) -> Control:
    validate_shipped(data, "control", path)
    where = f"{path}:{line_of(data, ['check'])}"
    spec = get_check(data["check"])
    if spec is None:
        raise InputError(where, f"unknown check {data['check']!r}")
    rule = security_rule()
    citations = []
    for index, citation in enumerate(data["citations"]):
        paragraph = rule.resolve(citation)
        if paragraph is None:
            raise InputError(f"{path}:{line_of(data, ['citations', index])}",
                             f"$.citations[{index}]: unknown Security Rule citation {citation!r}")
        if paragraph.citation not in citations:
            citations.append(paragraph.citation)
    if spec.resource_type is not None and spec.resource_type != data["resource_type"]:
        raise InputError(f"{path}:{line_of(data, ['resource_type'])}",
                         f"$.resource_type: check {spec.id!r} evaluates {spec.resource_type!r}, "
                         f"not {data['resource_type']!r}")
    params = dict(data.get("params") or {})
    defaults = {name: var["default"] for name, var in variables.items()}
    resolved = resolve_params(params, defaults, f"{path}:{line_of(data, ['params'])}")
    check_params(spec, resolved, path, data)
    check_control_attributes(spec, data, resolved, path)
    return Control(
        id=data["id"],
        title=data["title"],
        description=data["description"],
        rationale=data["rationale"],
        severity=data["severity"],
        citations=citations,
        resource_type=data["resource_type"],
        check=data["check"],
        params=params,
        remediation=_normalize_remediation(data["remediation"]),
        references=[_normalize_reference(ref) for ref in data.get("references") or []],
        tags=list(data.get("tags") or []),
        optional=bool(data.get("optional", False)),
        path=path,
    )


def control_files(folders: Iterable[Path]) -> list[Path]:
    files: list[Path] = []
    for folder in folders:
        if folder.is_file():
            files.append(folder)
            continue
        if not folder.is_dir():
            raise InputError(str(folder), "no such file or folder")
        files.extend(p for p in sorted(folder.rglob("*.y*ml")) if p.name != "variables.yaml")
    return files


def _entry(data: Any, path: Path) -> ControlEntry | None:
    """The selection keys of a control file, or None when it has no usable id (validation says why)."""
    if not isinstance(data, dict) or not isinstance(data.get("id"), str):
        return None
    tags = data.get("tags")
    return ControlEntry(data["id"], tuple(t for t in tags if isinstance(t, str)) if isinstance(tags, list) else (),
                        data.get("optional") is True, path, data)


def load_controls(folders: Iterable[Path], variables_path: Path | None = None, validate: bool = True) -> ControlCatalog:
    """Find every control below ``folders``; with ``validate``, validate them all (else on first use).

    Duplicate ids are refused either way: which file a selection means must never be ambiguous.
    """
    folders = list(folders)
    if variables_path is None:
        from .content import content_dir

        variables_path = content_dir("controls") / "variables.yaml"
    variables = load_variables(variables_path)
    entries: dict[str, ControlEntry] = {}
    broken: list[tuple[Path, Any]] = []
    for path in control_files(folders):
        data = load_shipped_yaml(path)
        entry = _entry(data, path)
        if entry is None:
            broken.append((path, data))
            continue
        if entry.id in entries:
            raise InputError(f"{path}:{line_of(data, ['id'])}",
                             f"duplicate control id {entry.id!r} (first defined in {entries[entry.id].path})")
        entries[entry.id] = entry
    catalog = ControlCatalog(LazyControls(entries, variables), variables, entries, broken)
    if validate:
        catalog.validate_all()
    return catalog


def builtin_controls(extra: Iterable[Path] = ()) -> ControlCatalog:
    from .content import content_dir

    return load_controls([content_dir("controls"), *extra], validate=False)
