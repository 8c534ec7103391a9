"""The host collector registry: resource type → function turning files under the root into resources."""
from __future__ import annotations

from typing import Callable, Iterable

from ...model import Resource
from ...registries import Registry, function_origin, import_submodules, same_function
from .files import HostContext

HostCollector = Callable[[HostContext], Iterable[Resource]]
HOST_COLLECTORS: Registry[HostCollector] = Registry("host collector", same_function)
_NOT_COLLECTORS = {"expansion", "files", "parsing", "redaction", "registry", "source"}
_LOADED: list[bool] = []


def host_collector(resource_type: str) -> Callable[[HostCollector], HostCollector]:
    def decorate(function: HostCollector) -> HostCollector:
        HOST_COLLECTORS.register(resource_type, function, where=function_origin(function))
        return function

    return decorate


def load_collectors() -> Registry[HostCollector]:
    # A flag, not "is the registry empty": importing one collector module directly must not hide the others.
    if not _LOADED:
        import_submodules(__name__.rpartition(".")[0], _NOT_COLLECTORS)
        _LOADED.append(True)
    return HOST_COLLECTORS
