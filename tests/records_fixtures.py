"""Workforce roster and incident register fixtures, loaded for the whole suite as a pytest plugin
(``pytest_plugins`` in conftest.py): test modules request them by name and never import them.

- ``fixed_today``: hipaacheck's clock (``hipaacheck.clock.now_utc``) stands at noon UTC on 2026-12-01, so
  every deadline is a known number of days away.
- ``records``: a :class:`Records` writing the test's roster and register into its ``tmp_path`` and scanning
  with them under the ``hipaa-workforce`` profile, the clock fixed as above.
"""
from __future__ import annotations

import csv
from pathlib import Path
from typing import Any, Callable

import pytest
import yaml

TODAY = "2026-12-01"
ROSTER_COLUMNS = ["id", "role", "name", "email", "hire_date", "termination_date", "last_training_date", "accounts"]


@pytest.fixture
def fixed_today(monkeypatch) -> str:
    monkeypatch.setattr("hipaacheck.clock.now_utc", lambda: f"{TODAY}T12:00:00Z")
    return TODAY


class Records:
    """The files and workforce scans of one test."""

    def __init__(self, cli: Callable[..., Any], folder: Path) -> None:
        self.cli = cli
        self.folder = folder

    def roster(self, people: list[dict], fmt: str = "yaml", folder: Path | None = None) -> Path:
        """``roster.yaml`` (or ``roster.csv``: accounts joined by ``;``) listing ``people``."""
        path = (folder or self.folder) / f"roster.{fmt}"
        if fmt == "yaml":
            path.write_text(yaml.safe_dump({"version": 1, "people": people}, sort_keys=False))
            return path
        with path.open("w", newline="") as handle:
            writer = csv.DictWriter(handle, ROSTER_COLUMNS)
            writer.writeheader()
            for person in people:
                writer.writerow({**person, "accounts": ";".join(person.get("accounts", []))})
        return path

    def register(self, *incidents: dict) -> Path:
        """``incidents.yaml`` recording ``incidents``."""
        path = self.folder / "incidents.yaml"
        path.write_text(yaml.safe_dump({"version": 1, "incidents": list(incidents)}, sort_keys=False))
        return path

    def empty_root(self) -> Path:
        """A Linux root with nothing in it: the roster joins host accounts, none exist here."""
        (self.folder / "root" / "etc").mkdir(parents=True, exist_ok=True)
        return self.folder / "root"

    def scan(self, *args: object, profile: object = "hipaa-workforce") -> list[dict]:
        """The findings of ``hipaacheck scan --profile PROFILE --format json ARGS``, which must not be bad input."""
        result = self.cli("scan", "--profile", profile, "--format", "json", *args)
        assert result.code in (0, 1, 3), result.err
        return result.json()["findings"]


@pytest.fixture
def records(cli, tmp_path: Path, fixed_today: str) -> Records:
    return Records(cli, tmp_path)
