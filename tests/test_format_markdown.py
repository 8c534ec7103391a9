"""Markdown summary: failures first, passes only as counts, cells that cannot break the table or inject HTML."""
from __future__ import annotations

from pathlib import Path

from hipaacheck.formats.markdown import MarkdownFormat
from hipaacheck.model import Finding
from hipaacheck.results import Results

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "results" / "mixed.json"


def test_failures_first_passes_collapsed() -> None:
    results = Results.load(FIXTURE)
    text = MarkdownFormat().render(results)
    assert text.index("### Failures (3)") < text.index("### Could not check (2)") < text.index("<details>")
    assert "arn:aws:s3:::phi-exports" in text
    # passing resources are never listed one by one
    assert "phi-archive" not in text and "MaxAuthTries is 4" not in text
    assert text.startswith("## hipaacheck: FAIL")


def test_all_passing_is_one_collapsed_block() -> None:
    results = Results.load(FIXTURE)
    results.findings = [f for f in results.findings if f.control_id == "host.sshd.max_auth_tries" and f.status == "pass"]
    text = MarkdownFormat().render(results)
    assert "###" not in text
    assert "1 controls met or not applicable (1 passed, 0 skipped)" in text


def test_cells_are_escaped() -> None:
    results = Results.load(FIXTURE)
    results.findings = [Finding("c.x", "c.x", "fail", "high", {"type": "t", "id": "a|b"}, ["164.312(d)"],
                                "line one\nline <b>two</b> | three", {})]
    text = MarkdownFormat().render(results)
    row = next(line for line in text.splitlines() if "`c.x`" in line)
    assert "a\\|b" in row and "line one line &lt;b&gt;two&lt;/b&gt; \\| three" in row
    assert row.count(" | ") == 4  # five cells, table intact
