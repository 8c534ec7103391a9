"""Every format shows the per-target breakdown of results covering several targets (an Organization scan of
four accounts, one of which could not be assumed); results of one target render as before."""
from __future__ import annotations

import csv
import io
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from hipaacheck.formats import get_format
from hipaacheck.results import Results

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "results"
ORG = FIXTURES / "org.json"
SINGLE = FIXTURES / "mixed.json"


def render(name: str, path: Path = ORG) -> str:
    data = get_format(name).render(Results.load(path))
    return data.decode("utf-8") if isinstance(data, bytes) else data


@pytest.fixture(scope="module")
def org() -> Results:
    return Results.load(ORG)


def test_markdown_has_a_targets_table_and_a_section_per_account(org: Results) -> None:
    text = render("markdown")
    assert "### Targets (4)" in text
    for target in org.targets:
        assert re.search(rf"^### AWS account {target.id} \({target.name}\): {target.status}$", text, re.M)
    refused = next(t for t in org.targets if t.status == "error")
    section = text.split(f"### AWS account {refused.id}")[-1].split("\n### ")[0]
    assert "#### Could not check (4)" in section and "AccessDenied" in section
    assert "### Targets" not in render("markdown", SINGLE)


def test_html_has_a_section_per_account(org: Results) -> None:
    text = render("html")
    assert text.count('<section class="target"') == 4
    for target in org.targets:
        assert f"AWS account {target.id} ({target.name})" in text
    assert 'class="target"' not in render("html", SINGLE)


def test_sarif_has_one_run_per_target_each_its_own_category(org: Results, reference_file) -> None:
    import jsonschema

    doc = json.loads(render("sarif"))
    schema = json.loads(reference_file("schemas/sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    assert [e.message for e in jsonschema.validators.validator_for(schema)(schema).iter_errors(doc)] == []
    runs = doc["runs"]
    assert [r["automationDetails"]["id"] for r in runs] == [f"hipaacheck/org-test/{t.id}/" for t in org.targets]
    for run, target in zip(runs, org.targets, strict=True):
        assert run["properties"]["target"]["id"] == target.id
        assert run["properties"]["summary"] == org.summary()["by_target"][target.key]
        assert all(r["properties"]["resource"]["account"] == target.id for r in run["results"])
    listed = sum(len(r["results"]) for r in runs)
    assert listed == sum(f.status in ("fail", "error", "waived", "manual") for f in org.findings)
    assert len(json.loads(render("sarif", SINGLE))["runs"]) == 1


def test_oscal_names_each_account_as_the_subject_of_its_observations(org: Results) -> None:
    from trestle.oscal.assessment_results import AssessmentResults

    doc = json.loads(render("oscal"))
    AssessmentResults.model_validate(doc["assessment-results"])
    result = doc["assessment-results"]["results"][0]
    items = {item["uuid"]: item for item in result["local-definitions"]["inventory-items"]}
    assert len(items) == 4
    ids = {next(p["value"] for p in item["props"] if p["name"] == "target-id") for item in items.values()}
    assert ids == {t.id for t in org.targets}
    for observation in result["observations"]:
        [subject] = observation["subjects"]
        item = items[subject["subject-uuid"]]
        assert subject["type"] == "inventory-item" and subject["title"].split()[2] in item["description"]
    assert "local-definitions" not in json.loads(render("oscal", SINGLE))["assessment-results"]["results"][0]


def test_junit_test_cases_name_their_target(org: Results) -> None:
    root = ET.fromstring(render("junit"))
    names = [case.get("name") for case in root.iter("testcase")]
    assert names and all(any(n.startswith(f"{t.key}: ") for t in org.targets) for n in names)


def test_table_ends_with_a_line_per_target(org: Results) -> None:
    lines = render("table").splitlines()
    tail = lines[-5:-1]  # then the verdict
    assert [line.split(" (")[0] for line in tail] == [f"AWS account {t.id}" for t in org.targets]
    assert any("error" in line and "AccessDenied" in line for line in tail)


def test_csv_rows_carry_the_account(org: Results) -> None:
    rows = list(csv.DictReader(io.StringIO(render("csv"))))
    assert {row["account"] for row in rows} == {t.id for t in org.targets}


@pytest.mark.parametrize("name", ["markdown", "html", "sarif", "oscal", "junit", "table", "csv"])
def test_per_target_rendering_is_order_independent(name: str) -> None:
    results = Results.load(ORG)
    first = get_format(name).render(results)
    results.findings.reverse()
    assert get_format(name).render(results) == first
