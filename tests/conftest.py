"""Shared test helpers: run the CLI in-process, locate fixtures; load the AWS, records and shared-reference plugins."""
from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest

# Fixtures shared by many modules, loaded once here: test modules request them and never import them.
pytest_plugins = ["aws_fixtures", "records_fixtures", "shared_reference"]

REPO = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"

# No test may reach a real AWS endpoint: fake credentials everywhere, and no instance metadata lookups.
os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")
os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
os.environ["AWS_EC2_METADATA_DISABLED"] = "true"
os.environ.pop("AWS_PROFILE", None)
# The parsed-content cache of this test run (in-process and subprocess runs share it), not the user's.
os.environ.setdefault("HIPAACHECK_CACHE_DIR", tempfile.mkdtemp(prefix="hipaacheck-cache-"))
# The console fits the table to the terminal: one width for every test, whatever runs them.
os.environ["COLUMNS"] = "160"


def pytest_configure(config: pytest.Config) -> None:
    # An exception that ends a thread started by a test fails that test instead of being a warning.
    config.addinivalue_line("filterwarnings", "error::pytest.PytestUnhandledThreadExceptionWarning")


@dataclass
class CliResult:
    code: int
    out: str
    err: str

    def json(self) -> dict:
        return json.loads(self.out)


@pytest.fixture
def cli(capsys):
    """Run ``hipaacheck ARGS`` in this process; returns exit code, stdout and stderr."""
    from hipaacheck.cli import main

    def run(*args: str) -> CliResult:
        capsys.readouterr()
        try:
            code = main([str(a) for a in args])
        except SystemExit as exc:  # argparse --help/--version and usage errors
            code = exc.code if isinstance(exc.code, int) else 2
        captured = capsys.readouterr()
        return CliResult(code, captured.out, captured.err)

    return run
