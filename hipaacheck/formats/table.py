"""A readable terminal table: failures and errors first (most severe first), passes after.

Laid out as tabulate's "simple" format (columns two spaces apart, headers padded by two,
a dashed rule, no trailing blanks), written row by row: at 100k findings tabulate held
several copies of every cell.
"""
from __future__ import annotations

from typing import BinaryIO

from ..model import Finding, attention_key, resource_label
from ..results import Results, verdict_of
from ..text import one_line
from .interface import OutputFormat

MAX_MESSAGE = 90
HEADERS = ("STATUS", "SEVERITY", "CONTROL", "RESOURCE", "DETAIL")
GAP = "  "


def _short(text: str, limit: int) -> str:
    text = one_line(" ".join(text.split()))
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _row(finding: Finding) -> tuple[str, ...]:
    return (finding.status.upper(), finding.severity, one_line(" ".join(finding.control_id.split())),
            _short(resource_label(finding), 48),
            _short(finding.message, MAX_MESSAGE))


class TableFormat(OutputFormat):
    name = "table"
    filename = "hipaacheck.txt"

    def write(self, results: Results, out: BinaryIO) -> None:
        findings = sorted(results.findings, key=attention_key)
        rows = [_row(f) for f in findings]
        widths = [max([len(header) + 2, *(len(row[i]) for row in rows)]) for i, header in enumerate(HEADERS)]

        def line(cells: tuple[str, ...]) -> bytes:
            padded = GAP.join(cell.ljust(width) for cell, width in zip(cells, widths, strict=True))
            return (padded.rstrip() + "\n").encode("utf-8")

        out.write(line(HEADERS))
        out.write((GAP.join("-" * width for width in widths) + "\n").encode("utf-8"))
        for row in rows:
            out.write(line(row))
        out.write((verdict_of(results).line + "\n").encode("utf-8"))
