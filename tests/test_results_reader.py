"""Loading a results file finding by finding: the same Results as parsing it whole, in any JSON layout,
the same one-line errors for bad input, and shared values that mutation never leaks through."""
from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from hipaacheck import yamlio
from hipaacheck.errors import InputError
from hipaacheck.results import Results
from hipaacheck.targets import Target, TargetStatus, give_slot
from hipaacheck.validation import load_versioned_json
from hipaacheck.waivers import Waiver, apply_waivers

FIXTURES = Path(__file__).resolve().parent / "fixtures"
MIXED = FIXTURES / "results" / "mixed.json"  # an AWS account's results, with regions and accounts


@pytest.fixture(scope="module")
def host_document(tmp_path_factory) -> dict[str, Any]:
    """The results of a real scan of the noncompliant host tree (locations, items, a target)."""
    from hipaacheck.cli import main

    out = tmp_path_factory.mktemp("scan")
    code = main(["scan", "--source", "host", "--root", str(FIXTURES / "host" / "noncompliant"), "--format", "json",
                 "--output-dir", str(out), "--quiet"])
    assert code in (1, 3)
    return json.loads((out / "hipaacheck-results.json").read_text())


def write(tmp_path: Path, text: str | bytes, name: str = "results.json") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode() if isinstance(text, str) else text)
    return path


def whole(text: str) -> Results:
    """What loading a results file meant before: parse the whole document, then convert."""
    return Results.from_dict(json.loads(text))


def error_of(path: Path) -> InputError:
    with pytest.raises(InputError) as caught:
        Results.load(path)
    return caught.value


def old_error_of(path: Path) -> InputError:
    """The error the whole-document loader gives (inventories still load that way)."""
    with pytest.raises(InputError) as caught:
        load_versioned_json(path, "results", "1.1")
    return caught.value


def test_a_real_scan_loads_to_the_same_results_as_parsing_it_whole(tmp_path, host_document) -> None:
    text = json.dumps(host_document, separators=(",", ":"))
    loaded = Results.load(write(tmp_path, text))
    assert len(loaded.findings) > 20 and any(f.location for f in loaded.findings)
    assert loaded == whole(text)
    assert loaded.to_dict() == host_document | {"tool": loaded.to_dict()["tool"]}


def test_an_aws_results_fixture_loads_to_the_same_results(tmp_path) -> None:
    assert Results.load(MIXED) == whole(MIXED.read_text())


def reordered(document: dict[str, Any]) -> dict[str, Any]:
    """Findings first, every other key in reverse order, each finding's keys reversed too."""
    findings = [dict(reversed(f.items())) for f in document["findings"]]
    return {"findings": findings, **dict(reversed([(k, v) for k, v in document.items() if k != "findings"]))}


@pytest.mark.parametrize("layout", ["compact", "pretty", "reordered", "whitespace", "tabs"])
def test_every_json_layout_loads_the_same(tmp_path, host_document, layout) -> None:
    text = {"compact": lambda d: json.dumps(d, separators=(",", ":")),
            "pretty": lambda d: json.dumps(d, indent=2),
            "reordered": lambda d: json.dumps(reordered(d)),
            "whitespace": lambda d: " \r\n " + json.dumps(d, indent="\t\r\n ", separators=(" \n, ", " \t: ")) + "\n\n",
            "tabs": lambda d: json.dumps(d, indent="\t", ensure_ascii=False)}[layout](host_document)
    assert Results.load(write(tmp_path, text)) == whole(text)


@pytest.mark.parametrize("first", [slice(5, 8), "invalid"])
def test_of_duplicate_top_level_keys_the_last_counts_as_json_keeps_it(tmp_path, host_document, first) -> None:
    rest = json.dumps({k: v for k, v in host_document.items() if k != "findings"})[1:-1]
    earlier = json.dumps([{"not": "a finding"}] if first == "invalid" else host_document["findings"][first])
    last = json.dumps(host_document["findings"][:5])
    text = f'{{"findings": {earlier}, "run": {{}}, {rest}, "findings": {last}}}'
    loaded = Results.load(write(tmp_path, text))
    assert len(loaded.findings) == 5 and loaded == whole(text)


def findings_text(document: dict[str, Any]) -> tuple[str, int]:
    """The document indented by one, and the line of its third finding's ``"status"``."""
    text = json.dumps(document, indent=1)
    lines = text.splitlines()
    start = lines.index(' "findings": [')
    return text, [n for n, line in enumerate(lines, 1) if n > start and line.startswith('   "status"')][2]


def in_findings(old: str, new: str, count: int = 1) -> Any:
    """Replace ``old`` by ``new`` (``count`` times) inside the findings array of a document indented by one."""
    def edit(text: str) -> str:
        start = text.index('"findings": [')
        return text[:start] + text[start:].replace(old, new, count)
    return edit


BROKEN = {  # what breaks the third finding's status line, and json's own words for it
    "missing comma": (lambda line: line.replace(",", ""), "Expecting ',' delimiter"),
    "missing colon": (lambda line: line.replace(":", ""), "Expecting ':' delimiter"),
    "bare word": (lambda line: line.replace('"status":', "status:"), "Expecting property name enclosed in double quotes"),
    "closer": (lambda line: line + "]", "Expecting property name enclosed in double quotes"),
    "control character": (lambda line: line.replace('"', '"\x01', 1), "Invalid control character at"),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_invalid_json_inside_a_finding_names_its_line_as_before(tmp_path, host_document, case) -> None:
    text, line = findings_text(host_document)
    lines = text.splitlines()
    breaking, words = BROKEN[case]
    lines[line - 1] = breaking(lines[line - 1])
    path = write(tmp_path, "\n".join(lines))
    error = error_of(path)
    assert error.where in (f"{path}:{line}", f"{path}:{line + 1}") and error.problem.startswith(f"invalid JSON: {words}")
    assert (error.where, error.problem) == (old_error_of(path).where, old_error_of(path).problem)


DEEP = "[" * 100 + "]" * 100  # with the document, its findings array and the finding: 103 levels


@pytest.mark.parametrize("case, text, line, words", [
    ("truncated", lambda t: t[:len(t) // 2], None, "invalid JSON: "),
    ("trailing comma in findings", in_findings("}\n ]", "},\n ]"), None, "invalid JSON: Expecting value"),
    ("comma between findings", in_findings("},\n  {", "}\n  {"), None, "invalid JSON: Expecting ',' delimiter"),
    ("semicolon between findings", in_findings("},\n  {", "};\n  {"), None, "invalid JSON: Expecting ',' delimiter"),
    ("equals sign after a key", lambda t: t.replace('"run": ', '"run"= ', 1), 8, "invalid JSON: Expecting ':' delimiter"),
    ("key opened by an apostrophe", lambda t: t.replace('"run": ', "'run\": ", 1), 8,
     "invalid JSON: Expecting property name enclosed in double quotes"),
    ("closed by a brace", in_findings("}\n ]", "}\n }"), None, "invalid JSON: Expecting ',' delimiter"),
    ("trailing comma at the top", lambda t: t[:t.rindex("}")] + ",\n}", None, "invalid JSON: Expecting property name"),
    ("extra data", lambda t: t + "\n{}", None, "invalid JSON: Extra data"),
    ("empty", lambda t: "  \n", 2, "invalid JSON: Expecting value"),
    ("byte order mark", lambda t: "\ufeff" + t, 1, "invalid JSON: Unexpected UTF-8 BOM"),
    ("a list", lambda t: "[" + t + "]", 1, "$: the value must be a mapping, not a list"),
    ("findings not a list", lambda t: t[:t.rindex("}")] + ', "findings": {}}', None,
     "$.findings: findings must be a list, not a mapping"),
    ("too deep", in_findings('"message": ', f'"deep": {DEEP}, "message": '), None,
     "invalid JSON: nested deeper than 100 levels"),
    ("too deep, then a syntax error", lambda t: in_findings('"message": ', f'"deep": {DEEP}, "message": ')(t)[:-3],
     None, "invalid JSON: Expecting"),
    ("over-long integer", in_findings('"message": ', '"n": ' + "9" * 5000 + ', "message": ', 2), None,
     "invalid JSON: Exceeds the limit (4300 digits) for integer string conversion"),
])
def test_bad_json_is_one_error_naming_file_and_line_as_before(tmp_path, host_document, case, text, line, words) -> None:
    path = write(tmp_path, text(json.dumps(host_document, indent=1)))
    error, old = error_of(path), old_error_of(path)
    assert (error.where, error.problem) == (old.where, old.problem)
    assert error.problem.startswith(words), error.problem
    if line is not None:
        assert error.where == f"{path}:{line}"


def test_text_that_is_not_utf8_is_refused_as_before(tmp_path, host_document) -> None:
    path = write(tmp_path, json.dumps(host_document).encode().replace(b'"message": "', b'"message": "\xff', 1))
    error = error_of(path)
    assert (error.where, error.problem) == (str(path), "not UTF-8 text")


@pytest.mark.parametrize("pretty", [True, False])
def test_an_invalid_finding_names_its_index_line_and_field(tmp_path, host_document, pretty) -> None:
    document = json.loads(json.dumps(host_document))
    document["findings"][3]["severity"] = "severe"
    text = json.dumps(document, indent=2 if pretty else None)
    path = write(tmp_path, text)
    line = next(n for n, t in enumerate(text.splitlines(), 1) if '"severe"' in t)
    error = error_of(path)
    assert error.where == f"{path}:{line}"
    assert error.problem == "$.findings[3].severity: severity must be one of: critical, high, medium, low, info"
    assert (error.where, error.problem) == (old_error_of(path).where, old_error_of(path).problem)
    document["findings"][7] = 12  # a later invalid finding: the first in the file is the one reported
    assert error_of(write(tmp_path, json.dumps(document, indent=2 if pretty else None))).where == error.where


def test_a_finding_that_is_not_an_object_reads_as_before(tmp_path, host_document) -> None:
    document = json.loads(json.dumps(host_document))
    document["findings"][2] = "text"
    path = write(tmp_path, json.dumps(document, indent=1))
    error, old = error_of(path), old_error_of(path)
    assert error.problem == "$.findings[2]: findings must be a mapping, not text"
    assert (error.where, error.problem) == (old.where, old.problem)


def test_json_errors_after_an_invalid_finding_come_first_as_json_finds_them(tmp_path, host_document) -> None:
    document = json.loads(json.dumps(host_document))
    document["findings"][1]["status"] = "bogus"
    path = write(tmp_path, json.dumps(document, indent=1) + "]")
    assert error_of(path).problem == "invalid JSON: Extra data"


def test_the_rest_of_the_document_is_still_validated(tmp_path, host_document) -> None:
    document = json.loads(json.dumps(host_document))
    document["run"]["source"] = "mainframe"
    del document["summary"]["by_status"]
    path = write(tmp_path, json.dumps(document, indent=1))
    error, old = error_of(path), old_error_of(path)
    assert error.problem.startswith("$.") and (error.where, error.problem) == (old.where, old.problem)
    document = json.loads(json.dumps(host_document))
    del document["findings"]
    assert error_of(write(tmp_path, json.dumps(document))).problem == "$: findings is required here"


def test_an_unsupported_major_version_is_refused(tmp_path, host_document) -> None:
    path = write(tmp_path, json.dumps(host_document | {"schema_version": "2.0"}))
    assert error_of(path).problem == "unsupported results version '2.0' (this hipaacheck reads 1.1)"


def twins(tmp_path: Path) -> Results:
    """Two failures of one control on one resource (only their items differ) and a third finding."""
    finding = {"control_id": "aws.s3.x", "check_id": "c", "title": "Buckets are encrypted", "status": "fail",
               "severity": "high", "resource": {"type": "aws.s3.bucket", "id": "bucket", "region": "us-east-1"},
               "citations": ["164.312(b)"], "message": "no default encryption", "evidence": {"observed": {"a": [1]}}}
    other = finding | {"control_id": "aws.s3.y", "evidence": {"observed": {"a": [1.0]}}}
    document = json.loads(MIXED.read_text()) | {"findings": [finding, dict(finding), other]}
    return Results.load(write(tmp_path, json.dumps(document)))


def test_equal_values_are_shared_between_loaded_findings(tmp_path) -> None:
    first, second, other = twins(tmp_path).findings
    assert first.resource is second.resource and first.citations is second.citations
    assert first.evidence is second.evidence and first.title is other.title and first.message is other.message
    assert type(other.evidence["observed"]["a"][0]) is float and other.evidence is not first.evidence
    assert first.extra is not second.extra


def test_waiving_or_stamping_one_finding_leaves_its_twin_alone(tmp_path) -> None:
    first, second, other = twins(tmp_path).findings
    waiver = Waiver("aws.s3.x", "accepted for the pilot", "ciso", date(2099, 1, 1))
    apply_waivers([first], [waiver], date(2026, 1, 1))
    assert first.status == "waived" and "waiver" in first.extra
    assert second.status == "fail" and second.extra == {}
    give_slot([second], Target("aws-account", "1", "1", TargetStatus.SCANNED))
    assert second.resource["account"] == "1" and "account" not in first.resource
    assert first.to_dict()["resource"] == {"type": "aws.s3.bucket", "id": "bucket", "region": "us-east-1"}


@pytest.mark.parametrize("text", [b'["\\\\"]', b'"\\\\\\"[[["', b'[[["\\"]]"]]]', b"[[[[[[]]]]]]", b'{"a": "\\\\\\\\"}'])
def test_nesting_is_counted_the_same_in_any_size_of_piece(monkeypatch, text) -> None:
    expected = {limit: yamlio.json_too_deep(text, limit) for limit in range(1, 8)}
    for size in range(1, len(text) + 1):
        monkeypatch.setattr(yamlio, "JSON_CHUNK", size)
        assert {limit: yamlio.json_too_deep(text, limit) for limit in range(1, 8)} == expected


def test_what_the_walk_cannot_read_but_json_can_still_loads_whole(tmp_path, host_document, monkeypatch) -> None:
    from hipaacheck import results_reader

    def refuse(text: str) -> None:
        raise ValueError("a layout the walk does not know")

    monkeypatch.setattr(results_reader, "_walk", refuse)
    text = json.dumps(host_document)
    assert Results.load(write(tmp_path, text)) == whole(text)
