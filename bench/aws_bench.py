"""Benchmark the AWS source against a loopback moto server (not a test).

Seeds N buckets, users and log groups (plus a key, a trail and a detector), then collects the
resource types of the selected controls at ``--max-workers 1`` and at the default, reporting wall
time, peak Python memory (tracemalloc) and process max RSS, API calls in total, per operation and
per resource, and any call made twice with the same parameters (the goal: none).

    .venv/bin/python bench/aws_bench.py --buckets 1000 --users 200 --log-groups 200 --db-instances 50 --volumes 200

The moto server runs in a child process so its memory and CPU do not count against the collector.
"""
from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import resource
import sys
import threading
import time
import tracemalloc
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from typing import Any

REGION = "us-east-1"
def all_types() -> list[str]:
    """Every resource type the AWS source collects: the bench exercises them all by default."""
    from hipaacheck.sources.aws.registry import load_collectors

    return sorted(load_collectors())


def _serve(conn: Any) -> None:
    import logging

    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # no line per request

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    conn.send(server.get_host_and_port())
    conn.recv()  # wait for "stop"
    server.stop()


def seed(endpoint: str, buckets: int, users: int, log_groups: int, db_instances: int = 0, volumes: int = 0,
         workers: int = 8) -> None:
    import boto3

    def client(service: str) -> Any:
        return boto3.client(service, region_name=REGION, endpoint_url=endpoint)

    s3, iam, logs = client("s3"), client("iam"), client("logs")

    def bucket(i: int) -> None:
        s3.create_bucket(Bucket=f"bench-bucket-{i:05d}")
        if i % 2:
            s3.put_bucket_versioning(Bucket=f"bench-bucket-{i:05d}", VersioningConfiguration={"Status": "Enabled"})

    def user(i: int) -> None:
        iam.create_user(UserName=f"bench-user-{i:04d}")
        if i % 3 == 0:
            iam.create_login_profile(UserName=f"bench-user-{i:04d}", Password="Bench-Passw0rd!")
        if i % 4 == 0:
            iam.create_access_key(UserName=f"bench-user-{i:04d}")

    def group(i: int) -> None:
        logs.create_log_group(logGroupName=f"/bench/group-{i:04d}")

    rds, ec2 = client("rds"), client("ec2")

    def db_instance(i: int) -> None:
        rds.create_db_instance(DBInstanceIdentifier=f"bench-db-{i:03d}", DBInstanceClass="db.t3.micro",
                               Engine="postgres", MasterUsername="bench", MasterUserPassword="Bench-Passw0rd!",
                               AllocatedStorage=20, StorageEncrypted=bool(i % 2), BackupRetentionPeriod=i % 10)

    def volume(i: int) -> None:
        ec2.create_volume(AvailabilityZone=f"{REGION}a", Size=1, Encrypted=bool(i % 2))

    with ThreadPoolExecutor(workers) as pool:
        list(pool.map(bucket, range(buckets)))
        list(pool.map(user, range(users)))
        list(pool.map(group, range(log_groups)))
        list(pool.map(db_instance, range(db_instances)))
        list(pool.map(volume, range(volumes)))
    client("kms").create_key()
    client("guardduty").create_detector(Enable=True)
    s3.create_bucket(Bucket="bench-trail")
    client("cloudtrail").create_trail(Name="bench-trail", S3BucketName="bench-trail", IsMultiRegionTrail=True)
    client("cloudtrail").put_event_selectors(TrailName="bench-trail", EventSelectors=[
        {"ReadWriteType": "All", "IncludeManagementEvents": True}])


def run_once(endpoint: str, types: set[str], max_workers: int) -> dict[str, Any]:
    from hipaacheck.sources.aws.source import AwsSource
    from hipaacheck.sources.aws.context import AwsContext, AwsOptions

    seen: Counter = Counter()
    lock = threading.Lock()
    original = AwsContext.__init__

    def note(model: Any = None, params: Any = None, request_signer: Any = None, **_: Any) -> None:
        key = (f"{model.service_model.service_name}:{model.name}", getattr(request_signer, "region_name", ""),
               json.dumps(params, sort_keys=True, default=str))
        with lock:
            seen[key] += 1

    def init(self: Any, session: Any, *args: Any, **kwargs: Any) -> None:
        session.events.register("before-call", note)
        original(self, session, *args, **kwargs)

    AwsContext.__init__ = init  # type: ignore[method-assign]
    try:
        source = AwsSource(AwsOptions(regions=[REGION], endpoint_url=endpoint, max_workers=max_workers))
        tracemalloc.start()
        started = time.perf_counter()
        inventory = source.collect(types)
        wall = time.perf_counter() - started
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    finally:
        AwsContext.__init__ = original  # type: ignore[method-assign]
    ctx = source.context
    # GenerateCredentialReport polls until COMPLETE by design; it is not a repeated read.
    repeated = {f"{op} {params}": n for (op, _, params), n in seen.items()
                if n > 1 and op != "iam:GenerateCredentialReport"}
    resources = len(inventory.resources)
    return {
        "max_workers": max_workers, "wall_seconds": round(wall, 2), "resources": resources,
        "collection_errors": len(inventory.errors),
        "unreadable_resources": sum(1 for r in inventory.resources if r.unreadable),
        "api_calls": ctx.call_count(), "calls_per_resource": round(ctx.call_count() / max(resources, 1), 2),
        "calls_by_operation": dict(sorted(ctx.calls_by_operation.items())),
        "peak_python_mib": round(peak / 2**20, 1), "repeated_calls": repeated,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--buckets", type=int, default=1000)
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--log-groups", type=int, default=200)
    parser.add_argument("--db-instances", type=int, default=50)
    parser.add_argument("--volumes", type=int, default=200)
    parser.add_argument("--workers", default="1,8", help="comma-separated --max-workers values (default: 1,8)")
    parser.add_argument("--types", help="comma-separated resource types to collect (default: all AWS types)")
    parser.add_argument("--json", action="store_true", help="print the full report as JSON")
    args = parser.parse_args(argv)
    os.environ.setdefault("AWS_ACCESS_KEY_ID", "bench")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "bench")
    os.environ["AWS_EC2_METADATA_DISABLED"] = "true"
    os.environ["MOTO_EC2_LOAD_DEFAULT_AMIS"] = "false"  # keep 1,300 built-in AMI snapshots out of the counts

    parent, child = multiprocessing.Pipe()
    server = multiprocessing.get_context("spawn").Process(target=_serve, args=(child,), daemon=True)
    server.start()
    host, port = parent.recv()
    endpoint = f"http://{host}:{port}"
    try:
        started = time.perf_counter()
        seed(endpoint, args.buckets, args.users, args.log_groups, args.db_instances, args.volumes)
        print(f"seeded {args.buckets} buckets, {args.users} users, {args.log_groups} log groups, "
              f"{args.db_instances} DB instances, {args.volumes} volumes "
              f"in {time.perf_counter() - started:.1f} s against {endpoint}", file=sys.stderr)
        types = {t.strip() for t in args.types.split(",") if t.strip()} if args.types else set(all_types())
        reports = [run_once(endpoint, types, int(w)) for w in args.workers.split(",")]
    finally:
        parent.send("stop")
        server.join(timeout=10)
    rss_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    if args.json:
        print(json.dumps({"runs": reports, "max_rss_mib": round(rss_mib, 1)}, indent=2))
        return 0
    for report in reports:
        print(f"max_workers={report['max_workers']}: {report['wall_seconds']} s, {report['resources']} resources, "
              f"{report['api_calls']} calls ({report['calls_per_resource']}/resource), "
              f"peak Python memory {report['peak_python_mib']} MiB, errors {report['collection_errors']}, "
              f"unreadable {report['unreadable_resources']}, repeated calls {len(report['repeated_calls'])}")
        for op, n in report["calls_by_operation"].items():
            print(f"    {n:6d}  {op}")
    print(f"process max RSS {rss_mib:.0f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
