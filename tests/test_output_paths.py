"""``--output FORMAT=PATH`` names a file per format, beside the console or a format on stdout."""
from __future__ import annotations

import json

from assertions import input_error
from posture_fixtures import make_env, scan_args


def test_each_format_to_its_own_path_and_the_console_names_them(tmp_path, cli):
    sarif, html = tmp_path / "ci" / "scan.sarif", tmp_path / "report.html"
    result = cli(*scan_args(make_env(tmp_path), "--output", f"sarif={sarif}", "--output", f"html={html}"))
    assert result.code == 1
    assert json.loads(sarif.read_text())["version"] == "2.1.0" and "<!DOCTYPE html>" in html.read_text()
    lines = result.out.rstrip().splitlines()
    assert lines[-3:-1] == [f"Wrote sarif: {sarif}", f"Wrote html: {html}"] and lines[-1].startswith("FAIL: ")
    assert "posture.max_days" in result.out  # the table is still the console


def test_a_format_on_stdout_beside_named_files(tmp_path, cli):
    junit = tmp_path / "junit.xml"
    result = cli(*scan_args(make_env(tmp_path), "--format", "json", "--output", f"junit={junit}"))
    assert json.loads(result.out)["verdict"]["status"] == "FAIL" and junit.read_text().startswith("<?xml")
    assert f"Wrote junit: {junit}" in result.err


def test_bad_output_values_are_one_line_errors(tmp_path, cli):
    env = make_env(tmp_path)
    for value, fragment in (("sarif", "expected FORMAT=PATH"), ("pdf=x.pdf", "unknown format 'pdf'")):
        result = cli(*scan_args(env, "--output", value))
        input_error(result, fragment)
    input_error(cli(*scan_args(env, "--format", "json,sarif")), "--output FORMAT=PATH")


def test_report_takes_output_too(tmp_path, cli):
    saved = tmp_path / "results.json"
    saved.write_text(cli(*scan_args(make_env(tmp_path), "--format", "json")).out)
    md = tmp_path / "summary.md"
    result = cli("report", saved, "--output", f"markdown={md}")
    assert result.code == 0 and md.read_text().startswith("## hipaacheck: FAIL")
    assert "posture.max_days" in result.out  # the default table went to the console
