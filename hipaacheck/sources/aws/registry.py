"""The AWS collector registry: resource type → collector, with its service and scope."""
from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass
from typing import Callable, Iterable

from ...model import Resource
from ...registries import Registry, function_origin, same_function
from .context import AwsContext

AwsCollectorFunction = Callable[[AwsContext, "str | None"], Iterable[Resource]]


@dataclass(frozen=True)
class AwsCollector:
    resource_type: str
    function: AwsCollectorFunction
    service: str
    is_global: bool  # IAM, S3 bucket listing, CloudFront: once, not per region


AWS_COLLECTORS: Registry[AwsCollector] = Registry("AWS collector", same_function)
_NOT_COLLECTORS = {"context", "registry", "source"}
_LOADED: list[bool] = []


def aws_collector(resource_type: str, *, service: str, is_global: bool = False
                  ) -> Callable[[AwsCollectorFunction], AwsCollectorFunction]:
    """Register ``function(ctx, region)`` as the collector of ``resource_type``.

    ``region`` is None for global collectors (run once); otherwise the collector runs once per
    scanned region. It yields :class:`Resource` values and raises only when it cannot list at all.
    """

    def decorate(function: AwsCollectorFunction) -> AwsCollectorFunction:
        AWS_COLLECTORS.register(resource_type, AwsCollector(resource_type, function, service, is_global),
                                where=function_origin(function))
        return function

    return decorate


def load_collectors() -> Registry[AwsCollector]:
    """Import every collector module of this package once."""
    if not _LOADED:
        package = __name__.rpartition(".")[0]
        for module in pkgutil.iter_modules(importlib.import_module(package).__path__):
            if module.name not in _NOT_COLLECTORS and not module.name.startswith("_"):
                importlib.import_module(f"{package}.{module.name}")
        _LOADED.append(True)
    return AWS_COLLECTORS
