"""Crafted inputs and failing outputs end in one line naming the file and exit 2: never a traceback
(CI would read exit 1 as compliance failures), nothing partial left behind, earlier files intact."""
from __future__ import annotations

import json
import os
import resource
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from assertions import input_error
from posture_fixtures import make_env, scan_args

REPO = Path(__file__).resolve().parent.parent
DEEP_JSON = "[" * 100_000 + "]" * 100_000
HUGE_INT = "9" * 5000  # past Python's 4300-digit limit for int()


def results_file(cli, tmp_path: Path) -> Path:
    env = make_env(tmp_path)
    out = tmp_path / "results.json"
    result = cli(*scan_args(env, "--format", "json"))
    out.write_text(result.out)
    return out


@pytest.mark.parametrize("text, problem", [
    (DEEP_JSON, "nested deeper than 100 levels"),
    ('{"schema_version": ' + HUGE_INT + "}", "Exceeds the limit (4300 digits)"),
])
def test_crafted_json_for_every_command_that_reads_results_or_inventory(cli, tmp_path, text, problem):
    bad = tmp_path / "crafted.json"
    bad.write_text(text)
    good = results_file(cli, tmp_path)
    (tmp_path / "env").mkdir()
    env = make_env(tmp_path / "env")
    for args in (["scan", "--source", "snapshot", "--inventory", bad], ["report", bad], ["diff", bad, good],
                 ["diff", good, bad], [*scan_args(env, "--baseline", bad)]):
        input_error(cli(*args), "crafted.json", problem)


def test_nesting_just_inside_the_bound_is_an_ordinary_schema_error(cli, tmp_path):
    bad = tmp_path / "nested.json"
    bad.write_text('{"s": "[[[\\"[[", "x": ' + "[" * 98 + "]" * 98 + "}")
    input_error(cli("report", bad), "nested.json", "schema_version is required")


@pytest.mark.parametrize("name, text", [
    ("bomb", "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + n)}: &{chr(98 + n)} [{', '.join([f'*{chr(97 + n)}'] * 9)}]\n" for n in range(8))),
    ("deep", "format: " + "[" * 500 + "]" * 500 + "\n"),
    ("huge", f"max-workers: {HUGE_INT}\n"),
    ("self", "format: &a [*a]\n"),
])
def test_crafted_yaml_config(cli, tmp_path, name, text):
    config = tmp_path / f"{name}.yaml"
    config.write_text(text)
    result = cli("scan", "--config", config)
    input_error(result, f"{name}.yaml:")


def test_an_alias_bomb_is_refused_before_it_is_built(tmp_path):
    from hipaacheck.errors import InputError
    from hipaacheck.yamlio import MAX_NODES, load_yaml

    levels = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + n)}: &{chr(98 + n)} [{', '.join([f'*{chr(97 + n)}'] * 10)}]\n" for n in range(11))
    with pytest.raises(InputError, match=f"expands to more than {MAX_NODES} values") as exc:
        load_yaml(tmp_path / "w.yaml", levels)  # 10**12 strings once expanded
    assert exc.value.where == f"{tmp_path / 'w.yaml'}:6"  # the first value that expands past the bound
    shared = "a: &a [x, x, x]\nb: [*a, *a, *a]\n"  # aliases within the bound load as usual
    assert load_yaml(tmp_path / "ok.yaml", shared)["b"] == [["x"] * 3] * 3


def test_huge_integer_in_a_waivers_file_names_its_line(cli, tmp_path):
    env = make_env(tmp_path)
    waivers = tmp_path / "waivers.yaml"
    waivers.write_text(f"version: 1\nwaivers:\n  - control: posture.max_days\n    expires: {HUGE_INT}\n")
    input_error(cli(*scan_args(env, "--waivers", waivers)), "waivers.yaml:4")


# ---- outputs that cannot be written --------------------------------------------------------------------

def hipaacheck(*args: object, fsize: int | None = None, stdout: int | None = subprocess.PIPE,
               cwd: Path | None = None) -> subprocess.CompletedProcess:
    """Run the CLI in a child, optionally with a file size limit (writes past it fail with EFBIG, as on a full
    disk: Python ignores SIGXFSZ)."""
    def limit() -> None:
        if fsize is not None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (fsize, fsize))

    env = dict(os.environ, PYTHONPATH=str(REPO), PYTHONDONTWRITEBYTECODE="1")
    return subprocess.run([sys.executable, "-m", "hipaacheck", *map(str, args)], stdout=stdout,
                          stderr=subprocess.PIPE, text=True, env=env, preexec_fn=limit, cwd=cwd)


def no_temporaries(folder: Path) -> None:
    assert not [p.name for p in folder.iterdir() if p.name.endswith(".tmp")]


def test_full_stdout(tmp_path):
    env = make_env(tmp_path)
    with open("/dev/full", "w") as full:
        done = hipaacheck(*scan_args(env, "--format", "json"), stdout=full.fileno())
    input_error(done, "<stdout>", "No space left on device")


def test_full_log_file(tmp_path):
    env = make_env(tmp_path)
    done = hipaacheck(*scan_args(env, "--format", "json", "--log-file", "/dev/full", "--log-level", "debug"))
    input_error(done, "/dev/full", "--log-file", "No space left on device")


def test_full_disk_under_the_output_dir_keeps_the_earlier_reports(tmp_path):
    env = make_env(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    (out / "hipaacheck.html").write_text("last night's report")
    done = hipaacheck(*scan_args(env, "--format", "json,html", "--output-dir", out), fsize=4096)
    input_error(done, str(out / "hipaacheck"), "File too large")
    assert (out / "hipaacheck.html").read_text() == "last night's report"
    no_temporaries(out)


def test_full_disk_under_the_evidence_bundle_keeps_the_earlier_one(tmp_path):
    env = make_env(tmp_path)
    bundle = tmp_path / "evidence.zip"
    bundle.write_bytes(b"last night's bundle")
    done = hipaacheck(*scan_args(env, "--format", "json", "--evidence-bundle", bundle), fsize=8192)
    input_error(done, "File too large")
    assert bundle.read_bytes() == b"last night's bundle"
    no_temporaries(tmp_path)


def test_full_disk_under_attest_keeps_the_attestations_file(tmp_path):
    att = tmp_path / "attestations.yaml"
    assert hipaacheck("attest", "manual.risk.analysis", "--by", "Ann", "--role", "Officer",
                      "--file", att).returncode == 0
    before = att.read_text()
    done = hipaacheck("attest", "manual.risk.analysis", "--by", "Ann", "--role", "Officer",
                      "--statement", "x" * 4096, "--file", att, fsize=len(before) + 100)
    input_error(done, str(att), "File too large")
    assert att.read_text() == before
    no_temporaries(tmp_path)


def test_full_disk_under_the_history_database_says_so(tmp_path):
    env = make_env(tmp_path)
    db = tmp_path / "history.db"
    assert hipaacheck(*scan_args(env, "--format", "json", "--history", db)).returncode == 1  # two controls fail
    for extra in ("-wal", "-shm"):
        Path(f"{db}{extra}").unlink(missing_ok=True)
    done = hipaacheck(*scan_args(env, "--format", "json", "--history", db), fsize=db.stat().st_size)
    input_error(done, str(db), "--history")
    assert "cannot rollback" not in done.stderr


@pytest.mark.parametrize("column, value", [("target", "{not json"), ("target", "[1]"), ("target", "9" * 5000)])
def test_a_corrupt_history_row_is_one_line(cli, tmp_path, column, value):
    env = make_env(tmp_path)
    db = tmp_path / "history.db"
    assert cli(*scan_args(env, "--format", "json", "--history", db)).code == 1  # two controls fail
    with sqlite3.connect(db) as conn:
        assert conn.execute(f"UPDATE runs SET {column} = ?", (value,)).rowcount == 1  # the run just recorded
    input_error(cli("history", "--db", db), "history.db")
    input_error(cli(*scan_args(env, "--format", "json", "--history", db)), "history.db")


def test_a_corrupt_citation_list_is_one_line(cli, tmp_path):
    env = make_env(tmp_path)
    db = tmp_path / "history.db"
    assert cli(*scan_args(env, "--format", "json", "--history", db)).code == 1  # two controls fail
    with sqlite3.connect(db) as conn:
        assert conn.execute("UPDATE findings SET citations = ?", (json.dumps([{"x": 1}]),)).rowcount == 3  # one a control
    input_error(cli("history", "--db", db), "history.db")
