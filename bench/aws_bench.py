"""Benchmark the AWS source against a loopback moto server (not a test).

Seeds N buckets, users and log groups (plus a key, a trail and a detector), then collects the
resource types of the selected controls at ``--max-workers 1`` and at the default, reporting wall
time, own CPU, peak Python memory (tracemalloc) and process max RSS, API calls in total, per operation,
per resource and S3 calls per bucket, own CPU per API call, and any call made twice with the same
parameters (the goal: none).

    .venv/bin/python bench/aws_bench.py --buckets 1000 --users 200 --log-groups 200 --db-instances 50 --volumes 200

The moto server runs in a child process so its memory and CPU do not count against the collector: the
CPU figures are this process's user+sys time during collection. tracemalloc slows Python down several
times; pass ``--no-tracemalloc`` for wall time and CPU figures.
"""
from __future__ import annotations

import argparse
import json
import resource
import sys
import threading
import time
import tracemalloc
from collections import Counter
from typing import Any

from _common import REGION, moto_server, seed


def all_types() -> list[str]:
    """Every resource type the AWS source collects: the bench exercises them all by default."""
    from hipaacheck.sources.aws.registry import load_collectors

    return sorted(load_collectors())


def own_cpu_seconds() -> float:
    """User+sys CPU of this process so far (the moto server is a child, so it does not count)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def profile_selection(profile: str) -> tuple[set[str], Any]:
    """The AWS types a profile's controls evaluate and the attributes they read, as a scan asks for them."""
    from hipaacheck.pipeline import load_catalog, needed_attributes, needed_types
    from hipaacheck.request import CatalogSpec

    _, _, active = load_catalog(CatalogSpec(profile=profile), profile)
    return needed_types(active, "aws"), needed_attributes(active, "aws")


def run_once(endpoint: str, types: set[str], max_workers: int, trace: bool = True,
             attributes: Any = None) -> dict[str, Any]:
    """Collect ``types`` once; ``trace=False`` leaves tracemalloc off so wall and CPU figures are not inflated.
    ``attributes`` (from a profile) lets the source skip reads no selected control needs."""
    from hipaacheck.sources.aws.source import AwsSource
    from hipaacheck.sources.aws.context import AwsContext, AwsOptions

    seen: Counter = Counter()
    lock = threading.Lock()
    original = AwsContext.__init__

    def note(model: Any = None, params: Any = None, request_signer: Any = None, **_: Any) -> None:
        # repr, not json.dumps: this hook runs on every call and its CPU counts as ours
        request = params or {}
        key = (f"{model.service_model.service_name}:{model.name}", getattr(request_signer, "region_name", ""),
               repr((request.get("url"), request.get("query_string"), request.get("body"))))
        with lock:
            seen[key] += 1

    def init(self: Any, session: Any, *args: Any, **kwargs: Any) -> None:
        session.events.register("before-call", note)
        original(self, session, *args, **kwargs)

    AwsContext.__init__ = init  # type: ignore[method-assign]
    try:
        source = AwsSource(AwsOptions(regions=[REGION], endpoint_url=endpoint, max_workers=max_workers))
        if trace:
            tracemalloc.start()
        started, cpu_started = time.perf_counter(), own_cpu_seconds()
        inventory = source.collect(types, attributes=attributes)
        wall, cpu = time.perf_counter() - started, own_cpu_seconds() - cpu_started
        peak = tracemalloc.get_traced_memory()[1] if trace else None
        tracemalloc.stop()
    finally:
        AwsContext.__init__ = original  # type: ignore[method-assign]
    ctx = source.context
    # GenerateCredentialReport polls until COMPLETE by design; it is not a repeated read.
    repeated = {f"{op} {params}": n for (op, _, params), n in seen.items()
                if n > 1 and op != "iam:GenerateCredentialReport"}
    resources = len(inventory.resources)
    buckets = sum(1 for r in inventory.resources if r.type == "aws.s3.bucket")
    s3_calls = sum(n for op, n in ctx.calls_by_operation.items() if op.startswith("s3:"))
    return {
        "max_workers": max_workers, "wall_seconds": round(wall, 2), "cpu_seconds": round(cpu, 2),
        "resources": resources,
        "collection_errors": len(inventory.errors),
        "unreadable_resources": sum(1 for r in inventory.resources if r.unreadable),
        "api_calls": ctx.call_count(), "calls_per_resource": round(ctx.call_count() / max(resources, 1), 2),
        "buckets": buckets, "s3_calls_per_bucket": round(s3_calls / buckets, 2) if buckets else None,
        "cpu_ms_per_call": round(cpu * 1000 / max(ctx.call_count(), 1), 3),
        "calls_by_operation": dict(sorted(ctx.calls_by_operation.items())),
        "peak_python_mib": round(peak / 2**20, 1) if peak is not None else None, "repeated_calls": repeated,
    }


FLOOR_CALLS = ("get_bucket_encryption", "get_public_access_block", "get_bucket_policy", "get_bucket_versioning",
               "get_bucket_logging")


def bare_boto3_ms_per_call(endpoint: str, buckets: int) -> float:
    """CPU per call of a plain boto3 loop making the collector's per-bucket S3 reads, with the source's own
    client configuration: the floor that botocore itself sets for "own CPU per call"."""
    import boto3

    from hipaacheck.sources.aws.context import AwsOptions, client_config

    s3 = boto3.session.Session().client("s3", region_name=REGION, endpoint_url=endpoint,
                                        config=client_config(AwsOptions(regions=[REGION])))
    names = [b["Name"] for b in s3.list_buckets()["Buckets"]][:buckets]
    started, calls = own_cpu_seconds(), 0
    for name in names:
        for operation in FLOOR_CALLS:
            try:
                getattr(s3, operation)(Bucket=name)
            except s3.exceptions.ClientError:
                pass  # "not configured" answers are calls all the same
            calls += 1
    return round((own_cpu_seconds() - started) * 1000 / max(calls, 1), 3)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--buckets", type=int, default=1000)
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--log-groups", type=int, default=200)
    parser.add_argument("--db-instances", type=int, default=50)
    parser.add_argument("--volumes", type=int, default=200)
    parser.add_argument("--workers", default="1,8", help="comma-separated --max-workers values (default: 1,8)")
    parser.add_argument("--types", help="comma-separated resource types to collect (default: all AWS types)")
    parser.add_argument("--profile", help="collect what this profile's controls read, as a scan does "
                                          "(e.g. hipaa-aws; default: every attribute of --types)")
    parser.add_argument("--no-tracemalloc", action="store_true",
                        help="leave tracemalloc off (it slows Python down): for wall time and CPU per call")
    parser.add_argument("--floor", action="store_true",
                        help="also time a bare boto3 loop of the per-bucket S3 reads, before and after the runs")
    parser.add_argument("--json", action="store_true", help="print the full report as JSON")
    args = parser.parse_args(argv)
    with moto_server() as endpoint:
        started = time.perf_counter()
        seed(endpoint, args.buckets, args.users, args.log_groups, args.db_instances, args.volumes)
        print(f"seeded {args.buckets} buckets, {args.users} users, {args.log_groups} log groups, "
              f"{args.db_instances} DB instances, {args.volumes} volumes "
              f"in {time.perf_counter() - started:.1f} s against {endpoint}", file=sys.stderr)
        types = {t.strip() for t in args.types.split(",") if t.strip()} if args.types else set(all_types())
        attributes = None
        if args.profile:
            types, attributes = profile_selection(args.profile)
        floors = [bare_boto3_ms_per_call(endpoint, args.buckets)] if args.floor else []
        reports = [run_once(endpoint, types, int(w), trace=not args.no_tracemalloc, attributes=attributes)
                   for w in args.workers.split(",")]
        if args.floor:
            floors.append(bare_boto3_ms_per_call(endpoint, args.buckets))
    rss_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    if args.json:
        print(json.dumps({"runs": reports, "bare_boto3_ms_per_call": floors, "max_rss_mib": round(rss_mib, 1)},
                         indent=2))
        return 0
    for report in reports:
        memory = f"{report['peak_python_mib']} MiB" if report["peak_python_mib"] is not None else "not traced"
        print(f"max_workers={report['max_workers']}: {report['wall_seconds']} s, {report['cpu_seconds']} s CPU, "
              f"{report['resources']} resources, "
              f"{report['api_calls']} calls ({report['calls_per_resource']}/resource, "
              f"{report['s3_calls_per_bucket']} S3 calls/bucket, {report['cpu_ms_per_call']} ms own CPU/call), "
              f"peak Python memory {memory}, errors {report['collection_errors']}, "
              f"unreadable {report['unreadable_resources']}, repeated calls {len(report['repeated_calls'])}")
        for op, n in report["calls_by_operation"].items():
            print(f"    {n:6d}  {op}")
    if floors:
        print(f"bare boto3 loop of {', '.join(FLOOR_CALLS)} per bucket: "
              f"{' / '.join(str(f) for f in floors)} ms CPU/call (before / after the runs)")
    print(f"process max RSS {rss_mib:.0f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
