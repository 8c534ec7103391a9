"""Every report format against a fixed results file: byte-for-byte goldens, deterministic rendering.

Regenerate after an intended change with ``UPDATE_GOLDEN=1 pytest tests/test_format_golden.py``
and review the diff of ``tests/golden/``.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from hipaacheck.formats import FORMATS, get_format
from hipaacheck.results import Results

HERE = Path(__file__).resolve().parent
FIXTURE = HERE / "fixtures" / "results" / "mixed.json"
GOLDEN = HERE / "golden"
FORMAT_NAMES = ["html", "markdown", "junit", "sarif", "csv", "ocsf", "asff", "oscal"]


def render(name: str, results: Results | None = None) -> str:
    data = get_format(name).render(results or Results.load(FIXTURE))
    return data.decode("utf-8") if isinstance(data, bytes) else data


@pytest.mark.parametrize("name", FORMAT_NAMES)
def test_matches_golden(name: str) -> None:
    fmt = get_format(name)
    golden = GOLDEN / fmt.filename
    text = render(name)
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_bytes(text.encode("utf-8"))
    assert golden.exists(), f"no golden for {name}: run with UPDATE_GOLDEN=1"
    # bytes, not text: line endings are part of some formats (CSV records end in CRLF)
    assert text.encode("utf-8") == golden.read_bytes(), f"{name} output changed; review and UPDATE_GOLDEN=1"


@pytest.mark.parametrize("name", FORMAT_NAMES)
def test_rendering_is_deterministic_and_order_independent(name: str) -> None:
    results = Results.load(FIXTURE)
    first = render(name, results)
    results.findings.reverse()
    results.controls = dict(reversed(list(results.controls.items())))
    assert render(name, results) == first


def test_every_format_is_registered() -> None:
    assert set(FORMAT_NAMES) <= set(FORMATS)
    filenames = [get_format(name).filename for name in FORMATS]
    assert len(filenames) == len(set(filenames)), "two formats would overwrite each other's file"


def test_report_command_writes_every_format(cli, tmp_path: Path) -> None:
    result = cli("report", FIXTURE, "--format", ",".join(FORMAT_NAMES), "--output-dir", tmp_path)
    assert result.code == 0, result.err
    for name in FORMAT_NAMES:
        fmt = get_format(name)
        assert (tmp_path / fmt.filename).read_bytes() == render(name).encode("utf-8")
