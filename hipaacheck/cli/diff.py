"""``hipaacheck diff OLD.json NEW.json``: what changed between two results files.

New failures come first, then resolved ones. Exit 1 when there are new
failures (so a pipeline can gate on drift alone), else 0.
"""
from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from .options import add_different_targets_option
from ..jsonenc import dumps_text

DIFF_FORMATS = ("table", "markdown", "json")


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("diff", help="show new, resolved and unchanged failures between two results files",
                            description="Compare two results JSON files: new failures first, then resolved. "
                                        "Exit 1 when NEW has failures OLD did not.")
    parser.add_argument("old", type=Path, metavar="OLD.json", help="earlier results (the baseline)")
    parser.add_argument("new", type=Path, metavar="NEW.json", help="later results")
    parser.add_argument("--format", choices=DIFF_FORMATS, default="table", help="output format (default: table)")
    add_different_targets_option(parser)
    parser.set_defaults(handler=run)


def _rows(items: list[dict[str, Any]], last: str) -> list[list[str]]:
    from ..formats.common import resource_label
    from ..model import Finding

    rows = []
    for item in items:
        label = resource_label(Finding(item["control_id"], "", item["status"], item["severity"], item["resource"],
                                       item["citations"], item["message"]))
        rows.append([_cell(value) for value in (item["severity"], item["control_id"], label, item[last])])
    return rows


def _cell(value: Any) -> str:
    """One line of printable text: the files compared may come from anywhere."""
    from ..text import one_line

    return one_line(" ".join(str(value).split()))


def _headline(summary: dict[str, Any]) -> str:
    counts = summary["counts"]
    return _cell(f"{counts['new_failures']} new failures ({counts['new']} new incl. waived), "
                 f"{counts['resolved']} resolved, {counts['unchanged']} unchanged "
                 f"({summary['old_run']} -> {summary['new_run']})")


def render_table(summary: dict[str, Any]) -> str:
    from tabulate import tabulate

    parts = [f"Drift: {_headline(summary)}"]
    for title, key, last in (("NEW", "new", "message"), ("RESOLVED", "resolved", "now")):
        if summary[key]:
            parts.append(f"\n{title}\n" + tabulate(_rows(summary[key], last),
                                                   headers=["SEVERITY", "CONTROL", "RESOURCE", last.upper()]))
    return "\n".join(parts) + "\n"


def _md(text: str) -> str:
    return " ".join(str(text).split()).replace("\\", "\\\\").replace("|", "\\|").replace("<", "&lt;")


def render_markdown(summary: dict[str, Any]) -> str:
    lines = ["## hipaacheck drift", "", _md(_headline(summary)), ""]
    for title, key, last in (("New failures", "new", "Message"), ("Resolved", "resolved", "Now")):
        lines += [f"### {title} ({len(summary[key])})", ""]
        if not summary[key]:
            lines += ["None.", ""]
            continue
        lines += [f"| Severity | Control | Resource | {last} |", "|---|---|---|---|"]
        lines += ["| " + " | ".join(_md(cell) for cell in row) + " |" for row in _rows(summary[key], last.lower())]
        lines.append("")
    return "\n".join(lines)


def drift_between(old_path: Path, new_path: Path, allow_different_targets: bool = False) -> dict[str, Any]:
    from ..baseline import check_same_targets, compare
    from ..results import Results

    old, new = Results.load(old_path), Results.load(new_path)
    if not allow_different_targets:
        check_same_targets(old, new, str(new_path))
    summary = compare(old.findings, new.findings).summary({"path": str(old_path),
                                                           "started_at": old.run.get("started_at", "")})
    summary["old_run"] = old.run.get("started_at", "")
    summary["new_run"] = new.run.get("started_at", "")
    return summary


def run(args: argparse.Namespace) -> int:
    import sys

    summary = drift_between(args.old, args.new, args.allow_different_targets)
    if args.format == "json":
        text = dumps_text(summary, pretty=True, sort_keys=True) + "\n"
    else:
        text = (render_markdown if args.format == "markdown" else render_table)(summary)
    sys.stdout.write(text)
    return 1 if summary["counts"]["new_failures"] else 0
