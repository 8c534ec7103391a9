"""CSV for auditors' spreadsheets: one row per finding, with the Security Rule columns they sort by.

Cells that a spreadsheet would run as a formula (leading ``= + - @``, tab or CR)
are prefixed with a quote, since resource names and messages come from the target.
Records end in CRLF and fields holding a comma, quote or line break are quoted,
as RFC 4180 asks.
"""
from __future__ import annotations

import csv
from typing import BinaryIO, Iterator

from ..results import Results, verdict_of
from .common import compact_json, control_views, designations_of, safeguards_of
from .interface import OutputFormat

COLUMNS = ("status", "severity", "control_id", "control_title", "citations", "safeguard", "designation",
           "resource_type", "resource_id", "item", "region", "account", "location", "message", "evidence",
           "remediation", "run_started_at", "run_verdict")
FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_LEADS) else text


class CsvFormat(OutputFormat):
    name = "csv"
    filename = "hipaacheck-findings.csv"

    def write(self, results: Results, out: BinaryIO) -> None:
        writer = csv.writer(_Utf8(out), lineterminator="\r\n")  # RFC 4180 section 2.1
        writer.writerow(COLUMNS)
        writer.writerows(_rows(results))


class _Utf8:
    """The text side of a binary stream: all ``csv.writer`` needs is ``write(str)``."""

    def __init__(self, out: BinaryIO) -> None:
        self.out = out

    def write(self, text: str) -> int:
        return self.out.write(text.encode("utf-8"))


def _rows(results: Results) -> Iterator[list[str]]:
    started = results.run.get("started_at", "")
    verdict = verdict_of(results).line
    for view in control_views(results):
        remediation = view.remediation
        for f in view.findings:
            r = f.resource
            location = ""
            if f.location and f.location.path:
                location = f.location.path + (f":{f.location.line}" if f.location.line else "")
            row = (f.status, f.severity, f.control_id, f.title or view.title, "; ".join(f.citations),
                   "; ".join(safeguards_of(f.citations)), "; ".join(designations_of(f.citations)),
                   r.get("type"), r.get("id"), r.get("item"), r.get("region"), r.get("account"), location,
                   f.message, compact_json(f.evidence) if f.evidence else "", remediation, started, verdict)
            yield [safe_cell(cell) for cell in row]
