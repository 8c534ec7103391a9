"""Assertions many test modules share; import what a test calls (``from assertions import input_error``)."""
from __future__ import annotations

import subprocess
from typing import Any


def input_error(result: Any, *fragments: str, stdout: bool = False) -> str:
    """Assert bad input ended the run as the CLI promises and return the line: exit 2, one line on stderr
    (``hipaacheck: error: ...``, no traceback) holding every one of ``fragments`` (the file, the place, the
    problem), and nothing on stdout unless ``stdout`` allows it (a report written before the failing step).

    ``result`` is what the ``cli`` fixture returns or a finished ``subprocess.run`` (text or bytes)."""
    if isinstance(result, subprocess.CompletedProcess):
        code, out, err = result.returncode, result.stdout, result.stderr
        if isinstance(err, bytes):
            err = err.decode("utf-8", "replace")
        if isinstance(out, bytes):
            out = out.decode("utf-8", "replace")
    else:
        code, out, err = result.code, result.out, result.err
    assert code == 2, (code, out, err)
    assert "Traceback" not in err, err
    assert err.count("\n") == 1 and err.endswith("\n") and err.startswith("hipaacheck: error: "), err
    missing = [fragment for fragment in fragments if fragment not in err]
    assert not missing, f"{missing} not in {err!r}"
    if not stdout and out is not None:  # None: the child's stdout went to a file, not to the test
        assert out == "", out
    return err[:-1]
