"""Compiled schema validation: complete, one-line errors with file, line and JSON path, exit 2."""
from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import pytest
from assertions import input_error

from hipaacheck import validation
from hipaacheck.errors import InputError
from hipaacheck.results import Results
from hipaacheck.validation import compiled, json_line, validate_document

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "results" / "mixed.json"
SCHEMAS = sorted(p.name.removesuffix(".schema.json")
                 for p in resources.files("hipaacheck").joinpath("schemas").iterdir() if p.name.endswith(".schema.json"))


@pytest.mark.parametrize("name", SCHEMAS)
def test_every_packaged_schema_compiles(name: str) -> None:
    assert callable(compiled(name))


def broken_results(tmp_path: Path, pretty: bool) -> Path:
    data = json.loads(FIXTURE.read_text())
    data["findings"][3]["status"] = "bogus"
    path = tmp_path / "results.json"
    path.write_text(json.dumps(data, indent=2 if pretty else None))
    return path


@pytest.mark.parametrize("pretty", [True, False])
def test_bad_results_file_names_file_line_and_path(cli, tmp_path: Path, pretty: bool) -> None:
    path = broken_results(tmp_path, pretty)
    line = next(n for n, text in enumerate(path.read_text().splitlines(), 1) if '"bogus"' in text)
    result = cli("report", path, "--format", "csv")
    assert input_error(result) == (f"hipaacheck: error: {path}:{line}: $.findings[3].status: "
                                   "status must be one of: pass, fail, error, skip, waived, manual")


def test_a_valid_results_file_loads(tmp_path: Path) -> None:
    assert len(Results.load(FIXTURE).findings) == len(json.loads(FIXTURE.read_text())["findings"])


@pytest.mark.parametrize("value, valid", [("2026-01-31", True), ("2026-02-30", False), ("2026-1-31", False),
                                          ("31/01/2026", False)])
def test_date_format_is_a_real_calendar_day(value: str, valid: bool) -> None:
    waivers = {"waivers": [{"control": "x", "justification": "legacy host, ticket open", "approver": "a", "expires": value}]}
    if valid:
        validate_document(waivers, "waivers", "w.yaml")
    else:
        with pytest.raises(InputError, match=r"\$\.waivers\[0\]\.expires"):
            validate_document(waivers, "waivers", "w.yaml")


def test_when_only_the_compiled_validator_objects_its_finding_is_reported(monkeypatch) -> None:
    class Permissive:
        def iter_errors(self, data):
            return iter(())

    monkeypatch.setattr(validation, "_validator", lambda name: Permissive())
    data = json.loads(FIXTURE.read_text())
    data["findings"][2]["severity"] = "severe"
    text = json.dumps(data, indent=2)
    with pytest.raises(InputError) as caught:
        validate_document(data, "results", "r.json", lambda: text)
    where_line = next(n for n, line in enumerate(text.splitlines(), 1) if '"severe"' in line)
    assert caught.value.where == f"r.json:{where_line}"
    assert caught.value.problem.startswith("$.findings[2].severity: must be one of")


@pytest.mark.parametrize("text, parts, line", [
    ('{\n "a": {\n  "b": [\n   1,\n   {"c": 2}\n  ]\n }\n}', ["a", "b", 1, "c"], 5),
    ('{"a": 1,\n "a": 2}', ["a"], 2),  # the last duplicate is the value json keeps
    ('[\n"x",\n"y"\n]', [1], 3),
    ('{"a": [1]}', ["a", 5], None),
    ('{"a": "text with } and ] and \\" inside",\n "b": 1}', ["b"], 2),
])
def test_json_line_finds_where_a_value_starts(text: str, parts: list, line: int | None) -> None:
    assert json_line(text, parts) == line
