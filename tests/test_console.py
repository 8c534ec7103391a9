"""The console is quiet unless asked: failing and error findings, a summary, the files written, the verdict."""
from __future__ import annotations

from assertions import input_error
from posture_fixtures import make_env, scan_args


def test_default_lists_failures_then_summary_then_verdict(tmp_path, cli):
    result = cli(*scan_args(make_env(tmp_path)))  # max_days (high) and min_days (medium) fail, warn_age passes
    lines = result.out.rstrip().splitlines()
    assert result.code == 1 and result.err == ""
    listed = [line.split()[2] for line in lines[2:] if line.startswith(("FAIL ", "ERROR "))]
    assert listed == ["posture.max_days", "posture.min_days"]
    assert "posture.warn_age" not in result.out
    assert "Failing by severity: critical 0, high 1, medium 1, low 0, info 0" in lines
    assert "By service: login_defs 2 fail" in lines
    assert "By safeguard: administrative 1 fail, technical 1 fail" in lines
    assert "Not listed: 1 pass (--show-passed lists them)" in lines
    assert lines[-1].startswith("FAIL: 2 failing at or above low")


def test_show_passed_lists_everything(tmp_path, cli):
    result = cli(*scan_args(make_env(tmp_path), "--show-passed"))
    assert "posture.warn_age" in result.out and "Not listed" not in result.out


def test_files_written_are_named_before_the_verdict(tmp_path, cli):
    bundle = tmp_path / "evidence.zip"
    out = tmp_path / "out"
    result = cli(*scan_args(make_env(tmp_path), "--format", "sarif", "--output-dir", out, "--evidence-bundle", bundle))
    lines = result.err.rstrip().splitlines()
    assert lines[-3:-1] == [f"Wrote sarif: {out / 'hipaacheck.sarif'}", f"Wrote evidence bundle: {bundle}"]
    assert lines[-1].startswith("FAIL: ") and bundle.is_file()


def test_the_table_on_stdout_names_the_bundle_and_the_bundle_keeps_the_table(tmp_path, cli):
    import zipfile

    bundle = tmp_path / "table.zip"
    result = cli(*scan_args(make_env(tmp_path), "--evidence-bundle", bundle))
    assert f"Wrote evidence bundle: {bundle}" in result.out.splitlines()[-2]
    with zipfile.ZipFile(bundle) as archive:
        table = [name for name in archive.namelist() if name.endswith("hipaacheck.txt")]
        assert table and b"posture.max_days" in archive.read(table[0])


def test_quiet_is_the_verdict_line_alone(tmp_path, cli):
    result = cli(*scan_args(make_env(tmp_path), "-q"))
    assert result.out == "FAIL: 2 failing at or above low (2 fail, 1 pass)\n" and result.err == ""


class Tty:
    def isatty(self) -> bool:
        return True


def test_color_auto_on_a_terminal_unless_no_color():
    from hipaacheck.cli.console import use_color

    assert use_color("auto", Tty(), {}) and not use_color("auto", Tty(), {"NO_COLOR": "1"})
    assert not use_color("auto", Tty(), {"TERM": "dumb"}) and not use_color("auto", object(), {})
    assert use_color("always", object(), {"NO_COLOR": "1"}) and not use_color("never", Tty(), {})


def test_color_always_marks_statuses_and_verdict(tmp_path, cli):
    (tmp_path / "p").mkdir()
    colored = cli(*scan_args(make_env(tmp_path), "--color", "always")).out
    assert "\x1b[31mFAIL\x1b[0m      high" in colored and colored.rstrip().splitlines()[-1].startswith("\x1b[31mFAIL\x1b[0m: ")
    plain = cli(*scan_args(make_env(tmp_path / "p"))).out
    assert "\x1b[" not in plain  # not a terminal: auto is off


def listed_rows(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith(("FAIL ", "ERROR "))]


def test_max_rows_caps_the_console_and_says_how_many_more(tmp_path, cli):
    env = make_env(tmp_path)
    result = cli(*scan_args(env, "--max-rows", "1"))
    assert [row.split()[2] for row in listed_rows(result.out)] == ["posture.max_days"]  # the most severe first
    assert "... and 1 more: 1 of 2 findings listed (--max-rows 0 lists all; reports written to files hold every " \
           "finding)" in result.out
    assert "Failing by severity: critical 0, high 1, medium 1, low 0, info 0" in result.out  # counts stay whole
    assert "Not listed: 1 pass (--show-passed lists them)" in result.out
    assert len(listed_rows(cli(*scan_args(env, "--max-rows", "0")).out)) == 2
    assert "more:" not in cli(*scan_args(env, "--max-rows", "2")).out


def test_max_rows_leaves_table_files_whole(tmp_path, cli):
    out = tmp_path / "out"
    result = cli(*scan_args(make_env(tmp_path), "--format", "table", "--output-dir", out, "--max-rows", "1"))
    assert result.code == 1
    assert len(listed_rows((out / "hipaacheck.txt").read_text())) == 2
    assert len(listed_rows(result.err)) == 1  # the console beside the file is capped


def test_the_default_cap_on_a_large_report(tmp_path, cli):
    import json

    from hipaacheck.cli.options import CONSOLE_ROWS

    saved = tmp_path / "results.json"
    cli(*scan_args(make_env(tmp_path), "--format", "json", "--output", f"json={saved}"))
    data = json.loads(saved.read_text())
    failing = next(f for f in data["findings"] if f["status"] == "fail")
    data["findings"] = [{**failing, "resource": {**failing["resource"], "id": f"/etc/login.defs.{i:03}"}}
                        for i in range(CONSOLE_ROWS + 50)]
    saved.write_text(json.dumps(data))
    result = cli("report", saved)
    assert len(listed_rows(result.out)) == CONSOLE_ROWS
    assert f"... and 50 more: {CONSOLE_ROWS} of {CONSOLE_ROWS + 50} findings listed" in result.out


def test_max_rows_refuses_what_is_not_a_count(tmp_path, cli):
    env = make_env(tmp_path)
    for value, reason in (("-1", "is negative"), ("many", "is not a whole number")):
        result = cli(*scan_args(env, "--max-rows", value))
        input_error(result, "--max-rows", reason)
