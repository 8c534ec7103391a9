"""Every long option also comes from ``HIPAACHECK_<OPTION>``: command line, then environment, then config file."""
from __future__ import annotations

from assertions import input_error
from posture_fixtures import make_env, scan_args, statuses


def test_environment_sets_options_between_config_file_and_command_line(tmp_path, cli, monkeypatch):
    env = make_env(tmp_path)  # max_days (high) and min_days (medium) fail
    config = tmp_path / "scan.yaml"
    config.write_text("fail-on: low\n")
    monkeypatch.setenv("HIPAACHECK_FAIL_ON", "critical")
    assert cli(*scan_args(env, "--config", config)).code == 0  # the environment beats the file
    assert cli(*scan_args(env, "--config", config, "--fail-on", "medium")).code == 1  # the command line beats both
    monkeypatch.setenv("HIPAACHECK_FAIL_ON", "medium")
    monkeypatch.setenv("HIPAACHECK_SOFT_FAIL", "true")
    result = cli(*scan_args(env))
    assert result.code == 0 and "[--soft-fail: exit 0]" in result.out


def test_lists_booleans_and_nested_commands(tmp_path, cli, monkeypatch):
    env = make_env(tmp_path)
    monkeypatch.setenv("HIPAACHECK_CONTROLS", "posture.max_days,posture.warn_age")
    monkeypatch.setenv("HIPAACHECK_QUIET", "no")
    doc = cli(*scan_args(env, "--format", "json")).json()
    assert set(statuses(doc)) == {"posture.max_days", "posture.warn_age"}
    monkeypatch.delenv("HIPAACHECK_CONTROLS")
    monkeypatch.setenv("HIPAACHECK_SERVICES", "sshd")
    listed = cli("controls", "list").out.splitlines()[2:]
    assert listed and all(line.startswith("host.sshd.") for line in listed)


def test_a_bad_value_names_the_variable(tmp_path, cli, monkeypatch):
    monkeypatch.setenv("HIPAACHECK_FAIL_ON", "extreme")
    result = cli(*scan_args(make_env(tmp_path)))
    input_error(result, "HIPAACHECK_FAIL_ON", "'extreme' is not one of")
    monkeypatch.setenv("HIPAACHECK_FAIL_ON", "high")
    monkeypatch.setenv("HIPAACHECK_SOFT_FAIL", "perhaps")
    (tmp_path / "x").mkdir()
    assert "HIPAACHECK_SOFT_FAIL: expected true or false" in cli(*scan_args(make_env(tmp_path / "x"))).err


def test_hipaacheck_config_names_the_file(tmp_path, cli, monkeypatch):
    env = make_env(tmp_path)
    config = tmp_path / "scan.yaml"
    config.write_text("fail-on: critical\n")
    monkeypatch.setenv("HIPAACHECK_CONFIG", str(config))
    assert cli(*scan_args(env)).code == 0
