"""CSV for auditors' spreadsheets: one row per finding, with the Security Rule columns they sort by.

Cells that a spreadsheet would run as a formula (leading ``= + - @``, tab or CR)
are prefixed with a quote, since resource names and messages come from the target.
Records end in CRLF and fields holding a comma, quote or line break are quoted,
as RFC 4180 asks.
"""
from __future__ import annotations

import csv
import io

from ..results import Results
from .common import compact_json, control_views, designations_of, safeguards_of
from .interface import OutputFormat

COLUMNS = ("status", "severity", "control_id", "control_title", "citations", "safeguard", "designation",
           "resource_type", "resource_id", "item", "region", "account", "location", "message", "evidence",
           "remediation", "run_started_at")
FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_LEADS) else text


class CsvFormat(OutputFormat):
    name = "csv"
    filename = "hipaacheck-findings.csv"

    def render(self, results: Results) -> str:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")  # RFC 4180 section 2.1
        writer.writerow(COLUMNS)
        started = results.run.get("started_at", "")
        for view in control_views(results):
            for f in view.findings:
                r = f.resource
                location = ""
                if f.location and f.location.path:
                    location = f.location.path + (f":{f.location.line}" if f.location.line else "")
                row = (f.status, f.severity, f.control_id, f.title or view.title, "; ".join(f.citations),
                       "; ".join(safeguards_of(f.citations)), "; ".join(designations_of(f.citations)),
                       r.get("type"), r.get("id"), r.get("item"), r.get("region"), r.get("account"), location,
                       f.message, compact_json(f.evidence) if f.evidence else "", view.remediation, started)
                writer.writerow([safe_cell(cell) for cell in row])
        return out.getvalue()
