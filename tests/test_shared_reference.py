"""A missing shared reference file is never a silent skip: the summary names it, and under CI=true a file
missing from a reference folder that is there fails the test."""
from __future__ import annotations

from pathlib import Path

import pytest
import shared_reference

pytest_plugins = ["pytester"]

TESTS = Path(__file__).resolve().parent
SCHEMA = "schemas/example.schema.json"
VALIDATING_TEST = f"""
def test_validates(reference_file):
    assert reference_file({SCHEMA!r}).read_text() == "{{}}"


def test_needs_nothing():
    pass
"""


@pytest.fixture
def suite(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> pytest.Pytester:
    """A one-module suite using the plugin, its reference folder pointed at one that does not exist."""
    pytester.makepyfile(test_inner=VALIDATING_TEST)
    monkeypatch.setenv(shared_reference.REFERENCE_ENV, str(pytester.path / "no-such-reference"))
    monkeypatch.delenv("CI", raising=False)
    return pytester


def summary_lines(reference: Path) -> list[str]:
    return ["*= shared reference files missing =*",
            f"missing reference file: {reference / SCHEMA}",
            "  could not validate: test_inner.py::test_validates"]


def test_missing_file_skips_and_the_summary_says_so(suite):
    result = suite.runpytest("-p", "shared_reference")
    result.assert_outcomes(passed=1, skipped=1)
    result.stdout.fnmatch_lines(summary_lines(suite.path / "no-such-reference"))


def test_missing_folder_skips_under_ci_and_the_summary_says_so(suite, monkeypatch):
    monkeypatch.setenv("CI", "true")
    result = suite.runpytest("-p", "shared_reference")
    result.assert_outcomes(passed=1, skipped=1)
    result.stdout.fnmatch_lines(summary_lines(suite.path / "no-such-reference"))


def test_missing_file_fails_under_ci(suite, monkeypatch):
    monkeypatch.setenv("CI", "true")
    suite.mkdir("no-such-reference")  # the folder is there, the file is not
    result = suite.runpytest("-p", "shared_reference")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["*reference file missing: *no-such-reference*CI=true*"])
    result.stdout.fnmatch_lines(summary_lines(suite.path / "no-such-reference"))


@pytest.mark.parametrize("ci", ["true", "false"])
def test_present_file_validates_with_no_summary(suite, monkeypatch, ci):
    monkeypatch.setenv("CI", ci)
    reference = suite.mkdir("reference")
    (reference / "schemas").mkdir()
    (reference / SCHEMA).write_text("{}")
    monkeypatch.setenv(shared_reference.REFERENCE_ENV, str(reference))
    result = suite.runpytest("-p", "shared_reference")
    result.assert_outcomes(passed=2)
    assert "shared reference files missing" not in result.stdout.str()


def test_the_summary_survives_xdist_workers(suite, monkeypatch):
    pytest.importorskip("xdist", reason="pytest-xdist not installed: the suite runs without workers")
    monkeypatch.setenv("PYTHONPATH", str(TESTS))  # the worker processes import the plugin by name
    result = suite.runpytest_subprocess("-p", "shared_reference", "-n", "1")
    result.assert_outcomes(passed=1, skipped=1)
    result.stdout.fnmatch_lines(summary_lines(suite.path / "no-such-reference"))


def test_default_folder_is_shared_reference_beside_the_repo(monkeypatch):
    monkeypatch.delenv(shared_reference.REFERENCE_ENV, raising=False)
    assert shared_reference.reference_dir() == TESTS.parent.parent / "shared" / "reference"
