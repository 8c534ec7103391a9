"""SARIF 2.1.0: valid against the official schema; rules carry remediation and citations; locations."""
from __future__ import annotations

import json
from pathlib import Path

from hipaacheck.formats.sarif import SarifFormat
from hipaacheck.results import Results

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "results" / "mixed.json"


def render() -> dict:
    return json.loads(SarifFormat().render(Results.load(FIXTURE)))


def test_valid_against_sarif_schema(reference_file) -> None:
    import jsonschema

    schema = json.loads(reference_file("schemas/sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
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
    pseudo = cloud["locations"][0]["physicalLocation"]["artifactLocation"]
    assert pseudo["uriBaseId"] == "RESOURCES" and pseudo["uri"].startswith("aws/s3/bucket/")
    assert pseudo["uri"].endswith("/us-east-1/phi-exports")
    assert run["automationDetails"]["id"].startswith("hipaacheck/")
    assert cloud["kind"] == "fail" and cloud["level"] == "error"
    waived = by_message["bucket has no default encryption (arn:aws:s3:::public-website (us-east-1))"]
    assert waived["suppressions"][0]["justification"] == "Static public site, no ePHI"
    statuses = sorted(r["properties"]["status"] for r in run["results"])
    assert statuses == ["error", "error", "fail", "fail", "fail", "manual", "waived"]  # passes/skips counted only
    assert run["properties"]["summary"]["pass"] == 3
    assert all(r["level"] == "none" for r in run["results"] if r["kind"] != "fail")
    assert len(run["invocations"][0]["toolExecutionNotifications"]) == 2


def test_github_code_scanning_expectations() -> None:
    """docs.github.com "SARIF support for code scanning": the properties GitHub reads, and how."""
    run = render()["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    for rule in rules:
        assert rule["shortDescription"]["text"] and rule["fullDescription"]["text"] and rule["help"]["text"]
        assert len(rule["name"]) <= 255 and len(rule["fullDescription"]["text"]) <= 1024
        assert "**HIPAA Security Rule:** § " in rule["help"]["markdown"]
        assert "security" in rule["properties"]["tags"]
        score = rule["properties"].get("security-severity")
        if rule["properties"]["severity"] == "info":
            assert score is None  # 0.0 would read as "no security severity"
        else:
            assert 0.0 < float(score) <= 10.0
    hashes = [r["partialFingerprints"]["primaryLocationLineHash"] for r in run["results"]]
    assert len(set(hashes)) == len(hashes)  # GitHub tracks alerts by this key only
    again = Results.load(FIXTURE)
    again.run["started_at"] = again.run["finished_at"] = "2027-01-01T00:00:00Z"
    rerun = json.loads(SarifFormat().render(again))["runs"][0]
    assert [r["partialFingerprints"] for r in rerun["results"]] == [r["partialFingerprints"] for r in run["results"]]
    for result in run["results"]:
        assert result["ruleId"] and result["message"]["text"] and len(result["locations"]) == 1
        location = result["locations"][0]
        uri = location["physicalLocation"]["artifactLocation"]["uri"]  # GitHub lists only located results
        assert uri and not uri.startswith("/") and ":" not in uri and ".." not in uri.split("/")
        if location["physicalLocation"]["artifactLocation"]["uriBaseId"] == "RESOURCES":  # cloud or attestation
            assert location["logicalLocations"][0]["fullyQualifiedName"]
            assert not str(result["properties"]["resource"]["id"]).startswith("/")


def test_informational_rules_have_no_security_severity() -> None:
    results = Results.load(FIXTURE)
    for finding in results.findings:
        if finding.control_id == "host.login_defs.pass_max_days":
            finding.severity = "info"
    results.controls["host.login_defs.pass_max_days"]["severity"] = "info"
    rules = {r["id"]: r for r in json.loads(SarifFormat().render(results))["runs"][0]["tool"]["driver"]["rules"]}
    assert "security-severity" not in rules["host.login_defs.pass_max_days"]["properties"]
    assert rules["aws.s3.default_encryption"]["properties"]["security-severity"] == "8.0"
