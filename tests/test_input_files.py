"""The roster (--workforce) and the register (--incidents) as files: whatever stops them being read is
one line naming the file, exit 2, no traceback (the content's own errors are tested beside each)."""
from __future__ import annotations

import os
from pathlib import Path

import pytest
from assertions import input_error

from hipaacheck import incidents, workforce

FLAGS = {"--workforce": ("hipaa-workforce", "workforce roster", workforce, "MAX_ROSTER_BYTES"),
         "--incidents": ("hipaa-workforce", "incident register", incidents, "MAX_REGISTER_BYTES")}


def scan(cli, tmp_path: Path, flag: str, path: Path | str):
    profile = FLAGS[flag][0]
    root = tmp_path / "root"
    (root / "etc").mkdir(parents=True, exist_ok=True)
    return cli("scan", "--root", root, "--profile", profile, "--format", "json", flag, path)


@pytest.mark.parametrize("flag", sorted(FLAGS))
def test_a_missing_file_is_named(cli, tmp_path, flag):
    missing = tmp_path / "nowhere.yaml"
    input_error(scan(cli, tmp_path, flag, missing), f"{missing}: {FLAGS[flag][1]} not found")


@pytest.mark.parametrize("flag", sorted(FLAGS))
def test_a_folder_is_not_a_regular_file(cli, tmp_path, flag):
    folder = tmp_path / "folder.yaml"
    folder.mkdir()
    input_error(scan(cli, tmp_path, flag, folder), f"{folder}: is a directory, expected a file")


@pytest.mark.parametrize("flag", sorted(FLAGS))
def test_a_file_over_the_limit_is_refused_by_what_was_read(cli, tmp_path, monkeypatch, flag):
    module, limit = FLAGS[flag][2], FLAGS[flag][3]
    monkeypatch.setattr(module, limit, 64)
    big = tmp_path / "big.yaml"
    big.write_text("version: 1\n" + "#" * 100 + "\n")
    input_error(scan(cli, tmp_path, flag, big), f"{big}: larger than 64 bytes")


@pytest.mark.parametrize("flag", sorted(FLAGS))
def test_an_io_error_is_one_line_not_a_traceback(cli, tmp_path, flag):
    # /proc/self/mem is a regular file whose read at offset 0 fails with EIO: a real failing read
    mem = Path("/proc/self/mem")
    if not mem.is_file():
        pytest.fail("this test needs Linux /proc/self/mem")
    input_error(scan(cli, tmp_path, flag, mem), f"{mem}: cannot read (Input/output error)")


@pytest.mark.parametrize("flag", sorted(FLAGS))
def test_a_file_that_cannot_be_opened_is_permission_denied(cli, tmp_path, flag):
    if os.geteuid() == 0:  # root reads any mode: deny through a loop of symlinks instead
        looped = tmp_path / "loop.yaml"
        looped.symlink_to(looped)
        input_error(scan(cli, tmp_path, flag, looped), f"{looped}: cannot read (Too many levels of symbolic links)")
        return
    closed = tmp_path / "closed.yaml"
    closed.write_text("version: 1\n")
    closed.chmod(0)
    input_error(scan(cli, tmp_path, flag, closed), f"{closed}: permission denied")


@pytest.mark.parametrize("flag", sorted(FLAGS))
def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path, flag):
    import subprocess
    import sys

    fifo = tmp_path / "roster.yaml"
    os.mkfifo(fifo)
    (tmp_path / "root" / "etc").mkdir(parents=True)
    run = subprocess.run([sys.executable, "-m", "hipaacheck", "scan", "--root", str(tmp_path / "root"), "--profile",
                          FLAGS[flag][0], "--format", "json", flag, str(fifo)],
                         capture_output=True, text=True, timeout=60)  # opening a FIFO for reading would block
    input_error(run, f"{fifo}: not a regular file")
