"""Markdown for a CI job summary or a pull-request comment: failures first, passes as counts."""
from __future__ import annotations

import html

from ..model import Finding
from ..results import Results, verdict_of
from ..text import one_line
from .common import STATUS_ORDER, control_views, resource_label, sort_findings
from .interface import WholeFormat
from .targets import several_targets, target_views

SECTIONS = (
    ("fail", "Failures"),
    ("error", "Could not check"),
    ("manual", "Needs manual attestation"),
    ("waived", "Waived"),
)
MAX_ROWS = 200  # a PR comment has a size limit; the full list is in the other formats


def cell(value: object) -> str:
    """One table cell: no line breaks, no pipes, no raw HTML."""
    text = one_line(" ".join(str(value if value is not None else "").split()))
    return html.escape(text, quote=False).replace("|", "\\|")


def _table(rows: list[list[str]], headers: list[str]) -> list[str]:
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return lines


def _sections(findings: list[Finding], heading_level: str) -> list[str]:
    """Failures, errors, manual and waived findings, a table each, worst first."""
    lines: list[str] = []
    sections: dict[str, list[Finding]] = {status: [] for status, _ in SECTIONS}
    for finding in findings:  # passes, usually most findings, are only counted: never sorted
        if finding.status in sections:
            sections[finding.status].append(finding)
    for status, heading in SECTIONS:
        chosen = sort_findings(sections[status])
        if not chosen:
            continue
        lines += ["", f"{heading_level} {heading} ({len(chosen)})", ""]
        rows = [[f.severity, f"`{cell(f.control_id)}`", cell(resource_label(f)), cell(f.message),
                 cell(", ".join(f.citations))] for f in chosen[:MAX_ROWS]]
        lines += _table(rows, ["Severity", "Control", "Resource", "Detail", "Citations"])
        if len(chosen) > MAX_ROWS:
            lines.append(f"\n…and {len(chosen) - MAX_ROWS} more (see the JSON or HTML report).")
    return lines


def _ordered(counts: dict[str, int]) -> list[int]:
    return [counts[status] for status in STATUS_ORDER]


def _per_target(results: Results) -> list[str]:
    """A table of targets with their status and counts, then a section per target."""
    views = target_views(results)
    rows = [[cell(v.title), cell(v.target.status if v.target else "-"), *(str(n) for n in _ordered(v.counts()))]
            for v in views]
    lines = ["", f"### Targets ({len(results.targets)})", ""]
    lines += _table(rows, ["Target", "Status", *STATUS_ORDER])
    for view in views:
        status = f": {view.target.status}" if view.target else ""
        lines += ["", f"### {cell(view.title)}{cell(status)}"]
        if view.target is not None and view.target.reason:
            lines += ["", cell(view.target.reason)]
        lines += _sections(view.findings, "####")
    return lines


class MarkdownFormat(WholeFormat):
    name = "markdown"
    filename = "hipaacheck.md"

    def render(self, results: Results) -> str:
        summary = results.summary()
        counts = summary["by_status"]
        run = results.run
        profile = (run.get("profile") or {}).get("id", "")
        lines = [f"## hipaacheck: {cell(verdict_of(results).line)}", ""]
        lines.append(f"Profile `{cell(profile)}`, source `{cell(run.get('source', ''))}`, "
                     f"finished {cell(run.get('finished_at', ''))}.")
        lines.append("")
        lines += _table([[str(counts[s]) for s in STATUS_ORDER]], list(STATUS_ORDER))
        if several_targets(results):
            lines += _per_target(results)
        else:
            lines += _sections(results.findings, "###")
        quiet = [v for v in control_views(results) if v.findings and v.status in ("pass", "skip")]
        if quiet:
            passed = sum(v.counts()["pass"] for v in quiet)
            skipped = sum(v.counts()["skip"] for v in quiet)
            lines += ["", f"<details><summary>{len(quiet)} controls met or not applicable "
                          f"({passed} passed, {skipped} skipped)</summary>", ""]
            rows = [[f"`{cell(v.id)}`", v.status, str(v.counts()["pass"]), str(v.counts()["skip"])] for v in quiet]
            lines += _table(rows, ["Control", "Status", "Passed", "Skipped"])
            lines += ["", "</details>"]
        return "\n".join(lines) + "\n"
