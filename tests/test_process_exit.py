"""The console script ends the process with ``os._exit`` (no teardown of a big scan's objects): what a
normal exit would still do must happen before it: exit code, stdout, the log file, the content cache."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from assertions import input_error
from posture_fixtures import make_env, scan_args

REPO = Path(__file__).resolve().parents[1]


def hipaacheck(tmp_path: Path, *args: object) -> subprocess.CompletedProcess:
    cache = tmp_path / "cache"
    env = dict(os.environ, PYTHONPATH=str(REPO), HIPAACHECK_CACHE_DIR=str(cache))
    env.pop("HIPAACHECK_NO_CACHE", None)
    return subprocess.run([sys.executable, "-m", "hipaacheck", *map(str, args)], capture_output=True, env=env)


def test_a_scan_ends_with_its_exit_code_its_whole_output_log_and_cache(tmp_path):
    env = make_env(tmp_path)
    log = tmp_path / "run.log"
    done = hipaacheck(tmp_path, *scan_args(env, "--format", "json", "--log-file", log, "--log-level", "debug"))
    assert done.returncode == 1, done.stderr  # the fixture has failing findings
    results = json.loads(done.stdout)  # every byte written, through the final newline
    assert done.stdout.endswith(b"\n") and results["verdict"]["exit_code"] == 1
    assert log.read_text().rstrip().splitlines()[-1]  # the log handler flushed at exit
    assert "command line: hipaacheck scan" in log.read_text()
    assert any((tmp_path / "cache").iterdir()), "the content cache is saved by its exit handler"


def test_bad_input_still_exits_2(tmp_path):
    done = hipaacheck(tmp_path, "report", tmp_path / "missing.json", "--format", "json")
    input_error(done, "missing.json")
