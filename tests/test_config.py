"""Config file: .hipaacheck.yaml / --config become scan defaults; the command line overrides; bad keys exit 2."""
from __future__ import annotations

from pathlib import Path

import pytest

from hipaacheck.cli import build_parser
from hipaacheck.cli.config import apply_config, subparser
from hipaacheck.errors import InputError
from posture_fixtures import make_env, scan_args


def parse(tmp_path: Path, text: str, *argv: str, name: str = ".hipaacheck.yaml"):
    (tmp_path / name).write_text(text)
    parser = build_parser()
    if name != ".hipaacheck.yaml":
        argv = ("--config", str(tmp_path / name), *argv)
    apply_config(parser, ["scan", *argv], cwd=tmp_path)
    return parser.parse_args(["scan", *argv])


def test_file_values_become_defaults_and_cli_wins(tmp_path):
    text = ("fail-on: high\nfail_on_new_only: true\nformat: [json, table]\nmax-workers: 3\n"
            "output-dir: out\nwaivers: /etc/hipaacheck/waivers.yaml\nchecks-dir: [extra]\n")
    args = parse(tmp_path, text, name="ci.yaml")
    assert (args.fail_on, args.fail_on_new_only, args.format, args.max_workers) == ("high", True, "json,table", 3)
    assert args.output_dir == tmp_path.resolve() / "out"  # relative to the config file
    assert args.waivers == Path("/etc/hipaacheck/waivers.yaml")
    assert args.checks_dir == [tmp_path.resolve() / "extra"]
    args = parse(tmp_path, text, "--fail-on", "low", "--format", "table", "--max-workers", "9", name="ci.yaml")
    assert (args.fail_on, args.format, args.max_workers) == ("low", "table", 9)
    assert args.fail_on_new_only is True  # not given on the command line: the file's value stays


def test_no_config_file_means_builtin_defaults(tmp_path):
    parser = build_parser()
    assert apply_config(parser, ["scan"], cwd=tmp_path) is None
    assert parser.parse_args(["scan"]).fail_on == "low"


def test_explicit_config_flag_beats_working_folder_file(tmp_path):
    (tmp_path / ".hipaacheck.yaml").write_text("fail-on: high\n")
    other = tmp_path / "ci.yaml"
    other.write_text("fail-on: critical\n")
    parser = build_parser()
    assert apply_config(parser, ["scan", "--config", str(other)], cwd=tmp_path) == other
    assert parser.parse_args(["scan", "--config", str(other)]).fail_on == "critical"


@pytest.mark.parametrize("text, line, problem", [
    ("fail-on: high\nfial-on: low\n", 2, "unknown option 'fial-on'"),
    ("quiet: yes please\n", 1, "quiet: expected true or false"),
    ("fail-on: severe\n", 1, "'severe' is not one of critical"),
    ("max-workers: many\n", 1, "max-workers: invalid value 'many'"),
    ("help: true\n", 1, "unknown option 'help'"),
    ("format: {json: 1}\n", 1, "expected a single value"),
])
def test_bad_config_names_file_and_line(tmp_path, text, line, problem):
    with pytest.raises(InputError) as exc:
        parse(tmp_path, text)
    assert exc.value.where == f"{tmp_path / '.hipaacheck.yaml'}:{line}"
    assert problem in exc.value.problem


def test_cli_uses_config_and_reports_bad_key(tmp_path, cli, monkeypatch):
    env = make_env(tmp_path)
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".hipaacheck.yaml").write_text("format: json\nfail-on: critical\n")
    result = cli(*scan_args(env))
    assert result.json()["summary"]["by_status"]["fail"] == 2
    assert result.code == 0  # nothing critical fails
    assert cli(*scan_args(env, "--fail-on", "medium")).code == 1
    (tmp_path / ".hipaacheck.yaml").write_text("format: json\nsoft-fial: true\n")
    bad = cli(*scan_args(env))
    assert bad.code == 2 and bad.out == ""
    assert bad.err == f"hipaacheck: error: {tmp_path / '.hipaacheck.yaml'}:2: unknown option 'soft-fial' " \
                      "(keys are scan's long options, e.g. fail-on)\n"
    assert cli(*scan_args(env, "--config", tmp_path / "missing.yaml")).code == 2


def test_config_only_applies_to_scan(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".hipaacheck.yaml").write_text("not-an-option: 1\n")
    parser = build_parser()
    assert apply_config(parser, ["profiles"], cwd=tmp_path) is None
    assert subparser(parser, "scan") is not None


def test_found_config_may_not_load_python_but_a_named_one_may(tmp_path):
    """A checkout under test (a pull request) must not make the scanner import its code."""
    with pytest.raises(InputError) as exc:
        parse(tmp_path, "fail-on: high\nchecks-dir: [evil]\n")
    assert exc.value.where == f"{tmp_path / '.hipaacheck.yaml'}:2"
    assert "loads Python code" in exc.value.problem and "--config" in exc.value.problem
    args = parse(tmp_path, "checks-dir: [mine]\n", name="trusted.yaml")
    assert args.checks_dir == [tmp_path.resolve() / "mine"]
