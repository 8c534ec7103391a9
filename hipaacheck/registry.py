"""The check registry: built-in checks, entry-point plugins and ``--checks-dir`` folders.

A check is a pure function ``(resource, params) -> Outcome | Iterable[Outcome]``
registered with :func:`check`. It declares the resource type it evaluates and a
JSON Schema (``properties``) for its parameters, with defaults; a control's
params are validated against that schema when the control is loaded. A generic
check whose params name resource attribute paths says where with ``paths_in_params``,
so those paths are validated against the resource type's declaration too.

A check may also declare which top-level attributes it ``reads``, so a source can skip the API calls
no selected control needs (a generic check's reads follow from ``paths_in_params``); a check that
declares neither may read anything, and everything is collected for it.

A check whose params need work before use (conditions to compile, patterns to build) declares
``prepare``: it runs once per control, and the check receives what it returned instead of the params dict.
"""
from __future__ import annotations

import importlib.util
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable

from .errors import InputError
from .model import Outcome, Resource
from .registries import Registry, function_origin, same_function

CheckFunction = Callable[[Resource, Any], "Outcome | Iterable[Outcome]"]  # (resource, params or prepared)
Prepare = Callable[[dict[str, Any]], Any]
# params -> (place in params, attribute path) for every attribute path the params name
ParamPaths = Callable[[dict[str, Any]], Iterable[tuple[tuple[Any, ...], str]]]
ENTRY_POINT_GROUP = "hipaacheck.checks"


@dataclass(frozen=True)
class CheckSpec:
    id: str
    function: CheckFunction
    resource_type: str | None  # None: the control names the type (generic checks)
    params: dict[str, Any] = field(default_factory=dict)  # JSON Schema "properties"
    required: tuple[str, ...] = ()
    doc: str = ""
    paths_in_params: ParamPaths | None = None
    reads: frozenset[str] | None = None  # top-level attribute names; None: may read anything
    prepare: Prepare | None = None  # params -> what the function receives, made once per control

    def prepared(self, params: dict[str, Any]) -> Any:
        """What :attr:`function` receives for a control with ``params``."""
        return params if self.prepare is None else self.prepare(params)

    def reads_for(self, params: dict[str, Any]) -> frozenset[str] | None:
        """Attributes this check reads with ``params``; None when it may read anything."""
        if self.paths_in_params is not None:
            named = {path.partition(".")[0] for _, path in self.paths_in_params(params)}
            return frozenset(named) | (self.reads or frozenset())
        return self.reads

    @property
    def params_schema(self) -> dict[str, Any]:
        return {
            "type": "object",
            "properties": self.params,
            "required": list(self.required),
            "additionalProperties": False,
        }

    def defaults(self) -> dict[str, Any]:
        return {name: spec["default"] for name, spec in self.params.items() if "default" in spec}


CHECKS: Registry[CheckSpec] = Registry("check", same_function)


def check(check_id: str, *, resource_type: str | None, params: dict[str, Any] | None = None,
          required: Iterable[str] = (), paths_in_params: ParamPaths | None = None,
          reads: Iterable[str] | None = None, prepare: Prepare | None = None
          ) -> Callable[[CheckFunction], CheckFunction]:
    """Register the decorated function as check ``check_id``.

    ``reads`` names the top-level attributes the check reads (``("policy", "name")``); leave it out
    when the check may read any attribute. ``prepare(params)``, when given, runs once per control and
    its result is what the function receives instead of ``params``.
    """

    def decorate(function: CheckFunction) -> CheckFunction:
        CHECKS.register(check_id, CheckSpec(
            id=check_id,
            function=function,
            resource_type=resource_type,
            params=dict(params or {}),
            required=tuple(required),
            doc=(function.__doc__ or "").strip(),
            paths_in_params=paths_in_params,
            reads=None if reads is None else frozenset(reads),
            prepare=prepare,
        ), where=function_origin(function))
        return function

    return decorate


def get_check(check_id: str) -> CheckSpec | None:
    return CHECKS.get(check_id)


def all_checks() -> dict[str, CheckSpec]:
    return dict(sorted(CHECKS.items()))


def load_checks_dir(folder: Path, package: str) -> None:
    """Import every ``*.py`` below ``folder`` so its ``@check`` functions register.

    Modules are named ``<package>.<relative.path>``, so two folders never clash.
    """
    if not folder.is_dir():
        raise InputError(str(folder), "checks folder does not exist")
    for path in sorted(folder.rglob("*.py")):
        if path.name.startswith("_"):
            continue
        relative = path.relative_to(folder).with_suffix("")
        name = ".".join((package, *relative.parts))
        if name in sys.modules:
            continue
        spec = importlib.util.spec_from_file_location(name, path)
        if spec is None or spec.loader is None:
            raise InputError(str(path), "cannot import check module")
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        try:
            spec.loader.exec_module(module)
        except InputError:
            raise
        except Exception as exc:  # a broken plugin is bad input, not a crash
            del sys.modules[name]
            raise InputError(str(path), f"check module failed to import: {type(exc).__name__}: {exc}") from None


def _check_entry_points() -> list[Any]:
    """The registered entry points, remembered while no folder on ``sys.path`` changes (installing or
    removing a distribution changes its folder): scanning every installed distribution is slow."""
    from .content_cache import shared_cache

    def scan() -> list[tuple[str, str]]:
        from importlib.metadata import entry_points

        return [(entry.name, entry.value) for entry in entry_points(group=ENTRY_POINT_GROUP)]

    content_cache = shared_cache()
    found = scan() if content_cache is None else content_cache.memo(
        f"entry-points:{ENTRY_POINT_GROUP}", _path_token(), scan)
    if not found:
        return []  # importlib.metadata itself costs a few ms of start-up
    from importlib.metadata import EntryPoint

    return [EntryPoint(name, value, ENTRY_POINT_GROUP) for name, value in found]


def _path_token() -> tuple[tuple[str, int], ...]:
    token = []
    for folder in sys.path:
        try:
            token.append((folder, os.stat(folder or ".").st_mtime_ns))
        except OSError:
            token.append((folder, -1))
    return tuple(token)


def load_entry_points() -> None:
    """Import third-party check modules registered under ``hipaacheck.checks``."""
    for entry in _check_entry_points():
        try:
            entry.load()
        except Exception as exc:
            raise InputError(f"entry point {entry.name} ({entry.value})",
                             f"failed to load: {type(exc).__name__}: {exc}") from None


_BUILTINS_LOADED = False


def load_all(extra_dirs: Iterable[Path] = ()) -> dict[str, CheckSpec]:
    """Load built-in checks, entry-point plugins, then each ``--checks-dir``."""
    global _BUILTINS_LOADED
    from .content import content_dir

    if not _BUILTINS_LOADED:
        load_checks_dir(content_dir("checks"), "hipaacheck_builtin_checks")
        load_entry_points()
        _BUILTINS_LOADED = True
    for index, folder in enumerate(extra_dirs):
        load_checks_dir(Path(folder), f"hipaacheck_local_checks_{index}")
    return all_checks()
