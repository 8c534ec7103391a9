"""``hipaacheck history --db DB``: the trend of recorded runs, per control and per citation."""
from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path
from typing import Any
from ..jsonenc import dumps_text


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("history", help="show the trend of runs recorded with 'scan --history DB'",
                            description="Runs recorded with 'scan --history DB': pass rate and new failures per "
                                        "run, failures per control and pass rate per citation over time.")
    parser.add_argument("--db", type=Path, required=True, metavar="DB", help="history database")
    parser.add_argument("--since", metavar="DATE", help="only runs on or after DATE (YYYY-MM-DD)")
    parser.add_argument("--last", type=int, default=10, metavar="N",
                        help="table: show the last N runs as columns (default: 10)")
    parser.add_argument("--format", choices=("table", "json"), default="table", help="output format (default: table)")
    parser.set_defaults(handler=run)


def _since(value: str | None) -> str | None:
    from ..errors import InputError

    if value is None:
        return None
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        raise InputError("--since", f"{value!r} is not a date (YYYY-MM-DD)") from None


def _target(target: dict[str, Any]) -> str:
    return str(target.get("account") or target.get("host") or target.get("root") or "")


def _percent(rate: float | None) -> str:
    return "-" if rate is None else f"{rate * 100:.1f}%"


def _trend_word(first: float | None, last: float | None, higher_is_better: bool) -> str:
    if first is None or last is None or first == last:
        return "same"
    return "better" if (last > first) == higher_is_better else "worse"


def collect_history(db: Path, since: str | None) -> dict[str, Any]:
    from ..errors import InputError
    from ..history import citation_matrix, connect, pass_rate, reading, runs, status_matrix

    if not db.is_file():
        raise InputError(str(db), "--db: no such history database")
    conn = connect(db)
    try:
        with reading(conn):
            rows = runs(conn, since=since)
            ids = [r.id for r in rows]
            controls = status_matrix(conn, ids)
            citations = citation_matrix(conn, ids)
    finally:
        conn.close()
    return {
        "runs": [r.to_dict() for r in rows],
        "controls": {cid: [{"run_id": rid, "counts": per_run.get(rid, {})} for rid in ids if rid in per_run]
                     for cid, per_run in sorted(controls.items())},
        "citations": {cit: [{"run_id": rid, "counts": per_run[rid], "pass_rate": pass_rate(per_run[rid])}
                            for rid in ids if rid in per_run]
                      for cit, per_run in sorted(citations.items())},
    }


def render_table(data: dict[str, Any], last: int) -> str:
    from tabulate import tabulate

    from ..text import one_line

    runs = data["runs"]
    if not runs:
        return "No runs recorded.\n"
    shown = [r["id"] for r in runs[-last:]]
    run_rows = [[r["id"], r["run_at"], r["source"], _target(r["target"]), r["profile"], _percent(r["pass_rate"]),
                 r["counts"]["fail"], r["counts"]["error"], r["new_failures"]] for r in runs]
    run_rows = [[one_line(cell) for cell in row] for row in run_rows]  # names from scanned images
    parts = ["Runs\n" + tabulate(run_rows, headers=["RUN", "RUN AT", "SOURCE", "TARGET", "PROFILE", "PASS RATE",
                                                    "FAIL", "ERROR", "NEW FAIL"])]
    heads = [f"#{rid}" for rid in shown]
    rows = []
    for cid, cells in data["controls"].items():
        by_run = {c["run_id"]: c["counts"].get("fail", 0) for c in cells}
        values = [by_run.get(rid) for rid in shown]
        known = [v for v in values if v is not None]
        rows.append([one_line(cid), *("-" if v is None else v for v in values),
                     _trend_word(known[0], known[-1], False) if known else "same"])
    parts.append("Failures per control (oldest run first)\n" + tabulate(rows, headers=["CONTROL", *heads, "TREND"]))
    rows = []
    for citation, cells in data["citations"].items():
        by_run = {c["run_id"]: c["pass_rate"] for c in cells}
        rates = [by_run.get(rid) for rid in shown]
        known = [v for v in rates if v is not None]
        rows.append([one_line(citation), *map(_percent, rates), _trend_word(known[0], known[-1], True) if known else "same"])
    parts.append("Pass rate per citation (oldest run first)\n" + tabulate(rows, headers=["CITATION", *heads, "TREND"]))
    return "\n\n".join(parts) + "\n"


def run(args: argparse.Namespace) -> int:
    data = collect_history(args.db, _since(args.since))
    if args.format == "json":
        sys.stdout.write(dumps_text(data, pretty=True, sort_keys=True) + "\n")
    else:
        sys.stdout.write(render_table(data, max(1, args.last)))
    return 0
