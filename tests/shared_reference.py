"""Files from the shared reference folder (``../shared/reference``), never copied into the repo.

A test asks for one with the ``reference_file`` fixture: ``reference_file("schemas/sarif-schema-2.1.0.json")``.
A missing file skips the test, or fails it when ``CI`` is "true" and the reference folder is there (a file
gone from it is a regression CI must not pass); a checkout with no reference folder beside it at all
skips. Either way the terminal summary names each missing file and the tests that could not validate.
``HIPAACHECK_REFERENCE_DIR`` points the suite at another folder. Loaded as a plugin by conftest.py.
"""
from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from pathlib import Path

import pytest

REFERENCE_ENV = "HIPAACHECK_REFERENCE_DIR"
DEFAULT_REFERENCE = Path(__file__).resolve().parents[2] / "shared" / "reference"
# Recorded in the test's user_properties, which travel with its reports (to the xdist controller too).
MISSING = "missing_reference_file"


def reference_dir() -> Path:
    """The shared reference folder: ``$HIPAACHECK_REFERENCE_DIR``, else ``shared/reference`` beside the repo."""
    return Path(os.environ.get(REFERENCE_ENV) or DEFAULT_REFERENCE)


@pytest.fixture
def reference_file(request: pytest.FixtureRequest) -> Callable[[str], Path]:
    """``find(relative)``: the path of a reference file; skips (fails under CI=true) when it is missing."""

    def find(relative: str) -> Path:
        path = reference_dir() / relative
        if path.is_file():
            return path
        request.node.user_properties.append((MISSING, str(path)))
        if os.environ.get("CI") == "true" and reference_dir().is_dir():
            pytest.fail(f"reference file missing: {path} (CI=true: a test that cannot validate fails)",
                        pytrace=False)
        pytest.skip(f"reference file missing: {path}")

    return find


def missing_files(reports: Iterable[pytest.TestReport]) -> dict[str, list[str]]:
    """``{missing file: [node ids of the tests that needed it]}`` from the run's reports."""
    missing: dict[str, list[str]] = {}
    for report in reports:
        for key, path in getattr(report, "user_properties", ()):
            if key == MISSING and report.nodeid not in missing.setdefault(path, []):
                missing[path].append(report.nodeid)
    return missing


def pytest_terminal_summary(terminalreporter) -> None:
    reports = [report for stat in terminalreporter.stats.values() for report in stat]
    missing = missing_files(reports)
    if not missing:
        return
    terminalreporter.write_sep("=", "shared reference files missing", yellow=True)
    for path, nodeids in sorted(missing.items()):
        terminalreporter.write_line(f"missing reference file: {path}")
        for nodeid in nodeids:
            terminalreporter.write_line(f"  could not validate: {nodeid}")
