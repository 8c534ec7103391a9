"""SARIF 2.1.0: valid against the official schema; rules carry remediation and citations; locations."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from hipaacheck.formats.sarif import SarifFormat
from hipaacheck.results import Results

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "results" / "mixed.json"
SCHEMA = Path(__file__).resolve().parents[2] / "shared" / "reference" / "schemas" / "sarif-schema-2.1.0.json"


def render() -> dict:
    return json.loads(SarifFormat().render(Results.load(FIXTURE)))


@pytest.mark.skipif(not SCHEMA.is_file(), reason=f"SARIF schema not found at {SCHEMA} (shared reference folder absent)")
def test_valid_against_sarif_schema() -> None:
    import jsonschema

    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    validator = jsonschema.validators.validator_for(schema)(schema)
    doc = render()
    assert [e.message for e in validator.iter_errors(doc)] == []
    broken = json.loads(json.dumps(doc))
    broken["runs"][0]["results"][0]["level"] = "severe"
    assert list(validator.iter_errors(broken)), "schema check must be able to fail"


def test_rules_have_help_and_citations() -> None:
    run = render()["runs"][0]
    rules = {r["id"]: r for r in run["tool"]["driver"]["rules"]}
    rule = rules["aws.s3.default_encryption"]
    assert rule["help"]["text"].startswith("Turn on default encryption with SSE-KMS.")
    assert rule["properties"]["citations"] == ["164.312(a)(2)(iv)", "164.312(e)(2)(ii)"]
    assert rule["properties"]["designations"] == ["addressable", "addressable"]
    for result in run["results"]:
        assert run["tool"]["driver"]["rules"][result["ruleIndex"]]["id"] == result["ruleId"]


def test_locations_and_kinds() -> None:
    run = render()["runs"][0]
    by_message = {r["message"]["text"]: r for r in run["results"]}
    host = by_message["PASS_MAX_DAYS is 99999, above 365 (/etc/login.defs)"]
    physical = host["locations"][0]["physicalLocation"]
    assert physical["artifactLocation"] == {"uri": "etc/login.defs", "uriBaseId": "HOSTROOT"}
    assert physical["region"] == {"startLine": 25}
    cloud = by_message["bucket has no default encryption (arn:aws:s3:::phi-exports (us-east-1))"]
    assert cloud["locations"][0]["logicalLocations"][0]["fullyQualifiedName"] == "arn:aws:s3:::phi-exports"
    assert cloud["kind"] == "fail" and cloud["level"] == "error"
    waived = by_message["bucket has no default encryption (arn:aws:s3:::public-website (us-east-1))"]
    assert waived["suppressions"][0]["justification"] == "Static public site, no ePHI"
    statuses = sorted(r["properties"]["status"] for r in run["results"])
    assert statuses == ["error", "error", "fail", "fail", "fail", "manual", "waived"]  # passes/skips counted only
    assert run["properties"]["summary"]["pass"] == 3
    assert all(r["level"] == "none" for r in run["results"] if r["kind"] != "fail")
    assert len(run["invocations"][0]["toolExecutionNotifications"]) == 2
