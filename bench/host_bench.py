"""Start-up and host-scan timings (a benchmark, not a test).

    .venv/bin/python bench/host_bench.py [--runs 10] [--root tests/fixtures/host/noncompliant]

Reports the median wall time of ``python -c pass``, ``hipaacheck --version`` and a
full ``hipaa-host`` scan of a fixture tree, each in a fresh process; the scan once as usual
(the parsed-content cache warm) and once with the cache off, as the first run after an install.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from _common import REPO, median_seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--root", type=Path, default=REPO / "tests" / "fixtures" / "host" / "noncompliant")
    args = parser.parse_args()
    cli = [sys.executable, "-m", "hipaacheck"]
    scan = ["scan", "--root", str(args.root), "--format", "json", "--quiet"]
    rows = [
        ("python -c pass", [sys.executable, "-c", "pass"]),
        ("hipaacheck --version", [*cli, "--version"]),
        (f"hipaacheck scan --root {args.root.name} (hipaa-host, json)", [*cli, *scan]),
        ("  the same, content cache off (env HIPAACHECK_NO_CACHE=1)",
         ["env", "HIPAACHECK_NO_CACHE=1", *cli, *scan]),
    ]
    baseline = None
    for label, command in rows:
        seconds = median_seconds(command, args.runs)
        baseline = baseline if baseline is not None else seconds
        print(f"{label:70s} {seconds * 1000:8.1f} ms  (+{(seconds - baseline) * 1000:.1f} ms over python)")


if __name__ == "__main__":
    main()
