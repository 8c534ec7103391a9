"""Helpers shared by the benchmarks: a loopback moto server, seeding it, and measuring a child process."""
from __future__ import annotations

import json
import multiprocessing
import os
import statistics
import subprocess
import sys
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
REGION = "us-east-1"


def _serve(conn: Any) -> None:
    import logging

    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # no line per request

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    conn.send(server.get_host_and_port())
    conn.recv()  # wait for "stop"
    server.stop()


@contextmanager
def moto_server() -> Iterator[str]:
    """Yield the endpoint URL of a moto server in a child process (its CPU and memory are not ours).

    Sets dummy credentials and moto's options in ``os.environ``, so child processes inherit them.
    """
    os.environ.setdefault("AWS_ACCESS_KEY_ID", "bench")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "bench")
    os.environ["AWS_EC2_METADATA_DISABLED"] = "true"
    os.environ["MOTO_EC2_LOAD_DEFAULT_AMIS"] = "false"  # keep 1,300 built-in AMI snapshots out of the counts
    parent, child = multiprocessing.Pipe()
    server = multiprocessing.get_context("spawn").Process(target=_serve, args=(child,), daemon=True)
    server.start()
    while not parent.poll(0.2):  # a server that died on start must not hang the bench
        if not server.is_alive():
            raise RuntimeError(f"moto server exited with code {server.exitcode}")
    host, port = parent.recv()
    try:
        yield f"http://{host}:{port}"
    finally:
        parent.send("stop")
        server.join(timeout=10)


def seed(endpoint: str, buckets: int, users: int, log_groups: int, db_instances: int = 0, volumes: int = 0,
         tables: int = 0, queues: int = 0, topics: int = 0, workers: int = 8, session: Any = None,
         prefix: str = "bench") -> None:
    """Create a mix of resources (about half of each kind compliant) plus a key, a detector and a trail,
    in the account of ``session`` (default: the environment's credentials); bucket names start with
    ``prefix`` (they are global, even across moto's accounts)."""
    import boto3

    def client(service: str) -> Any:
        return (session or boto3).client(service, region_name=REGION, endpoint_url=endpoint)

    s3, iam, logs = client("s3"), client("iam"), client("logs")

    def bucket(i: int) -> None:
        s3.create_bucket(Bucket=f"{prefix}-bucket-{i:05d}")
        if i % 2:
            s3.put_bucket_versioning(Bucket=f"{prefix}-bucket-{i:05d}", VersioningConfiguration={"Status": "Enabled"})
        else:  # S3's default for a bucket made since April 2023 (moto creates buckets without it)
            s3.put_public_access_block(Bucket=f"{prefix}-bucket-{i:05d}", PublicAccessBlockConfiguration=dict.fromkeys(
                ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets"), True))

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

    dynamodb, sqs, sns = client("dynamodb"), client("sqs"), client("sns")

    def table(i: int) -> None:
        dynamodb.create_table(TableName=f"bench-table-{i:04d}", BillingMode="PAY_PER_REQUEST",
                              AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                              KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}])

    def queue(i: int) -> None:
        sqs.create_queue(QueueName=f"bench-queue-{i:04d}", Attributes={"SqsManagedSseEnabled": str(i % 2 == 1).lower()})

    def topic(i: int) -> None:
        sns.create_topic(Name=f"bench-topic-{i:04d}", Attributes={"KmsMasterKeyId": "alias/aws/sns"} if i % 2 else {})

    with ThreadPoolExecutor(workers) as pool:
        list(pool.map(bucket, range(buckets)))
        list(pool.map(user, range(users)))
        list(pool.map(group, range(log_groups)))
        list(pool.map(db_instance, range(db_instances)))
        list(pool.map(volume, range(volumes)))
        list(pool.map(table, range(tables)))
        list(pool.map(queue, range(queues)))
        list(pool.map(topic, range(topics)))
    client("kms").create_key()
    client("guardduty").create_detector(Enable=True)
    s3.create_bucket(Bucket=f"{prefix}-trail")
    client("cloudtrail").create_trail(Name="bench-trail", S3BucketName=f"{prefix}-trail", IsMultiRegionTrail=True)
    client("cloudtrail").put_event_selectors(TrailName="bench-trail", EventSelectors=[
        {"ReadWriteType": "All", "IncludeManagementEvents": True}])


@dataclass(frozen=True)
class Usage:
    """What one child process cost: wall seconds, user+sys CPU seconds, peak RSS in MiB, exit code."""

    wall: float
    cpu: float
    rss_mib: float
    code: int


# Runs one command per line of JSON on stdin and answers with its usage. Linux carries a parent's
# memory high-water mark into a forked child's ru_maxrss, so children are forked from this small
# process, not from the benchmark (which holds inventories and hipaacheck's imports).
_LAUNCHER = """
import json, os, subprocess, sys, tempfile, time
for line in sys.stdin:
    with tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        child = subprocess.Popen(json.loads(line), stdout=subprocess.DEVNULL, stderr=err)
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - started
        child.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        tail = (err.read().decode(errors="replace").strip().splitlines() or [""])[-1]
    print(json.dumps([wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss, child.returncode, tail]), flush=True)
"""
_launcher: subprocess.Popen | None = None


def measure(command: Sequence[str], ok_codes: Iterable[int] = (0,)) -> Usage:
    """Run ``command`` (stdout discarded) in a fresh process; its own CPU and peak RSS come from ``os.wait4``.

    An exit code outside ``ok_codes`` raises :class:`RuntimeError` with the command and its last stderr line.
    """
    global _launcher
    if _launcher is None:
        _launcher = subprocess.Popen([sys.executable, "-I", "-c", _LAUNCHER], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, text=True)
    assert _launcher.stdin and _launcher.stdout
    _launcher.stdin.write(json.dumps([str(part) for part in command]) + "\n")
    _launcher.stdin.flush()
    wall, cpu, rss_kib, code, tail = json.loads(_launcher.stdout.readline())
    if code not in ok_codes:
        raise RuntimeError(f"exit {code}: {' '.join(map(str, command))}: {tail}")
    return Usage(wall, cpu, rss_kib / 1024, code)


def median_seconds(command: Sequence[str], runs: int) -> float:
    """Median wall time of ``runs`` fresh runs of ``command`` (any exit code)."""
    return statistics.median(measure(command, ok_codes=range(256)).wall for _ in range(runs))
