"""Scale benchmark: snapshot scans, reports and evidence bundles at 1k to 300k resources (not a test).

Collects a real inventory from a loopback moto server seeded with a mix of resources, replicates
its resources with unique ids to each size N (same type mix, same errors and metadata), then
measures fresh processes, interleaved over ``--runs`` and reported as medians:

- ``json.load`` of the inventory, the floor any reader pays, and
  ``hipaacheck scan --source snapshot --profile hipaa-aws --format json`` of it: child CPU (user+sys)
  and peak RSS from ``os.wait4``, their ratios, and per-resource and marginal costs to judge linearity;
- at ``--report-size``: ``hipaacheck report`` of the results in every format against ``json.load`` of
  the results file, and the scan with ``--evidence-bundle`` against the scan without.

    PYTHONPATH=$PWD .venv/bin/python bench/scale_bench.py --sizes 1000,10000,100000 --runs 3

Generated inventories are cached in ``--work-dir`` (delete it, or pass ``--refresh``, after changing
the collectors); reusing them keeps "before" and "after" figures comparable.
"""
from __future__ import annotations

import argparse
import itertools
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import asdict
from pathlib import Path
from typing import Any

from _common import REGION, REPO, Usage, measure, moto_server, seed

BASE_MIX = {"buckets": 60, "users": 30, "log_groups": 30, "db_instances": 10, "volumes": 30,
            "tables": 10, "queues": 10, "topics": 10}
CLI = [sys.executable, "-m", "hipaacheck"]
JSON_LOAD = [sys.executable, "-c", "import json,sys; json.load(open(sys.argv[1]))"]
OK_CODES = (0, 1, 3)  # passed, failures found, checks that could not run: all are a finished scan


# ---------------------------------------------------------------- inventories

def collect_base(path: Path) -> None:
    """Seed a moto server with :data:`BASE_MIX` and ``hipaacheck collect aws`` it into ``path``."""
    with moto_server() as endpoint:
        seed(endpoint, **BASE_MIX)
        subprocess.run([*CLI, "collect", "aws", "--endpoint-url", endpoint, "--regions", REGION,
                        "-o", str(path), "--quiet"], check=True)


def copy_resource(resource: dict[str, Any], copy: int) -> dict[str, Any]:
    """Copy ``copy`` of ``resource`` (0 is the original): the id and the names derived from it get a suffix.

    A top-level string attribute ending with the id's last ``:``/``/`` segment (a name, identifier,
    volume id or queue URL) is renamed with it; references to other resources (keys, VPCs) are kept.
    """
    if copy == 0:
        return resource
    suffix = f"-c{copy:06d}"
    token = re.split(r"[:/]", resource["id"])[-1]
    clone = json.loads(json.dumps(resource))
    clone["id"] += suffix
    for name, value in clone["attributes"].items():
        if isinstance(value, str) and value.endswith(token):
            clone["attributes"][name] = value + suffix
    return clone


def replicated(resources: list[dict[str, Any]], size: int) -> Iterator[dict[str, Any]]:
    """``size`` resources: each base resource ``size / len(resources)`` times, rounded evenly, in base order."""
    count = len(resources)
    for index, resource in enumerate(resources):
        for copy in range((index + 1) * size // count - index * size // count):
            yield copy_resource(resource, copy)


def write_inventory(base: dict[str, Any], size: int, path: Path) -> None:
    """Write ``base`` with its resources replicated to ``size``, laid out as ``Inventory.write`` does."""
    head, tail = json.dumps({**base, "resources": "@"}, indent=2, sort_keys=True).split('"@"')
    partial = path.with_suffix(".partial")
    with partial.open("w") as out:
        out.write(head + "[")
        for i, resource in enumerate(replicated(base["resources"], size)):
            text = json.dumps(resource, indent=2, sort_keys=True).replace("\n", "\n    ")
            out.write(("," if i else "") + "\n    " + text)
        out.write("\n  ]" + tail + "\n")
    partial.replace(path)


def inventories(work: Path, sizes: list[int], refresh: bool) -> dict[int, Path]:
    """Path of the inventory of each size, generating (and caching) what is missing or stale."""
    base_path = work / "base.json"
    if refresh or not base_path.exists():
        started = time.perf_counter()
        collect_base(base_path)
        log(f"collected {base_path} in {time.perf_counter() - started:.1f} s")
    base = json.loads(base_path.read_text())
    paths = {}
    for size in sizes:
        path = paths[size] = work / f"inventory-{size}.json"
        if refresh or not path.exists() or path.stat().st_mtime < base_path.stat().st_mtime:
            started = time.perf_counter()
            write_inventory(base, size, path)
            log(f"wrote {path} ({mib(path)} MiB) in {time.perf_counter() - started:.1f} s")
    return paths


# ---------------------------------------------------------------- measuring

def scan_command(inventory: Path, out: Path, bundle: Path | None = None) -> list[str]:
    """The scan measured: JSON results to a file, the verdict alone on the console (its default listing of
    every failing finding is a second rendering, 200k table rows at this size)."""
    command = [*CLI, "scan", "--source", "snapshot", "--inventory", str(inventory), "--profile", "hipaa-aws",
               "--format", "json", "--output-dir", str(out), "--quiet"]
    return command + (["--evidence-bundle", str(bundle)] if bundle else [])


def run_rounds(args: argparse.Namespace, paths: dict[int, Path], formats: list[str]) -> dict[str, list[Usage]]:
    """Every measurement, ``args.runs`` times, interleaved so that drift hits all of them alike."""
    from hipaacheck.formats import get_format

    samples: dict[str, list[Usage]] = {}

    def sample(key: str, command: list[str]) -> None:
        usage = measure(command, OK_CODES)
        samples.setdefault(key, []).append(usage)
        log(f"  {key}: {usage.cpu:.2f} s CPU, {usage.rss_mib:.0f} MiB")

    for run in range(args.runs):
        log(f"run {run + 1}/{args.runs}")
        for size, path in paths.items():
            out = args.work_dir / f"out-{size}"
            sample(f"load {size}", [*JSON_LOAD, str(path)])
            sample(f"scan {size}", scan_command(path, out))
            if size == args.report_size:
                sample(f"bundle {size}", scan_command(path, out / "bundle", out / "bundle.zip"))
        results = args.work_dir / f"out-{args.report_size}" / get_format("json").filename
        if formats:
            sample("load results", [*JSON_LOAD, str(results)])
        for name in formats:
            sample(f"report {name}", [*CLI, "report", str(results), "--format", name,
                                      "--output-dir", str(args.work_dir / "reports")])
    return samples


def median(samples: list[Usage]) -> dict[str, float]:
    return {field: statistics.median(getattr(s, field) for s in samples) for field in ("wall", "cpu", "rss_mib")}


def summarize(args: argparse.Namespace, paths: dict[int, Path], formats: list[str],
              samples: dict[str, list[Usage]]) -> dict[str, Any]:
    sizes: list[dict[str, Any]] = []
    for size, path in paths.items():
        load, scan = median(samples[f"load {size}"]), median(samples[f"scan {size}"])
        sizes.append({"resources": size, "file_mib": mib(path), "load": load, "scan": scan,
                      "cpu_ratio": scan["cpu"] / load["cpu"], "rss_ratio": scan["rss_mib"] / load["rss_mib"],
                      "cpu_us_per_resource": scan["cpu"] / size * 1e6,
                      "rss_kib_per_resource": scan["rss_mib"] / size * 1024})
    for previous, row in itertools.pairwise(sizes):
        step = row["resources"] - previous["resources"]
        row["marginal_cpu_us"] = (row["scan"]["cpu"] - previous["scan"]["cpu"]) / step * 1e6
        row["marginal_rss_kib"] = (row["scan"]["rss_mib"] - previous["scan"]["rss_mib"]) / step * 1024
    summary: dict[str, Any] = {"sizes": sizes, "linearity": linearity(sizes), "runs": args.runs,
                               "environment": environment()}
    size = args.report_size
    if f"bundle {size}" in samples:
        scan, bundle = median(samples[f"scan {size}"]), median(samples[f"bundle {size}"])
        summary["evidence_bundle"] = {"resources": size, "scan": scan, "with_bundle": bundle,
                                      "cpu_ratio": bundle["cpu"] / scan["cpu"],
                                      "bundle_mib": mib(args.work_dir / f"out-{size}" / "bundle.zip")}
    if formats:
        load = median(samples["load results"])
        summary["reports"] = {"resources": size, "load_results": load, "formats": {
            name: {**usage, "cpu_ratio": usage["cpu"] / load["cpu"], "rss_ratio": usage["rss_mib"] / load["rss_mib"]}
            for name in formats for usage in [median(samples[f"report {name}"])]}}
    summary["samples"] = {key: [asdict(s) for s in values] for key, values in samples.items()}
    return summary


def linearity(sizes: list[dict[str, Any]]) -> dict[str, Any]:
    """Marginal cost per resource of the last step over the first: about 1 when scan CPU and RSS are linear in N."""
    if len(sizes) < 3:
        return {"verdict": "needs 3 sizes or more"}
    first, last = sizes[1], sizes[-1]

    def ratio(key: str) -> float | None:
        return last[key] / first[key] if first[key] > 0 else None

    def verdict(value: float | None) -> str:
        if value is None:
            return "unknown"
        return "linear" if 0.75 <= value <= 1.33 else ("superlinear" if value > 1 else "sublinear")

    cpu, rss = ratio("marginal_cpu_us"), ratio("marginal_rss_kib")
    return {"cpu_ratio": cpu, "rss_ratio": rss, "cpu": verdict(cpu), "rss": verdict(rss),
            "steps_ending_at": [first["resources"], last["resources"]]}


def environment() -> dict[str, Any]:
    import hipaacheck

    package = Path(hipaacheck.__file__).resolve().parent
    commit = subprocess.run(["git", "-C", str(package), "rev-parse", "--short", "HEAD"], capture_output=True,
                            text=True, check=False).stdout.strip()
    dirty = subprocess.run(["git", "-C", str(package), "status", "--porcelain", "--", "."], capture_output=True,
                           text=True, check=False).stdout.strip()
    return {"hipaacheck": str(package), "commit": commit + ("+dirty" if dirty else ""),
            "python": platform.python_version(), "cpus": os.cpu_count()}


# ---------------------------------------------------------------- output

def print_tables(summary: dict[str, Any]) -> None:
    from tabulate import tabulate

    env = summary["environment"]
    print(f"hipaacheck {env['hipaacheck']} @ {env['commit']}, Python {env['python']}, {env['cpus']} CPUs, "
          f"medians of {summary['runs']} run(s); CPU = child user+sys s, RSS = child peak MiB")
    rows = [[s["resources"], s["file_mib"], s["load"]["cpu"], s["load"]["rss_mib"], s["scan"]["cpu"],
             s["scan"]["wall"], s["scan"]["rss_mib"], s["cpu_ratio"], s["rss_ratio"], s["cpu_us_per_resource"],
             s["rss_kib_per_resource"], s.get("marginal_cpu_us"), s.get("marginal_rss_kib")]
            for s in summary["sizes"]]
    print(tabulate(rows, headers=["N", "file MiB", "load CPU", "load RSS", "scan CPU", "scan wall", "scan RSS",
                                  "CPU x load", "RSS x load", "CPU us/res", "RSS KiB/res", "marg. us/res",
                                  "marg. KiB/res"], floatfmt=".2f", missingval="-"))
    lin = summary["linearity"]
    if "cpu" in lin:
        first, last = lin["steps_ending_at"]
        print(f"linearity (marginal cost per resource of the step to N={last} / of the step to N={first}): "
              f"CPU {ratio(lin['cpu_ratio'])} ({lin['cpu']}), RSS {ratio(lin['rss_ratio'])} ({lin['rss']})")
    else:
        print(f"linearity: {lin['verdict']}")
    if "evidence_bundle" in summary:
        b = summary["evidence_bundle"]
        print(f"\nevidence bundle at N={b['resources']}: scan {b['scan']['cpu']:.2f} s CPU / {b['scan']['rss_mib']:.0f}"
              f" MiB, with --evidence-bundle {b['with_bundle']['cpu']:.2f} s CPU / {b['with_bundle']['rss_mib']:.0f}"
              f" MiB ({b['bundle_mib']} MiB zip): CPU x{b['cpu_ratio']:.2f}")
    if "reports" in summary:
        r = summary["reports"]
        print(f"\nhipaacheck report of the N={r['resources']} results; json.load of them: "
              f"{r['load_results']['cpu']:.2f} s CPU, {r['load_results']['rss_mib']:.0f} MiB")
        print(tabulate([[name, u["cpu"], u["wall"], u["rss_mib"], u["cpu_ratio"], u["rss_ratio"]]
                        for name, u in r["formats"].items()],
                       headers=["format", "CPU", "wall", "RSS", "CPU x load", "RSS x load"], floatfmt=".2f"))


def ratio(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def mib(path: Path) -> float:
    return round(path.stat().st_size / 2**20, 1)


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    from hipaacheck.formats import FORMATS

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000,300000", help="comma-separated resource counts")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--formats", default=",".join(FORMATS), help="report formats to time (default: all)")
    parser.add_argument("--skip-formats", default="", help="comma-separated formats not to time")
    parser.add_argument("--report-size", type=int,
                        help="size whose results feed the report and bundle figures (default: 100000, or the "
                             "largest size below it)")
    parser.add_argument("--work-dir", type=Path, default=REPO / "out" / "scale-bench",
                        help="inventories, results and reports (default: out/scale-bench)")
    parser.add_argument("--refresh", action="store_true", help="collect and generate the inventories anew")
    parser.add_argument("--json", action="store_true", help="print the summary and every sample as JSON")
    args = parser.parse_args(argv)
    sizes = sorted({int(s) for s in args.sizes.split(",") if s.strip()})
    if args.report_size is None:
        args.report_size = max([s for s in sizes if s <= 100_000] or sizes[:1])
    if args.report_size not in sizes:
        parser.error(f"--report-size {args.report_size} is not one of --sizes")
    skip = {f.strip() for f in args.skip_formats.split(",")}
    formats = [f.strip() for f in args.formats.split(",") if f.strip() and f.strip() not in skip]
    unknown = set(formats) - set(FORMATS)
    if unknown:
        parser.error(f"unknown formats: {', '.join(sorted(unknown))}")
    args.work_dir.mkdir(parents=True, exist_ok=True)
    paths = inventories(args.work_dir, sizes, args.refresh)
    summary = summarize(args, paths, formats, run_rounds(args, paths, formats))
    if args.json:
        print(json.dumps(summary, indent=2))
    else:
        print_tables(summary)
    return 0


if __name__ == "__main__":
    sys.exit(main())
