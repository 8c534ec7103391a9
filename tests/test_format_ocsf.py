"""OCSF Compliance Finding (class 2003): the fields and enums SIEMs key on."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from hipaacheck.formats.ocsf import OCSF_VERSION, OcsfFormat
from hipaacheck.results import Results

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "results" / "mixed.json"


def test_one_compliance_finding_per_finding() -> None:
    results = Results.load(FIXTURE)
    events = json.loads(OcsfFormat().render(results))
    assert len(events) == len(results.findings)
    for event in events:
        assert (event["class_uid"], event["category_uid"], event["type_uid"]) == (2003, 2, 200301)
        assert event["metadata"]["product"]["name"] == "hipaacheck" and event["metadata"]["version"]
        assert event["finding_info"]["uid"] and event["finding_info"]["title"]
        assert event["compliance"]["standards"] and event["compliance"]["control"]
        assert event["resources"][0]["uid"]
        assert event["time"] == 1772330490000  # the run's finished_at, not the clock
    assert len({e["finding_info"]["uid"] for e in events}) == len(events)


def test_status_and_severity_mapping() -> None:
    events = json.loads(OcsfFormat().render(Results.load(FIXTURE)))
    by = {(e["compliance"]["control"], e["resources"][0]["uid"]): e for e in events}
    failed = by[("aws.s3.default_encryption", "arn:aws:s3:::phi-exports")]
    assert failed["compliance"]["status_id"] == 3 and failed["severity_id"] == 4 and failed["status_id"] == 1
    assert failed["compliance"]["requirements"] == ["164.312(a)(2)(iv)", "164.312(e)(2)(ii)"]
    assert failed["cloud"]["account"]["uid"] == "123456789012" and failed["remediation"]["desc"]
    passed = by[("aws.s3.default_encryption", "arn:aws:s3:::phi-archive")]
    assert passed["compliance"]["status_id"] == 1 and passed["status_id"] == 4
    waived = by[("aws.s3.default_encryption", "arn:aws:s3:::public-website")]
    assert waived["status_id"] == 3  # suppressed
    error = by[("aws.cloudtrail.multi_region", "*")]
    assert error["compliance"]["status_id"] == 2 and error["severity_id"] == 5  # never reported as a pass
    host = by[("host.login_defs.pass_max_days", "/etc/login.defs")]
    assert "cloud" not in host


@pytest.fixture(scope="module")
def compliance_finding_schemas() -> dict[bool, object]:
    """OCSF 1.3.0 Compliance Finding JSON Schemas (with and without the cloud profile), from ocsf-json-schema."""
    import jsonschema
    from ocsf_json_schema import OcsfJsonSchemaEmbedded, get_ocsf_schema

    schema = OcsfJsonSchemaEmbedded(get_ocsf_schema(version=OCSF_VERSION))
    name = schema.lookup_class_name_from_uid(class_uid=2003)
    out = {}
    for cloud in (False, True):
        document = schema.get_class_schema(class_name=name, profiles=["cloud"] if cloud else [])
        out[cloud] = jsonschema.validators.validator_for(document)(document)
    return out


def test_valid_against_the_ocsf_schema(compliance_finding_schemas) -> None:
    events = json.loads(OcsfFormat().render(Results.load(FIXTURE)))
    assert {bool(e["metadata"].get("profiles")) for e in events} == {False, True}  # both shapes exercised
    for event in events:
        validator = compliance_finding_schemas["cloud" in event.get("metadata", {}).get("profiles", [])]
        errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(event)]
        assert errors == [], event["compliance"]["control"]
    broken = json.loads(json.dumps(events[0]))
    broken["compliance"]["status_id"] = 7
    del broken["finding_info"]["uid"]
    validator = compliance_finding_schemas["cloud" in broken["metadata"].get("profiles", [])]
    assert len(list(validator.iter_errors(broken))) == 2, "schema check must be able to fail"


def test_captions_match_their_ids() -> None:
    """Every ``*_id`` enum has a sibling caption that OCSF fixes (the schema checks ids, not captions)."""
    results = Results.load(FIXTURE)
    results.findings[0].severity = "info"
    events = json.loads(OcsfFormat().render(results))
    severities = {1: "Informational", 2: "Low", 3: "Medium", 4: "High", 5: "Critical"}
    statuses = {1: "New", 3: "Suppressed", 4: "Resolved"}
    compliance = {1: "Pass", 2: "Warning", 3: "Fail", 99: "Other"}
    assert 1 in {e["severity_id"] for e in events}
    for event in events:
        assert event["severity"] == severities[event["severity_id"]]
        assert event["status"] == statuses[event["status_id"]]
        assert event["compliance"]["status"] == compliance[event["compliance"]["status_id"]]
        assert event["type_uid"] == event["class_uid"] * 100 + event["activity_id"]
