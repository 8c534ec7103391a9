"""Baseline drift: finding identity, new/unchanged/resolved, the diff command, --fail-on-new-only, --soft-fail."""
from __future__ import annotations

import json

from hipaacheck.baseline import compare, mark_drift
from hipaacheck.model import Finding
from hipaacheck.results import exit_code, verdict_line, Results
from assertions import input_error
from posture_fixtures import make_env, scan_args, set_host


def f(control: str, status: str, rid: str = "/etc/x", severity: str = "high", message: str = "m", **ref) -> Finding:
    return Finding(control, "attribute", status, severity, {"type": "host.x", "id": rid, **ref},
                   ["164.312(d)"], message)


def test_identity_ignores_message_and_status_but_not_resource_parts():
    a = f("c1", "fail", message="value 5")
    assert a.identity == f("c1", "pass", message="value 3").identity
    for other in (f("c2", "fail"), f("c1", "fail", rid="/etc/y"), f("c1", "fail", item="bob"),
                  f("c1", "fail", region="eu-west-1"), f("c1", "fail", account="123456789012")):
        assert other.identity != a.identity


def test_new_unchanged_resolved():
    baseline = [f("still", "fail"), f("fixed", "fail"), f("gone", "fail", rid="/etc/deleted"), f("ok", "pass"),
                f("accepted", "fail")]
    current = [f("still", "fail", message="changed text"), f("fixed", "pass"), f("ok", "pass"), f("ok", "fail", rid="/new"),
               f("regressed", "fail"), f("accepted", "waived"), f("brand_new_pass", "pass")]
    drift = mark_drift(current, baseline)
    assert {c.control_id + c.resource["id"]: c.extra["drift"] for c in current} == {
        "still/etc/x": "unchanged", "fixed/etc/x": "resolved", "ok/etc/x": "unchanged", "ok/new": "new",
        "regressed/etc/x": "new", "accepted/etc/x": "unchanged", "brand_new_pass/etc/x": "new"}
    assert sorted(x.control_id for x in drift.resolved) == ["fixed", "gone"]
    summary = drift.summary({"path": "old.json"})
    assert summary["counts"] == {"new": 2, "unchanged": 2, "resolved": 2, "new_failures": 2}
    assert {r["control_id"]: r["now"] for r in summary["resolved"]} == {"fixed": "pass", "gone": "absent"}


def test_new_failures_sorted_worst_first():
    drift = compare([], [f("a", "fail", severity="low"), f("b", "fail", severity="critical")])
    assert [x["control_id"] for x in drift.summary()["new"]] == ["b", "a"]


def test_fail_on_new_only_counts_only_new_failures():
    current = [f("old", "fail", severity="critical"), f("new", "fail", severity="low")]
    mark_drift(current, [f("old", "fail", severity="critical")])
    assert exit_code(current, "low", new_only=True) == 1
    assert exit_code(current, "medium", new_only=True) == 0  # the only new failure is low
    assert exit_code(current, "medium") == 1
    results = Results(current, {})
    assert verdict_line(results, "medium", new_only=True).startswith("PASS: nothing new failing at or above medium")


def scan(cli, env, *more):
    return cli(*scan_args(env, "--format", "json", *more))


def test_scan_with_baseline_marks_drift_and_gates_on_new_only(tmp_path, cli):
    env = make_env(tmp_path)  # max_days and min_days fail
    first = scan(cli, env)
    assert first.code == 1
    baseline = tmp_path / "baseline.json"
    baseline.write_text(first.out)
    set_host(env["root"], max_days=99999, min_days=1, warn_age=1)  # min fixed, warn regressed
    second = scan(cli, env, "--baseline", baseline)
    doc = second.json()
    drift = {x["control_id"]: x["drift"] for x in doc["findings"]}
    assert drift == {"posture.max_days": "unchanged", "posture.min_days": "resolved", "posture.warn_age": "new"}
    assert doc["drift"]["counts"] == {"new": 1, "unchanged": 1, "resolved": 1, "new_failures": 1}
    assert [r["control_id"] for r in doc["drift"]["resolved"]] == ["posture.min_days"]
    assert doc["drift"]["baseline"]["path"] == str(baseline)
    assert second.code == 1
    # warn_age is low: gating on new failures at medium ignores the legacy max_days failure
    assert scan(cli, env, "--baseline", baseline, "--fail-on-new-only", "--fail-on", "medium").code == 0
    assert scan(cli, env, "--baseline", baseline, "--fail-on-new-only").code == 1
    assert scan(cli, env, "--baseline", baseline, "--fail-on", "medium").code == 1


def test_fail_on_new_only_needs_a_baseline(tmp_path, cli):
    result = scan(cli, make_env(tmp_path), "--fail-on-new-only")
    input_error(result, "--fail-on-new-only: needs --baseline")


def test_bad_baseline_stops_before_scanning(tmp_path, cli):
    bad = tmp_path / "old.json"
    bad.write_text('{"schema_version": "1.0"}')
    result = scan(cli, make_env(tmp_path), "--baseline", bad)
    input_error(result, str(bad))


def test_soft_fail_exits_zero_but_still_reports(tmp_path, cli):
    env = make_env(tmp_path)
    result = cli(*scan_args(env, "--soft-fail"))
    assert result.code == 0
    assert "FAIL: 2 failing at or above low" in result.out and "[--soft-fail: exit 0]" in result.out
    assert "posture.max_days" in result.out
    # bad input still exits 2
    input_error(cli(*scan_args(env, "--soft-fail", "--waivers", tmp_path / "none.yaml")), "none.yaml")


def test_diff_command_lists_new_first_then_resolved(tmp_path, cli):
    env = make_env(tmp_path)
    old = tmp_path / "old.json"
    old.write_text(scan(cli, env).out)
    set_host(env["root"], max_days=99999, min_days=1, warn_age=1)
    new = tmp_path / "new.json"
    new.write_text(scan(cli, env).out)
    table = cli("diff", old, new)
    assert table.code == 1  # there is a new failure
    assert table.out.startswith("Drift: 1 new failures")
    assert table.out.index("NEW") < table.out.index("posture.warn_age") < table.out.index("RESOLVED") \
        < table.out.index("posture.min_days")
    assert "posture.max_days" not in table.out  # unchanged ones are only counted
    markdown = cli("diff", old, new, "--format", "markdown").out
    assert "### New failures (1)" in markdown and "| low | posture.warn_age | /etc/login.defs |" in markdown
    data = json.loads(cli("diff", old, new, "--format", "json").out)
    assert [x["control_id"] for x in data["new"]] == ["posture.warn_age"]
    assert [x["control_id"] for x in data["resolved"]] == ["posture.min_days"]
    same = cli("diff", new, new)
    assert same.code == 0 and same.out.startswith("Drift: 0 new failures")
    input_error(cli("diff", old, tmp_path / "missing.json"), "missing.json")
