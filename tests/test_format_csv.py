"""CSV: one row per finding with Security Rule columns; no spreadsheet formula injection."""
from __future__ import annotations

import csv
import io
from pathlib import Path

from hipaacheck.formats.csv import COLUMNS, CsvFormat, safe_cell
from hipaacheck.model import Finding
from hipaacheck.results import Results

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "results" / "mixed.json"


def rows(results: Results) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(CsvFormat().render(results))))


def test_one_row_per_finding_with_citation_columns() -> None:
    results = Results.load(FIXTURE)
    table = rows(results)
    assert len(table) == len(results.findings)
    assert list(table[0]) == list(COLUMNS)
    login = next(r for r in table if r["control_id"] == "host.login_defs.pass_max_days")
    assert login["citations"] == "164.308(a)(5)(ii)(D); 164.312(d)"
    assert login["safeguard"] == "administrative; technical"
    assert login["designation"] == "addressable; n/a"
    assert login["location"] == "/etc/login.defs:25"
    assert login["message"] == "PASS_MAX_DAYS is 99999, above 365"  # comma survives quoting


def test_formula_cells_are_neutralised() -> None:
    results = Results.load(FIXTURE)
    results.findings = [Finding("c.x", "c.x", "fail", "high", {"type": "t", "id": "+SUM(1,2)", "item": "@cmd"},
                                ["164.312(d)"], "=HYPERLINK(\"http://x\")", {"v": 1}, title="-2+3")]
    row = rows(results)[0]
    assert row["resource_id"] == "'+SUM(1,2)" and row["item"] == "'@cmd"
    assert row["message"].startswith("'=") and row["control_title"] == "'-2+3"
    assert all(not v.startswith(("=", "+", "-", "@")) for v in row.values())
    assert safe_cell("\t=1") == "'\t=1" and safe_cell("plain") == "plain" and safe_cell(None) == ""


def test_rfc4180_records_and_quoting() -> None:
    results = Results.load(FIXTURE)
    results.findings = [Finding("c.x", "c.x", "fail", "high", {"type": "t", "id": "a,b"}, ["164.312(d)"],
                                'two\nlines with "quotes"', {})]
    text = CsvFormat().render(results)
    assert text.count("\r\n") == 2 and text.endswith("\r\n")  # header + one record, each CRLF-terminated
    assert '"a,b"' in text and '"two\nlines with ""quotes"""' in text
    assert rows(results)[0]["message"] == 'two\nlines with "quotes"'
