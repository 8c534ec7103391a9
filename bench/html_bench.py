"""HTML report size benchmark (not a test): the report of a snapshot scan of N AWS resources, in bytes.

Uses the scale benchmark's inventories (a loopback moto server's resources replicated to each size with
unique ids), scans each with ``--profile hipaa-aws --format html,json`` and prints the report's size, the
findings it holds and the bytes per finding, against the 5 MB budget for 3,000 resources.

    PYTHONPATH=$PWD .venv/bin/python bench/html_bench.py --sizes 3000
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

from _common import REPO
from scale_bench import CLI, OK_CODES, inventories

BUDGET = 5 * 1000 * 1000  # bytes, for 3,000 resources


def report_size(inventory: Path, out: Path) -> dict[str, float]:
    proc = subprocess.run([*CLI, "scan", "--source", "snapshot", "--inventory", str(inventory), "--profile",
                           "hipaa-aws", "--format", "html,json", "--output-dir", str(out), "-q"], capture_output=True)
    if proc.returncode not in OK_CODES:
        raise SystemExit(proc.stderr.decode())
    html = (out / "hipaacheck-report.html").stat().st_size
    findings = len(json.loads((out / "hipaacheck-results.json").read_text())["findings"])
    return {"html_bytes": html, "findings": findings, "bytes_per_finding": round(html / max(findings, 1), 1)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="3000", help="comma-separated resource counts (default: 3000)")
    parser.add_argument("--work-dir", type=Path, default=REPO / "out" / "scale-bench",
                        help="cached inventories, shared with scale_bench.py")
    parser.add_argument("--refresh", action="store_true", help="collect the base inventory again")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]
    args.work_dir.mkdir(parents=True, exist_ok=True)
    failed = False
    for size, inventory in inventories(args.work_dir, sizes, args.refresh).items():
        figures = report_size(inventory, args.work_dir / f"html-{size}")
        budget = BUDGET * size / 3000
        failed |= figures["html_bytes"] > budget
        print(json.dumps({"resources": size, **figures, "mb": round(figures["html_bytes"] / 1e6, 2),
                          "budget_mb": round(budget / 1e6, 2)}))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
