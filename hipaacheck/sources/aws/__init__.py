"""The AWS source: boto3 collectors, one per resource type, run across regions in a bounded pool.

Each module in this package registers collectors with :func:`aws_collector`. A
collector lists one resource type in one region (or once, for global services)
with paginators, and reads per-resource settings through :meth:`AwsContext.read`,
which records a failed read as an unreadable attribute instead of raising, so
the affected checks report ``error``, never ``pass``. A collector that cannot
list at all raises; the source records a :class:`CollectionError` for that type
and region and carries on with everything else.
"""
from __future__ import annotations

import importlib
import pkgutil
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Callable, Iterable

from ...inventory import Inventory
from ...model import CollectionError, Resource
from .. import ProgressCallback
from .context import AwsContext, AwsOptions

AwsCollectorFunction = Callable[[AwsContext, "str | None"], Iterable[Resource]]


@dataclass(frozen=True)
class AwsCollector:
    resource_type: str
    function: AwsCollectorFunction
    service: str
    is_global: bool  # IAM, S3 bucket listing, CloudFront: once, not per region


_COLLECTORS: dict[str, AwsCollector] = {}
_LOADED = False


def aws_collector(resource_type: str, *, service: str, is_global: bool = False
                  ) -> Callable[[AwsCollectorFunction], AwsCollectorFunction]:
    """Register ``function(ctx, region)`` as the collector of ``resource_type``.

    ``region`` is None for global collectors (run once); otherwise the collector runs once per
    scanned region. It yields :class:`Resource` values and raises only when it cannot list at all.
    """

    def decorate(function: AwsCollectorFunction) -> AwsCollectorFunction:
        existing = _COLLECTORS.get(resource_type)
        if existing is not None and existing.function.__qualname__ != function.__qualname__:
            raise ValueError(f"{resource_type} already has a collector in {existing.function.__module__}")
        _COLLECTORS[resource_type] = AwsCollector(resource_type, function, service, is_global)
        return function

    return decorate


def load_collectors() -> dict[str, AwsCollector]:
    """Import every collector module of this package once (not ``context`` or ``_private``)."""
    global _LOADED
    if not _LOADED:
        for module in pkgutil.iter_modules(__path__):
            if module.name not in ("context",) and not module.name.startswith("_"):
                importlib.import_module(f"{__name__}.{module.name}")
        _LOADED = True
    return _COLLECTORS


class AwsSource:
    name = "aws"

    def __init__(self, options: AwsOptions) -> None:
        self.options = options
        self.context: AwsContext | None = None  # the last run's context: call counts for benchmarks

    @classmethod
    def from_options(cls, args: Any) -> "AwsSource":
        return cls(AwsOptions.from_args(args))

    def supported_types(self) -> set[str]:
        return set(load_collectors())

    def collect(self, resource_types: set[str], progress: ProgressCallback | None = None) -> Inventory:
        from ...clock import now_utc

        collectors = load_collectors()
        wanted = sorted(t for t in resource_types if t in collectors)
        started = now_utc()
        ctx = self.context = AwsContext.connect(self.options)
        regions = ctx.scan_regions = ctx.regions()
        inventory = Inventory(source="aws", collected_at=started, resource_types=wanted,
                              metadata=ctx.metadata(regions))
        jobs: list[tuple[AwsCollector, str | None]] = []
        for resource_type in wanted:
            collector = collectors[resource_type]
            if collector.is_global:
                jobs.append((collector, None))
            else:
                jobs.extend((collector, region) for region in regions)

        def run(job: tuple[AwsCollector, str | None]) -> tuple[list[Resource], list[CollectionError]]:
            collector, region = job
            if progress:
                progress(f"aws {region or 'global'} {collector.resource_type}")
            try:
                return list(collector.function(ctx, region)), []
            except Exception as exc:  # noqa: BLE001 - isolate: one failing API never stops the scan
                code, message, operation = ctx.describe(exc)
                return [], [CollectionError(collector.resource_type, message, region, operation, code)]

        try:
            with ThreadPoolExecutor(max_workers=max(1, self.options.max_workers),
                                    thread_name_prefix="hipaacheck-aws") as pool:
                for resources, errors in pool.map(run, jobs):
                    inventory.resources.extend(resources)
                    inventory.errors.extend(errors)
        finally:
            ctx.close()
        inventory.metadata["api_calls"] = ctx.call_count()
        inventory.finished_at = now_utc()
        inventory.sort()
        return inventory
