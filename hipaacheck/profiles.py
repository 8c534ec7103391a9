"""Profiles: which controls run and with which parameter values.

Patterns are ids, globs or ``tag:NAME``. A profile without ``extends`` selects what its ``include``
matches. A profile that extends others starts from the union of its parents' selections: its ``include``
narrows that to what it matches (when the parents select no control, as ``hipaa-base``, it selects from the
whole catalog), its ``add`` adds controls to it, and its ``exclude`` removes some. Variables and params are
overridden child-first. Controls marked ``optional`` are selected only by their exact id.
"""
from __future__ import annotations

import fnmatch
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .controls import Control, ControlCatalog, ControlEntry, check_params, effective_params, resolve_params
from .errors import InputError
from .registry import get_check
from .validation import validate_shipped
from .yamlio import line_of
from .content_cache import load_shipped_yaml


@dataclass
class ActiveControl:
    """A control as this run evaluates it: resolved params and severity."""

    control: Control
    params: dict[str, Any]
    severity: str

    @property
    def id(self) -> str:
        return self.control.id


@dataclass
class Profile:
    id: str
    title: str
    description: str
    path: Path
    chain: list[str]  # this profile and every ancestor, child first
    parents: list[str] = field(default_factory=list)  # as written under extends
    include: list[str] = field(default_factory=list)  # this profile's own patterns; the parents' are theirs
    add: list[str] = field(default_factory=list)
    exclude: list[str] = field(default_factory=list)
    parent_profiles: list["Profile"] = field(default_factory=list, repr=False)
    variables: dict[str, Any] = field(default_factory=dict)
    params: dict[str, dict[str, Any]] = field(default_factory=dict)
    severity: dict[str, str] = field(default_factory=dict)
    waiver_max_days: int = 365

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id, "title": self.title, "description": self.description, "extends_chain": self.chain,
            "controls": {"include": self.include, "add": self.add, "exclude": self.exclude}, "variables": self.variables,
            "params": self.params, "severity": self.severity, "waiver_max_days": self.waiver_max_days,
        }


def profiles_dir() -> Path:
    from .content import content_dir

    return content_dir("profiles")


def find_profile(name_or_path: str) -> Path:
    candidate = Path(name_or_path)
    if candidate.suffix in (".yaml", ".yml") or "/" in name_or_path:
        if not candidate.is_file():
            raise InputError(name_or_path, "profile file not found")
        return candidate
    path = profiles_dir() / f"{name_or_path}.yaml"
    if not path.is_file():
        known = ", ".join(sorted(p.stem for p in profiles_dir().glob("*.yaml")))
        raise InputError("--profile", f"unknown profile {name_or_path!r} (known: {known})")
    return path


def list_profiles() -> list[Profile]:
    return [load_profile(str(path)) for path in sorted(profiles_dir().glob("*.yaml"))]


def load_profile(name_or_path: str, _stack: tuple[str, ...] = ()) -> Profile:
    path = find_profile(name_or_path)
    data = load_shipped_yaml(path)
    if data is None:
        raise InputError(str(path), "empty profile")
    validate_shipped(data, "profile", path)
    if data["id"] in _stack:
        cycle = " -> ".join((*_stack, data["id"]))
        raise InputError(f"{path}:{line_of(data, ['extends'])}", f"$.extends: profile extends itself ({cycle})")
    parents_raw = data.get("extends") or []
    parents = [parents_raw] if isinstance(parents_raw, str) else list(parents_raw)
    profile = Profile(id=data["id"], title=data["title"], description=data.get("description", ""),
                      path=path, chain=[data["id"]], parents=parents)
    for parent_name in parents:
        try:
            parent = load_profile(parent_name, (*_stack, data["id"]))
        except InputError as exc:
            if exc.where == "--profile":
                raise InputError(f"{path}:{line_of(data, ['extends'])}", f"$.extends: {exc.problem}") from None
            raise
        profile.chain += [p for p in parent.chain if p not in profile.chain]
        profile.parent_profiles.append(parent)
        profile.variables.update(parent.variables)
        for cid, values in parent.params.items():
            profile.params.setdefault(cid, {}).update(values)
        profile.severity.update(parent.severity)
        profile.waiver_max_days = parent.waiver_max_days
    selection = data.get("controls") or {}
    profile.include = list(selection.get("include") or [])
    profile.add = list(selection.get("add") or [])
    profile.exclude = list(selection.get("exclude") or [])
    profile.variables.update(data.get("variables") or {})
    for cid, values in (data.get("params") or {}).items():
        profile.params.setdefault(cid, {}).update(values)
    profile.severity.update(data.get("severity") or {})
    profile.waiver_max_days = data.get("waiver_max_days", profile.waiver_max_days)
    return profile


def _matches(control: Control | ControlEntry, pattern: str, explicit_only: bool) -> bool:
    if pattern.startswith("tag:"):
        return not explicit_only and pattern[4:] in control.tags
    if explicit_only:
        return pattern == control.id
    return fnmatch.fnmatchcase(control.id, pattern)


def selected_ids(profile: Profile, entries: list[ControlEntry]) -> set[str]:
    """The ids ``profile`` selects among ``entries`` (see the module docstring for the rule)."""
    def matching(patterns: list[str], among: list[ControlEntry], explicit: bool) -> set[str]:
        return {e.id for e in among if any(_matches(e, p, explicit and e.optional) for p in patterns)}

    inherited: set[str] = set()
    for parent in profile.parent_profiles:
        inherited |= selected_ids(parent, entries)
    if inherited and profile.include:  # narrow what the parents select
        chosen = matching(profile.include, [e for e in entries if e.id in inherited], explicit=False)
    elif profile.include:
        chosen = matching(profile.include, entries, explicit=True)
    else:
        chosen = inherited
    chosen |= matching(profile.add, entries, explicit=True)
    return chosen - matching(profile.exclude, entries, explicit=False)


def select_controls(profile: Profile, catalog: ControlCatalog) -> list[ActiveControl]:
    """Resolve the profile against the catalog: selected controls with final params."""
    unknown_vars = sorted(set(profile.variables) - set(catalog.variables))
    if unknown_vars:
        raise InputError(str(profile.path), f"$.variables: unknown variable {unknown_vars[0]!r}")
    for cid in profile.params:
        if cid not in catalog.controls:
            raise InputError(str(profile.path), f"$.params: unknown control {cid!r}")
    values = {name: spec["default"] for name, spec in catalog.variables.items()}
    values.update(profile.variables)
    active = []
    entries = catalog.sorted_entries()
    chosen = selected_ids(profile, entries)  # match before validating: only the selection is validated
    for entry in entries:
        if entry.id not in chosen:
            continue
        control = catalog.controls[entry.id]
        spec = get_check(control.check)
        assert spec is not None  # validated when the control loaded
        params = resolve_params(control.params, values, str(control.path))
        params.update(profile.params.get(control.id, {}))
        check_params(spec, params, profile.path, None)
        severity = profile.severity.get(control.id, control.severity)
        active.append(ActiveControl(control, effective_params(spec, params), severity))
    return active
