"""``hipaacheck coverage``: the 68 Security Rule paragraphs against a profile's controls and attestations."""
from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any
from ..jsonenc import dumps_text


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "coverage", help="show which Security Rule paragraphs a profile covers",
        description="For each of the 68 paragraphs of 45 CFR 164.308-164.316: the automated controls and "
                    "attestations of the profile that cite it, and the gaps. With --attestations, the "
                    "attestation controls are evaluated too, so the status column says which are current.")
    parser.add_argument("--profile", default="hipaa-full", help="profile name or YAML path (default: hipaa-full)")
    parser.add_argument("--format", choices=("table", "json", "markdown"), default="table")
    parser.add_argument("--attestations", type=Path, help="evaluate attestation controls against this file")
    parser.add_argument("--checks-dir", type=Path, action="append", default=[], help="load extra checks from DIR")
    parser.add_argument("--controls-dir", type=Path, action="append", default=[], help="load extra controls from DIR")
    parser.set_defaults(handler=run)


def _attested_findings(active: list[Any], path: Path, catalog: Any) -> list[Any]:
    """Evaluate only the attestation controls: they need no target, just the file and the clock."""
    from ..attestations import ATTESTATION_CHECKS
    from ..engine import evaluate
    from ..pipeline import needed_types
    from ..sources import SourcePlan, SourceSpec, build_source

    manual = [a for a in active if a.control.check in ATTESTATION_CHECKS]
    source = build_source(SourceSpec.of("manual", {"attestations": path}), SourcePlan(catalog, manual))
    return evaluate(manual, source.collect(needed_types(manual, source.family)))


def _joined(values: list[str]) -> str:
    return ", ".join(values) if values else "-"


def render_table(rows: list[dict[str, Any]]) -> str:
    from tabulate import tabulate

    table = [[r["citation"], r["designation"], r["safeguard"], len(r["controls"]) or "-",
              len(r["attestations"]) or "-", r["status"], r["title"][:60]] for r in rows]
    return tabulate(table, headers=["CITATION", "DESIGNATION", "SAFEGUARD", "AUTOMATED", "ATTESTED", "STATUS",
                                    "TITLE"], tablefmt="simple") + "\n"


def render_markdown(rows: list[dict[str, Any]]) -> str:
    from ..formats.markdown import cell

    lines = ["| Citation | Title | Designation | Safeguard | Automated controls | Attestations | Status |",
             "|---|---|---|---|---|---|---|"]
    for r in rows:
        lines.append("| " + " | ".join(cell(str(v)) for v in (
            r["citation"], r["title"], r["designation"], r["safeguard"], _joined(r["controls"]),
            _joined(r["attestations"]), r["status"])) + " |")
    return "\n".join(lines) + "\n"


def run(args: argparse.Namespace) -> int:
    from ..coverage import coverage_rows, coverage_summary
    from ..pipeline import load_catalog
    from .request import catalog_spec

    profile, catalog, active = load_catalog(catalog_spec(args), args.profile)
    findings = _attested_findings(active, args.attestations, catalog) if args.attestations else None
    rows = coverage_rows(active, findings)
    summary = coverage_summary(rows)
    if args.format == "json":
        print(dumps_text({"profile": profile.id, "summary": summary, "rows": rows}, pretty=True))
        return 0
    text = render_markdown(rows) if args.format == "markdown" else render_table(rows)
    gaps = ", ".join(summary["gaps"]) or "none"
    print(text + f"\n{profile.id}: {summary['covered']}/{summary['paragraphs']} paragraphs covered "
                 f"({summary['automated']} by automated controls, {summary['attestation_only']} by attestations "
                 f"only); gaps: {gaps}")
    return 0
