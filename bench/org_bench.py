"""Benchmark an Organization scan against a loopback moto server (not a test).

Creates an Organization of ``--accounts`` accounts (the management account and members), seeds each member
with buckets, users and log groups through its own assumed-role credentials (moto keeps one backend per
account), then runs ``hipaacheck scan --accounts all`` in a fresh process with each ``--account-workers``
value, and once for a single member (``--accounts ID``): wall time, own CPU and peak RSS of the scanning
process, and the API calls each account took (from the results' targets).

    PYTHONPATH=$PWD .venv/bin/python bench/org_bench.py --accounts 20 --buckets 100 --users 100 --log-groups 100

The moto server runs in a child process: its memory and CPU do not count against the scan.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from _common import REGION, REPO, measure, moto_server, seed

ROLE = "HipaacheckAudit"
CLI = [sys.executable, "-m", "hipaacheck"]


def member_session(endpoint: str, account: str) -> Any:
    import boto3

    sts = boto3.client("sts", region_name=REGION, endpoint_url=endpoint)
    creds = sts.assume_role(RoleArn=f"arn:aws:iam::{account}:role/{ROLE}", RoleSessionName="seed")["Credentials"]
    return boto3.Session(aws_access_key_id=creds["AccessKeyId"], aws_secret_access_key=creds["SecretAccessKey"],
                         aws_session_token=creds["SessionToken"], region_name=REGION)


def organization(endpoint: str, accounts: int) -> list[str]:
    """An Organization of ``accounts`` accounts (the caller's and new members); the members' ids."""
    import boto3

    client = boto3.client("organizations", region_name=REGION, endpoint_url=endpoint)
    client.create_organization(FeatureSet="ALL")
    return [client.create_account(AccountName=f"member-{i:02d}", Email=f"m{i}@example.com")
            ["CreateAccountStatus"]["AccountId"] for i in range(accounts - 1)]


def scan(endpoint: str, out: Path, *extra: str) -> tuple[Any, dict[str, Any]]:
    command = [*CLI, "scan", "--source", "aws", "--endpoint-url", endpoint, "--org-role", ROLE,
               "--regions", REGION, "--profile", "hipaa-aws", "--format", "json", "--output-dir", out, "--quiet",
               *extra]
    usage = measure(command, ok_codes=(0, 1, 3))
    return usage, json.loads((out / "hipaacheck-results.json").read_text())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=20)
    parser.add_argument("--buckets", type=int, default=100, help="per member account")
    parser.add_argument("--users", type=int, default=100, help="per member account")
    parser.add_argument("--log-groups", type=int, default=100, help="per member account")
    parser.add_argument("--workers", default="1,4,8", help="comma-separated --account-workers values")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    args = parser.parse_args(argv)
    os.environ["PYTHONPATH"] = str(REPO)  # the scans run this checkout
    report: dict[str, Any] = {"accounts": args.accounts, "per_member": {
        "buckets": args.buckets, "users": args.users, "log_groups": args.log_groups}, "runs": []}
    with moto_server() as endpoint, tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        members = organization(endpoint, args.accounts)
        for account in members:
            seed(endpoint, args.buckets, args.users, args.log_groups, session=member_session(endpoint, account),
                 prefix=f"m{account}")
        report["seed_seconds"] = round(time.perf_counter() - started, 1)
        print(f"seeded {len(members)} members in {report['seed_seconds']} s against {endpoint}", file=sys.stderr)
        usage, single = scan(endpoint, Path(tmp) / "one", "--accounts", members[0])
        report["one_account"] = {"wall_seconds": round(usage.wall, 1), "cpu_seconds": round(usage.cpu, 1),
                                 "peak_rss_mib": round(usage.rss_mib, 1), "findings": len(single["findings"])}
        for workers in (int(w) for w in args.workers.split(",")):
            usage, results = scan(endpoint, Path(tmp) / f"w{workers}", "--accounts", "all",
                                  "--account-workers", str(workers))
            calls = [t["details"].get("api_calls", 0) for t in results["targets"]]
            report["runs"].append({
                "account_workers": workers, "wall_seconds": round(usage.wall, 1), "cpu_seconds": round(usage.cpu, 1),
                "peak_rss_mib": round(usage.rss_mib, 1), "targets": len(results["targets"]),
                "statuses": sorted({t["status"] for t in results["targets"]}), "findings": len(results["findings"]),
                "api_calls_per_account": {"min": min(calls), "median": statistics.median(calls), "max": max(calls)},
            })
    if args.json:
        print(json.dumps(report, indent=2))
        return 0
    one = report["one_account"]
    print(f"one member account: {one['wall_seconds']} s, {one['cpu_seconds']} s CPU, peak RSS {one['peak_rss_mib']} MiB")
    for run in report["runs"]:
        calls = run["api_calls_per_account"]
        print(f"{run['targets']} accounts, --account-workers {run['account_workers']}: {run['wall_seconds']} s, "
              f"{run['cpu_seconds']} s CPU, peak RSS {run['peak_rss_mib']} MiB "
              f"({run['peak_rss_mib'] / one['peak_rss_mib']:.2f}x one account), {run['findings']} findings, "
              f"API calls per account {calls['min']}..{calls['max']} (median {calls['median']}), "
              f"targets {', '.join(run['statuses'])}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
