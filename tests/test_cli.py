"""The CLI contract: exit codes, bad input (one line, exit 2), JSON results and its schema."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from assertions import input_error

from hipaacheck.validation import packaged_schema

PROFILE = """\
id: only-login-defs
title: login.defs only
controls: {include: [host.login_defs.pass_max_days]}
"""


def tree(tmp_path: Path, login_defs: str | None) -> Path:
    root = tmp_path / "root"
    (root / "etc").mkdir(parents=True)
    if login_defs is not None:
        (root / "etc" / "login.defs").write_text(login_defs)
    return root


@pytest.fixture
def profile(tmp_path: Path) -> Path:
    path = tmp_path / "only-login-defs.yaml"
    path.write_text(PROFILE)
    return path


def test_version_and_help(cli):
    assert cli("--version").out.startswith("hipaacheck ")
    assert "scan" in cli("--help").out


def test_pass_is_exit_0_and_json_matches_schema(cli, tmp_path, profile):
    import jsonschema

    result = cli("scan", "--root", tree(tmp_path, "PASS_MAX_DAYS 90\n"), "--profile", profile, "--format", "json")
    assert result.code == 0, result.err
    data = result.json()
    jsonschema.validate(data, packaged_schema("results"))
    [finding] = data["findings"]
    assert finding["status"] == "pass"
    assert finding["citations"] == ["164.308(a)(5)(ii)(D)", "164.312(d)"]
    assert finding["resource"] == {"type": "host.login_defs", "id": "/etc/login.defs"}
    assert finding["evidence"]["observed"]["settings.PASS_MAX_DAYS"] == 90
    assert data["summary"]["by_status"]["pass"] == 1
    assert data["run"]["profile"]["id"] == "only-login-defs"
    assert result.err.rstrip().splitlines()[-1].startswith("PASS")  # the console goes to stderr


def test_fail_is_exit_1_and_fail_on_threshold(cli, tmp_path, profile):
    root = tree(tmp_path, "PASS_MAX_DAYS 99999\n")
    result = cli("scan", "--root", root, "--profile", profile)
    assert result.code == 1
    assert "FAIL" in result.out and "host.login_defs.pass_max_days" in result.out
    assert result.out.strip().splitlines()[-1].startswith("FAIL: 1 failing at or above low")
    assert cli("scan", "--root", root, "--profile", profile, "--fail-on", "high").code == 0


def test_unreadable_file_is_error_and_exit_3(cli, tmp_path, profile):
    root = tree(tmp_path, None)
    (root / "etc" / "login.defs").mkdir()  # a folder where the file should be: unreadable even as root
    result = cli("scan", "--root", root, "--profile", profile, "--format", "json")
    assert result.code == 3
    [finding] = result.json()["findings"]
    assert finding["status"] == "error" and "is a directory" in finding["message"]


def test_missing_file_never_passes(cli, tmp_path, profile):
    result = cli("scan", "--root", tree(tmp_path, None), "--profile", profile, "--format", "json")
    assert result.json()["findings"][0]["status"] == "fail"


def test_output_dir_writes_files_and_stdout_stays_clean(cli, tmp_path, profile):
    out = tmp_path / "out"
    result = cli("scan", "--root", tree(tmp_path, "PASS_MAX_DAYS 90\n"), "--profile", profile,
                 "--format", "json,table", "--output-dir", out)
    assert result.code == 0 and result.out == ""
    assert json.loads((out / "hipaacheck-results.json").read_text())["findings"][0]["status"] == "pass"
    assert "Not listed: 1 pass" in (out / "hipaacheck.txt").read_text()
    assert f"Wrote json: {out / 'hipaacheck-results.json'}" in result.err
    assert f"Wrote table: {out / 'hipaacheck.txt'}" in result.err


def test_quiet_prints_results_and_the_verdict_line_alone(cli, tmp_path, profile):
    root = tree(tmp_path, "PASS_MAX_DAYS 90\n")
    result = cli("scan", "--root", root, "--profile", profile, "--format", "json", "--quiet")
    assert result.err == "PASS: nothing failing at or above low (1 pass)\n"
    json.loads(result.out)
    table = cli("scan", "--root", root, "--profile", profile, "-q")
    assert table.out == "PASS: nothing failing at or above low (1 pass)\n" and table.err == ""


@pytest.mark.parametrize("args, fragments", [
    (["scan", "--root", "/no/such/root"], ["--root", "/no/such/root"]),
    (["scan", "--format", "pdfx"], ["--format", "unknown format 'pdfx'"]),
    (["scan", "--format", "json,table"], ["--output-dir"]),
    (["scan", "--profile", "nope"], ["--profile", "unknown profile 'nope'"]),
    (["scan", "--no-such-flag"], ["unrecognized arguments"]),
    (["scan", "--fail-on", "extreme"], ["--fail-on"]),
    (["scan", "--source", "snapshot"], ["--inventory"]),
    (["report", "/no/such/results.json"], ["/no/such/results.json", "file not found"]),
])
def test_bad_invocation_is_one_line_exit_2(cli, args, fragments):
    input_error(cli(*args), *fragments)


def test_bad_profile_yaml_names_file_and_line(cli, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: bad\ntitle: Bad\ncontrols:\n  include: [host.*\n")
    input_error(cli("scan", "--root", tmp_path, "--profile", bad), str(bad), "YAML syntax error")


def test_bad_inventory_json_names_file(cli, tmp_path):
    inv = tmp_path / "inv.json"
    inv.write_text('{"schema_version": "1.0", "source": "host"')
    input_error(cli("scan", "--source", "snapshot", "--inventory", inv), str(inv), "invalid JSON")
    inv.write_text('{"schema_version": "1.0", "source": "mainframe", "collected_at": "x", "resource_types": [],'
                   ' "resources": [], "errors": []}')
    input_error(cli("scan", "--source", "snapshot", "--inventory", inv), str(inv), "$.source")


def test_collect_then_snapshot_scan_gives_identical_findings(cli, tmp_path, profile):
    root = tree(tmp_path, "PASS_MAX_DAYS 400\n")
    live = cli("scan", "--root", root, "--profile", profile, "--format", "json").json()
    inv = tmp_path / "inventory.json"
    assert cli("collect", "host", "--root", root, "--profile", profile, "-o", inv).code == 0
    offline = cli("scan", "--source", "snapshot", "--inventory", inv, "--profile", profile, "--format", "json")
    assert offline.code == 1
    assert offline.json()["findings"] == live["findings"]


def test_report_rerenders_saved_results(cli, tmp_path, profile):
    saved = tmp_path / "results.json"
    saved.write_text(cli("scan", "--root", tree(tmp_path, "PASS_MAX_DAYS 90\n"), "--profile", profile,
                         "--format", "json").out)
    result = cli("report", saved, "--format", "table")
    assert result.code == 0 and "Not listed: 1 pass" in result.out
    shown = cli("report", saved, "--format", "table", "--show-passed")
    assert "host.login_defs.pass_max_days" in shown.out and "Not listed" not in shown.out


def test_controls_and_profiles_commands(cli, tmp_path):
    listing = cli("controls", "list")
    assert listing.code == 0 and "host.login_defs.pass_max_days" in listing.out
    shown = cli("controls", "show", "host.login_defs.pass_max_days")
    assert "164.308(a)(5)(ii)(D)" in shown.out and "remediation" in shown.out
    assert cli("controls", "validate").code == 0
    bad = tmp_path / "c.yaml"
    bad.write_text("id: x\n")
    input_error(cli("controls", "validate", bad), str(bad))
    assert "hipaa-host" in cli("profiles", "list").out
    assert "hipaa-base" in cli("profiles", "show", "hipaa-host").out


def test_output_files_get_the_usual_mode(cli, tmp_path, profile):
    import os
    import stat

    out = tmp_path / "out"
    old = os.umask(0o027)
    try:
        cli("scan", "--root", tree(tmp_path, "PASS_MAX_DAYS 90\n"), "--profile", profile, "--format", "json",
            "--output-dir", out)
    finally:
        os.umask(old)
    assert stat.S_IMODE((out / "hipaacheck-results.json").stat().st_mode) == 0o640
