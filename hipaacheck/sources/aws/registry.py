"""The AWS collector registry: resource type → collector, with its service, scope and the
attribute dependencies that narrowing a collection to the selected controls' reads must respect."""
from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Callable, Iterable, Mapping

from ...model import Resource
from .. import Wanted
from ...registries import Registry, function_origin, import_submodules, same_function
from .context import AwsContext

AwsCollectorFunction = Callable[[AwsContext, "str | None"], Iterable[Resource]]
_NONE: Mapping[str, tuple[str, ...]] = MappingProxyType({})


@dataclass(frozen=True)
class AwsCollector:
    resource_type: str
    function: AwsCollectorFunction
    service: str
    is_global: bool  # IAM, S3 bucket listing, CloudFront: once, not per region
    # attribute → attributes of the same resources it is computed from (is_log_target ← logging)
    derived_from: Mapping[str, tuple[str, ...]] = field(default_factory=lambda: _NONE)
    # other resource type → attributes of those resources this collector copies into its own
    uses: Mapping[str, tuple[str, ...]] = field(default_factory=lambda: _NONE)
    # every API call it may make, "service:Operation" as botocore names them (``hipaacheck aws-policy``)
    calls: tuple[str, ...] = ()


AWS_COLLECTORS: Registry[AwsCollector] = Registry("AWS collector", same_function)
_NOT_COLLECTORS = {"context", "registry", "source"}
_LOADED: list[bool] = []


def aws_collector(resource_type: str, *, service: str, is_global: bool = False,
                  derived_from: Mapping[str, tuple[str, ...]] = _NONE,
                  uses: Mapping[str, tuple[str, ...]] = _NONE, calls: Iterable[str] = (),
                  ) -> Callable[[AwsCollectorFunction], AwsCollectorFunction]:
    """Register ``function(ctx, region)`` as the collector of ``resource_type``.

    ``region`` is None for global collectors (run once); otherwise the collector runs once per
    scanned region. It yields :class:`Resource` values and raises only when it cannot list at all.
    ``derived_from`` and ``uses`` declare what it computes from other attributes, so those are
    read whenever what depends on them is wanted. ``calls`` lists every API call it may make
    (``"s3:GetBucketPolicy"``: botocore's service and operation names), from which the least-privilege
    policy is derived (:mod:`.policy`).
    """

    def decorate(function: AwsCollectorFunction) -> AwsCollectorFunction:
        collector = AwsCollector(resource_type, function, service, is_global,
                                 MappingProxyType(dict(derived_from)), MappingProxyType(dict(uses)), tuple(calls))
        AWS_COLLECTORS.register(resource_type, collector, where=function_origin(function))
        return function

    return decorate


def with_dependencies(wanted: Wanted, collectors: Registry[AwsCollector]) -> dict[str, frozenset[str] | None]:
    """``wanted`` plus every attribute that a wanted attribute, or a collector that runs, is made from.

    A type missing from ``wanted`` stays missing: all its attributes are read.
    """
    result: dict[str, frozenset[str] | None] = dict(wanted)
    for rtype in wanted:
        collector = collectors.get(rtype)
        for other, copied in (collector.uses if collector else _NONE).items():
            current = result.get(other)
            if current is not None:
                result[other] = current | frozenset(copied)
    for rtype, wanted_names in result.items():
        collector = collectors.get(rtype)
        if wanted_names is not None and collector is not None:
            result[rtype] = _closure(wanted_names, collector.derived_from)
    return result


def _closure(names: frozenset[str], derived_from: Mapping[str, tuple[str, ...]]) -> frozenset[str]:
    closed, pending = set(names), list(names)
    while pending:
        for name in derived_from.get(pending.pop(), ()):
            if name not in closed:
                closed.add(name)
                pending.append(name)
    return frozenset(closed)


def load_collectors() -> Registry[AwsCollector]:
    """Import every collector module of this package once."""
    if not _LOADED:
        import_submodules(__name__.rpartition(".")[0], _NOT_COLLECTORS)
        _LOADED.append(True)
    return AWS_COLLECTORS
