"""A readable terminal table: failing and error findings (most severe first), a summary, the verdict.

Passing, skipped, waived and manual findings are counted, not listed, unless ``show_passed``
(``--show-passed``). Laid out as tabulate's "simple" format (columns two spaces apart, headers padded by
two, a dashed rule, no trailing blanks), written row by row: at 100k findings tabulate held several copies
of every cell.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from typing import BinaryIO, Iterator

from ..model import SEVERITIES, Finding, Status, attention_key, resource_label
from ..results import Results, verdict_of
from .common import safeguards_of
from .interface import OutputFormat

MAX_MESSAGE = 90
HEADERS = ("STATUS", "SEVERITY", "CONTROL", "RESOURCE", "DETAIL")
GAP = "  "
TALLY_MAX = 8  # groups named in a summary line
LISTED = (Status.FAIL.value, Status.ERROR.value)  # listed by default: what blocks and what could not be seen


def _short(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _row(finding: Finding) -> tuple[str, ...]:
    return (finding.status.upper(), finding.severity, " ".join(finding.control_id.split()),
            _short(resource_label(finding), 48),
            _short(finding.message, MAX_MESSAGE))


def service_of(finding: Finding) -> str:
    """``s3`` for ``aws.s3.bucket``, ``sshd`` for ``host.sshd``: the resource type's second part."""
    parts = str(finding.resource.get("type", "")).split(".")
    return parts[1] if len(parts) > 1 else parts[0]


def _tally(counts: dict[str, Counter[str]], label: str) -> str:
    """``By service: s3 4 fail 1 error, iam 2 fail``, the largest first, at most TALLY_MAX groups."""
    ranked = sorted(counts.items(), key=lambda kv: (-sum(kv[1].values()), kv[0]))
    parts = [f"{key} " + " ".join(f"{by[s]} {s}" for s in LISTED if by[s]) for key, by in ranked[:TALLY_MAX]]
    more = f", and {len(ranked) - TALLY_MAX} more" if len(ranked) > TALLY_MAX else ""
    return f"{label}: " + ", ".join(parts) + more


def summary_lines(results: Results, listed: int) -> list[str]:
    """Failing findings by severity, failing and error findings by service and by safeguard, what was not listed."""
    summary = results.summary()
    failing = summary["failing_by_severity"]
    lines = ["Failing by severity: " + ", ".join(f"{sev} {failing[sev]}" for sev in SEVERITIES)]
    by_service: dict[str, Counter[str]] = defaultdict(Counter)
    by_safeguard: dict[str, Counter[str]] = defaultdict(Counter)
    for finding in results.findings:
        if finding.status in LISTED:
            by_service[service_of(finding)][finding.status] += 1
            for safeguard in safeguards_of(finding.citations):
                by_safeguard[safeguard][finding.status] += 1
    if by_service:
        lines.append(_tally(by_service, "By service"))
    if by_safeguard:
        lines.append(_tally(by_safeguard, "By safeguard"))
    hidden = summary["total"] - listed
    if hidden:
        counts = summary["by_status"]
        parts = ", ".join(f"{counts[s.value]} {s.value}" for s in Status if s.value not in LISTED and counts[s.value])
        lines.append(f"Not listed: {parts} (--show-passed lists them)")
    return lines


class TableFormat(OutputFormat):
    name = "table"
    filename = "hipaacheck.txt"

    def write(self, results: Results, out: BinaryIO) -> None:
        for line in self.body(results):
            out.write((line + "\n").encode("utf-8"))
        out.write((verdict_of(results).line + "\n").encode("utf-8"))

    def body(self, results: Results) -> Iterator[str]:
        """The table and its summary, line by line (the verdict follows them)."""
        chosen = results.findings if self.show_passed else [f for f in results.findings if f.status in LISTED]
        rows = [_row(f) for f in sorted(chosen, key=attention_key)]
        if rows:
            widths = [max([len(header) + 2, *(len(row[i]) for row in rows)]) for i, header in enumerate(HEADERS)]

            def line(cells: tuple[str, ...]) -> str:
                return GAP.join(cell.ljust(width) for cell, width in zip(cells, widths, strict=True)).rstrip()

            yield line(HEADERS)
            yield GAP.join("-" * width for width in widths)
            for row in rows:
                yield line(row)
            yield ""
        yield from summary_lines(results, len(rows))
