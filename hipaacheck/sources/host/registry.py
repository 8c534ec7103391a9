"""The host collector registry: resource type → function turning files under the root into resources."""
from __future__ import annotations

import importlib
import pkgutil
from typing import Callable, Iterable

from ...model import Resource
from ...registries import Registry, function_origin, same_function
from .files import HostContext

HostCollector = Callable[[HostContext], Iterable[Resource]]
HOST_COLLECTORS: Registry[HostCollector] = Registry("host collector", same_function)
_NOT_COLLECTORS = {"files", "parsing", "registry", "source"}
_LOADED: list[bool] = []


def host_collector(resource_type: str) -> Callable[[HostCollector], HostCollector]:
    def decorate(function: HostCollector) -> HostCollector:
        HOST_COLLECTORS.register(resource_type, function, where=function_origin(function))
        return function

    return decorate


def load_collectors() -> Registry[HostCollector]:
    # A flag, not "is the registry empty": importing one collector module directly must not hide the others.
    if not _LOADED:
        package = __name__.rpartition(".")[0]
        for module in pkgutil.iter_modules(importlib.import_module(package).__path__):
            if module.name not in _NOT_COLLECTORS and not module.name.startswith("_"):
                importlib.import_module(f"{package}.{module.name}")
        _LOADED.append(True)
    return HOST_COLLECTORS
