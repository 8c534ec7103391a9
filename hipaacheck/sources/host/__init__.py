"""The host source: parses a Linux host's configuration files under a root folder.

Each module in this package registers collectors with :func:`host_collector`;
a collector turns files into :class:`~hipaacheck.model.Resource` objects and
never raises for a missing or unreadable file: it marks the resource (or
attribute) unreadable instead, so checks report ``error``, never ``pass``.
"""
from __future__ import annotations

import importlib
import pkgutil
import socket
from pathlib import Path
from typing import Callable, Iterable

from ...clock import now_utc
from ...errors import InputError
from ...inventory import Inventory
from ...model import CollectionError, Resource
from .. import ProgressCallback
from .files import HostContext

HostCollector = Callable[[HostContext], Iterable[Resource]]
_COLLECTORS: dict[str, HostCollector] = {}


def host_collector(resource_type: str) -> Callable[[HostCollector], HostCollector]:
    def decorate(function: HostCollector) -> HostCollector:
        _COLLECTORS[resource_type] = function
        return function

    return decorate


_LOADED: list[bool] = []


def _load_collectors() -> dict[str, HostCollector]:
    # A flag, not "is the registry empty": importing one collector module directly must not hide the others.
    if not _LOADED:
        for module in pkgutil.iter_modules(__path__):
            if module.name != "files" and not module.name.startswith("_"):
                importlib.import_module(f"{__name__}.{module.name}")
        _LOADED.append(True)
    return _COLLECTORS


def _hostname(ctx: HostContext) -> str:
    if ctx.root == Path("/"):
        return socket.gethostname()
    read = ctx.read("/etc/hostname")
    return (read.text or "").strip() or ctx.root.name


class HostSource:
    name = "host"

    def __init__(self, root: Path | str = "/") -> None:
        root = Path(root)
        if not root.is_dir():
            raise InputError("--root", f"{root}: no such folder")
        self.ctx = HostContext(root)

    def supported_types(self) -> set[str]:
        return set(_load_collectors())

    def collect(self, resource_types: set[str], progress: ProgressCallback | None = None) -> Inventory:
        collectors = _load_collectors()
        wanted = sorted(t for t in resource_types if t in collectors)
        inventory = Inventory(source="host", collected_at=now_utc(), resource_types=wanted,
                              metadata={"host": _hostname(self.ctx), "root": str(self.ctx.root)})
        for resource_type in wanted:
            if progress:
                progress(f"host {resource_type}")
            try:
                inventory.resources.extend(collectors[resource_type](self.ctx))
            except Exception as exc:  # a parser bug must not become a pass
                inventory.errors.append(CollectionError(resource_type, f"collector failed: {type(exc).__name__}: {exc}"))
        inventory.finished_at = now_utc()
        inventory.sort()
        return inventory
