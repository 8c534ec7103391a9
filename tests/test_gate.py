"""The gate and its verdict are recorded in the results, every format shows them, and ``report`` reuses them."""
from __future__ import annotations

import json

from hipaacheck.formats import FORMATS as FORMAT_REGISTRY
from hipaacheck.formats import get_format
from hipaacheck.results import Results, verdict_of
from assertions import input_error
from posture_fixtures import make_env, scan_args

FORMATS = [name for name in FORMAT_REGISTRY if name != "json"]  # every format but the results themselves
PASS_LINE = "PASS: nothing failing at or above critical"


def gated_scan(cli, tmp_path, *more):
    out = tmp_path / "out"
    result = cli(*scan_args(make_env(tmp_path), "--format", ",".join(["json", *FORMATS]), "--output-dir", out, *more))
    return result, out


def test_scan_records_gate_and_verdict_and_every_format_shows_it(tmp_path, cli):
    result, out = gated_scan(cli, tmp_path, "--fail-on", "critical")  # two failures, high and medium
    assert result.code == 0, result.err
    doc = json.loads((out / "hipaacheck-results.json").read_text())
    assert doc["gate"] == {"fail_on": "critical", "soft_fail": False, "fail_on_new_only": False}
    assert doc["verdict"]["status"] == "PASS" and doc["verdict"]["exit_code"] == 0
    assert doc["verdict"]["line"].startswith(PASS_LINE)
    for name in FORMATS:
        text = (out / get_format(name).filename).read_text()
        assert PASS_LINE in text, name
        assert "at or above low" not in text, name


def test_soft_fail_verdict_says_fail_with_exit_zero(tmp_path, cli):
    result, out = gated_scan(cli, tmp_path, "--soft-fail")
    assert result.code == 0
    verdict = json.loads((out / "hipaacheck-results.json").read_text())["verdict"]
    assert verdict["status"] == "FAIL" and verdict["exit_code"] == 0
    assert verdict["line"].endswith("[--soft-fail: exit 0]")
    assert verdict["line"] in (out / "hipaacheck.md").read_text()
    sarif = json.loads((out / "hipaacheck.sarif").read_text())
    assert sarif["runs"][0]["invocations"][0]["exitCode"] == 0
    assert result.err.strip().endswith(verdict["line"])  # the files went to --output-dir: verdict on stderr


def test_report_uses_the_recorded_gate_unless_given_its_own(tmp_path, cli):
    _, out = gated_scan(cli, tmp_path, "--fail-on", "critical")
    saved = out / "hipaacheck-results.json"
    again = cli("report", saved, "--format", "markdown")
    assert again.code == 0 and PASS_LINE in again.out
    stricter = cli("report", saved, "--format", "json", "--fail-on", "medium")
    doc = stricter.json()
    assert doc["gate"]["fail_on"] == "medium"
    assert doc["verdict"]["status"] == "FAIL" and doc["verdict"]["exit_code"] == 1
    assert doc["verdict"]["line"].startswith("FAIL: 2 failing at or above medium")
    soft = cli("report", saved, "--format", "markdown", "--soft-fail")
    assert "PASS: nothing failing at or above critical" in soft.out  # the recorded fail-on is kept


def test_results_without_a_gate_are_judged_under_the_default(tmp_path, cli):
    _, out = gated_scan(cli, tmp_path, "--fail-on", "critical")
    doc = json.loads((out / "hipaacheck-results.json").read_text())
    del doc["gate"], doc["verdict"]
    old = tmp_path / "old.json"
    old.write_text(json.dumps(doc))
    results = Results.load(old)
    assert verdict_of(results).line.startswith("FAIL: 2 failing at or above low")
    assert "FAIL: 2 failing at or above low" in cli("report", old, "--format", "markdown").out


def test_report_fail_on_new_only_needs_drift(tmp_path, cli):
    _, out = gated_scan(cli, tmp_path)
    result = cli("report", out / "hipaacheck-results.json", "--format", "json", "--fail-on-new-only")
    input_error(result, "not compared with a baseline")


def test_table_on_stdout_ends_with_the_verdict_once(tmp_path, cli):
    result = cli(*scan_args(make_env(tmp_path), "--format", "table", "--fail-on", "critical"))
    assert result.out.count(PASS_LINE) == 1 and result.out.rstrip().splitlines()[-1].startswith(PASS_LINE)
    assert PASS_LINE not in result.err


def test_counts_made_before_waivers_are_made_again_after_them():
    from datetime import date
    from pathlib import Path

    from hipaacheck import posture
    from hipaacheck.results import Results, judge
    from hipaacheck.waivers import Waiver

    results = Results.load(Path(__file__).parent / "fixtures" / "results" / "mixed.json")
    before = results.summary()["by_status"]
    assert judge(results, "low").status == "FAIL"
    fails = [f for f in results.findings if f.status == "fail"]
    waivers = [Waiver(f.control_id, "accepted", "ciso", date(2099, 1, 1), resource=f.resource["id"]) for f in fails]
    posture.apply(results, posture.PostureInputs(waivers=waivers))
    after = results.summary()["by_status"]
    assert after["fail"] == 0 and after["waived"] == before["waived"] + before["fail"]
    assert judge(results, "low").status != "FAIL"
