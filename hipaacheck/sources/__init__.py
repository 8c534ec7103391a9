"""Sources collect resources; each knows how to reach one kind of system.

Every source is one folder here whose ``__init__.py`` declares a :class:`SourceInfo` named ``SOURCE``
(name, options, default profile, the resource-type families it produces, where its implementation
lives), plus one entry in :data:`SOURCE_PACKAGES`. The CLI builds its ``--source`` choices and
options from these declarations, the pipeline picks default profiles from them, and auxiliary sources
(attestations, rosters...) are collected beside any main source. Only sources do I/O.

An auxiliary source that joins its data with what the main source found (a roster with the accounts on
the scanned targets) declares those resource types and attributes in ``joins``: the main source then
collects them, and the pipeline hands the main inventory to the source's ``join(inventory)`` before it
collects.
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Callable, Iterator, Mapping, Protocol, Sequence

from ..model import source_family
from ..registries import Registry

if TYPE_CHECKING:
    from ..controls import ControlCatalog
    from ..inventory import Inventory
    from ..profiles import ActiveControl
    from ..targets import Target

ProgressCallback = Callable[[str], None]
Wanted = Mapping[str, "frozenset[str] | None"]  # resource type -> attributes the selected controls read

# Adding a source: a folder below this package, and its name here.
SOURCE_PACKAGES = ("host", "aws", "snapshot", "manual", "workforce", "incidents", "ssh", "image")

__all__ = ["SOURCES", "MultiTargetSource", "Source", "SourceInfo", "SourceOption", "SourcePlan", "SourceSpec", "build_source",
           "Wanted", "source_family", "sources"]


class Source(Protocol):
    """A built source, ready to collect."""

    name: str  # registry name: "host", "aws", "snapshot"...
    family: str  # the resource-type family its inventory holds ("aws" for a snapshot of an AWS scan)

    def collect(self, resource_types: set[str], progress: ProgressCallback | None = None, *,
                attributes: Wanted | None = None) -> Inventory:
        """Collect only ``resource_types`` (those it supports) into an inventory. ``attributes`` says, per
        type, which attributes the selected controls read (None for a type: any); a source that fetches
        attributes one by one may skip the others, marking them unreadable ("not collected")."""


class MultiTargetSource(Source, Protocol):
    """A source covering several targets (accounts, SSH hosts, images): it has ``collect_targets`` too,
    and the pipeline calls that instead of ``collect`` (see :mod:`hipaacheck.targets`)."""

    def collect_targets(self, resource_types: set[str], progress: ProgressCallback | None = None, *,
                        attributes: Wanted | None = None) -> Iterator[tuple[Target, Inventory | None]]:
        """Yield each target with its inventory, one at a time: the pipeline evaluates a target's inventory
        and lets it go before asking for the next. ``None`` = the target failed whole (status ``error``,
        ``reason`` set): the pipeline reports one ``error`` per selected control of the source's family."""


@dataclass(frozen=True)
class SourceOption:
    """A command-line option a source accepts (``--root``); its value reaches the source by ``dest``."""

    flag: str
    help: str
    type: Callable[[str], Any] = str
    default: Any = None
    metavar: str | None = None
    secret: bool = False  # redacted from the recorded command line
    action: str | None = None  # argparse action: "append" (repeatable: a list, None if never given), "store_true"

    @property
    def dest(self) -> str:
        return self.flag.lstrip("-").replace("-", "_")


@dataclass(frozen=True)
class SourcePlan:
    """What an auxiliary source may need to know of the run: the controls and which are selected."""

    catalog: ControlCatalog
    active: Sequence[ActiveControl]


@dataclass(frozen=True)
class SourceInfo:
    """A source's declaration: everything the CLI and the pipeline need before importing it."""

    name: str
    help: str
    factory: str  # "module:function", building the source from (option values, SourcePlan | None)
    families: tuple[str, ...] = ()  # resource-type families it produces; () = decided by its input
    default_profile: str | None = None
    options: tuple[SourceOption, ...] = ()
    auxiliary: bool = False  # collected beside the main source whenever its families are selected
    collectable: bool = True  # offered by ``hipaacheck collect``
    # resource type of the main source -> attributes this auxiliary source reads from it (see module doc)
    joins: Mapping[str, tuple[str, ...]] = field(default_factory=lambda: MappingProxyType({}))

    def build(self, values: Mapping[str, Any], plan: SourcePlan | None = None) -> Source:
        module_name, _, function_name = self.factory.partition(":")
        factory = getattr(importlib.import_module(module_name), function_name)
        return factory(values, plan)


@dataclass(frozen=True)
class SourceSpec:
    """Which source a request names, with the values of that source's own options only."""

    name: str
    options: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))

    @classmethod
    def of(cls, name: str, values: Mapping[str, Any]) -> SourceSpec:
        info = sources()[name]
        known = {option.dest: values.get(option.dest, option.default) for option in info.options}
        return cls(name, MappingProxyType(known))

    @property
    def info(self) -> SourceInfo:
        return sources()[self.name]


SOURCES: Registry[SourceInfo] = Registry("source")


def sources() -> Registry[SourceInfo]:
    """The registry, with every declared source loaded (their ``__init__`` only: no heavy imports)."""
    if len(SOURCES) < len(SOURCE_PACKAGES):
        for package in SOURCE_PACKAGES:
            module = importlib.import_module(f"{__name__}.{package}")
            info: SourceInfo = module.SOURCE
            SOURCES.register(info.name, info, where=module.__name__)
    return SOURCES


def build_source(spec: SourceSpec, plan: SourcePlan | None = None) -> Source:
    return sources()[spec.name].build(spec.options, plan)


def auxiliary_for(families: set[str]) -> list[SourceInfo]:
    """Auxiliary sources producing any of ``families`` (attestations for ``manual.*`` controls...)."""
    return [info for _, info in sources().items() if info.auxiliary and families & set(info.families)]


def default_profile_for(family: str) -> str:
    for _, info in sources().items():
        if family in info.families and info.default_profile:
            return info.default_profile
    return "hipaa-host"
