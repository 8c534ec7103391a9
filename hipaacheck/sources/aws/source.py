"""The AWS source: boto3 collectors, one per resource type, run across regions in a bounded pool."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any, Mapping

from ...inventory import Inventory
from ...model import CollectionError, Resource
from .. import ProgressCallback, SourcePlan
from .context import AwsContext, AwsOptions
from .registry import AwsCollector, Wanted, load_collectors, with_dependencies


class AwsSource:
    name = "aws"
    family = "aws"

    def __init__(self, options: AwsOptions) -> None:
        self.options = options
        self.context: AwsContext | None = None  # the last run's context: call counts for benchmarks

    def supported_types(self) -> set[str]:
        return set(load_collectors())

    def collect(self, resource_types: set[str], progress: ProgressCallback | None = None, *,
                attributes: Wanted | None = None) -> Inventory:
        """Collect ``resource_types``; with ``attributes`` (type → the attributes its selected controls
        read, None for all), per-resource calls for any other attribute are not made."""
        return self.collect_in(AwsContext.connect(self.options), resource_types, progress, attributes=attributes)

    def collect_in(self, ctx: AwsContext, resource_types: set[str], progress: ProgressCallback | None = None, *,
                   attributes: Wanted | None = None) -> Inventory:
        """:meth:`collect` through an already connected context (one account of an Organization...)."""
        from ...clock import now_utc

        collectors = load_collectors()
        wanted = sorted(t for t in resource_types if t in collectors)
        started = now_utc()
        self.context = ctx
        regions = ctx.scan_regions = ctx.regions()
        ctx.wanted = with_dependencies(attributes or {}, collectors)
        inventory = Inventory(source="aws", collected_at=started, resource_types=wanted,
                              metadata=ctx.metadata(regions))
        jobs: list[tuple[AwsCollector, str | None]] = []
        for resource_type in wanted:
            collector = collectors[resource_type]
            if collector.is_global:
                jobs.append((collector, None))
            else:
                jobs.extend((collector, region) for region in regions)

        if progress:
            from ...progress import set_counter, set_total

            set_total(progress, len(jobs), "collectors")
            set_counter(progress, ctx.call_count, "API calls")

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


def build(values: Mapping[str, Any], plan: SourcePlan | None = None) -> Any:
    """One account (the caller's), or with ``--accounts`` an Organization's (:mod:`.accounts`)."""
    from .accounts import build_accounts, refuse_without_accounts

    if values.get("accounts"):
        return build_accounts(values)
    refuse_without_accounts(values)
    return AwsSource(AwsOptions.from_values(values))
