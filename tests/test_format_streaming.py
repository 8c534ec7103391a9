"""Formats write to a stream as they go; compact JSON by default, indented with --pretty, same documents.

The CSV, JUnit, HTML and Markdown goldens did not change when the formats began streaming,
and the JSON goldens changed only in layout; the tests here pin that down for any results.
"""
from __future__ import annotations

import io
import json
from datetime import date
from pathlib import Path

import pytest

from hipaacheck.formats import get_format
from hipaacheck.formats.asff import to_asff
from hipaacheck.formats.json import Stream, write_json
from hipaacheck.formats.ocsf import events
from hipaacheck.results import Results

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "results" / "mixed.json"
JSON_FORMATS = ["json", "sarif", "ocsf", "asff", "oscal"]


def written(value: object, **options: bool) -> str:
    out = io.BytesIO()
    write_json(value, out, **options)
    return out.getvalue().decode("utf-8")


def dumped(value: object, pretty: bool = False, sort_keys: bool = False) -> str:
    layout = {"indent": 2} if pretty else {"separators": (",", ":")}
    return json.dumps(value, ensure_ascii=False, sort_keys=sort_keys, default=str, **layout) + "\n"


DOCUMENTS = [
    lambda s: s([]),
    lambda s: s([{"a": 1}, [], {}, "é ☃ \U0001F600", None, 1.5, [1, [2, {"x": "y\nz"}]]]),
    lambda s: {"z": 1, "findings": s({"k": i, "when": date(2026, 1, 31)} for i in range(3)), "a": {"b": []}},
    lambda s: {"runs": [{"results": s([{"n": 1}]), "empty": s([]), "tool": {"rules": [{"id": "r"}]}}], "v": "2.1.0"},
    lambda s: [s([1, 2]), {"nested": [s(["x"]), []]}],
]


@pytest.mark.parametrize("make", DOCUMENTS)
@pytest.mark.parametrize("pretty", [False, True])
@pytest.mark.parametrize("sort_keys", [False, True])
def test_streamed_json_is_byte_identical_to_json_dumps(make, pretty: bool, sort_keys: bool) -> None:
    assert written(make(Stream), pretty=pretty, sort_keys=sort_keys) == dumped(make(list), pretty, sort_keys)


@pytest.mark.parametrize("pretty", [False, True])
def test_stream_items_are_made_while_writing(monkeypatch, pretty: bool) -> None:
    """At most one batch of items (one item when indenting) is ever held unwritten."""
    import hipaacheck.formats.json as json_format

    monkeypatch.setattr(json_format, "BATCH", 2)
    made: list[int] = []

    class Probe(io.BytesIO):
        def write(self, data: bytes) -> int:
            made.append(-1)  # a write happened
            return super().write(data)

    def items():
        for i in range(5):
            made.append(i)
            yield {"i": i}

    out = Probe()
    write_json({"findings": Stream(items())}, out, pretty=pretty)
    held = 1 if pretty else 2
    for i in range(held, 5):
        assert -1 in made[made.index(i - held):made.index(i)]  # item i-held was written before item i was made
    assert json.loads(out.getvalue()) == {"findings": [{"i": i} for i in range(5)]}


@pytest.mark.parametrize("name", JSON_FORMATS)
def test_compact_by_default_pretty_on_request_same_document(name: str) -> None:
    results = Results.load(FIXTURE)
    compact = get_format(name).render(results)
    pretty = get_format(name, pretty=True).render(results)
    assert compact.count("\n") == 1 and compact.endswith("\n")
    assert json.loads(compact) == json.loads(pretty)
    assert pretty == dumped(json.loads(pretty), pretty=True)  # the indented layout of earlier versions


def test_streamed_documents_equal_the_documents_built_in_memory() -> None:
    results = Results.load(FIXTURE)
    assert json.loads(get_format("json").render(results)) == json.loads(json.dumps(results.to_dict(), default=str))
    assert json.loads(get_format("asff").render(results)) == to_asff(results)
    assert json.loads(get_format("ocsf").render(results)) == list(events(results))


@pytest.mark.parametrize("name", ["csv", "junit", "html", "markdown", "table"])
def test_text_formats_write_what_they_render(name: str) -> None:
    results = Results.load(FIXTURE)
    out = io.BytesIO()
    get_format(name).write(results, out)
    assert out.getvalue().decode("utf-8") == get_format(name).render(results)


def test_empty_results_still_give_valid_documents() -> None:
    import xml.etree.ElementTree as ET

    empty = Results(findings=[], run=Results.load(FIXTURE).run)
    for name in JSON_FORMATS:
        json.loads(get_format(name).render(empty))
    suites = ET.fromstring(get_format("junit").render(empty))
    assert suites.get("tests") == "0" and len(suites) == 0


def test_scan_and_report_take_pretty(cli, tmp_path: Path) -> None:
    root = tmp_path / "root" / "etc"
    root.mkdir(parents=True)
    (root / "login.defs").write_text("PASS_MAX_DAYS 99999\n")
    compact = cli("scan", "--root", tmp_path / "root", "--format", "json")
    pretty = cli("scan", "--root", tmp_path / "root", "--format", "json", "--pretty")
    assert compact.out.count("\n") == 1 and '": ' not in compact.out
    assert pretty.out.startswith('{\n  "schema_version": ') and pretty.out.count("\n") > 20
    assert {**compact.json(), "run": None} == {**pretty.json(), "run": None}  # only the run times differ
    saved = tmp_path / "results.json"
    saved.write_text(compact.out)
    out = tmp_path / "out"
    assert cli("report", saved, "--format", "sarif,json", "--pretty", "--output-dir", out).code == 0
    assert (out / "hipaacheck-results.json").read_text() == json.dumps(compact.json(), indent=2, ensure_ascii=False) + "\n"
    assert (out / "hipaacheck.sarif").read_text().startswith('{\n  "$schema"')
    assert cli("report", saved, "--format", "json").out == compact.out  # compact again, byte for byte


def test_table_is_laid_out_as_tabulate_simple() -> None:
    from tabulate import tabulate

    from hipaacheck.formats.table import HEADERS, _row
    from hipaacheck.model import attention_key

    results = Results.load(FIXTURE)
    results.findings[0].message = "  spaced\tout\nmessage é  "
    text = get_format("table").render(results)
    order = sorted(results.findings, key=attention_key)
    rows = [_row(f) for f in order]
    table, verdict = text.rstrip("\n").rsplit("\n", 1)
    assert table + "\n" == tabulate(rows, headers=HEADERS, tablefmt="simple", disable_numparse=True) + "\n"
    assert verdict.startswith("FAIL: ")
    assert "spaced out message é" in text
