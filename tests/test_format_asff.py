"""ASFF and --securityhub-import: batches of 100 against moto, stored findings read back."""
from __future__ import annotations

import json
import re
from pathlib import Path

import boto3
from moto import mock_aws

from hipaacheck.formats.asff import AsffFormat, to_asff
from hipaacheck.exporters.securityhub import batch_import
from hipaacheck.model import Finding
from hipaacheck.results import Results

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "results" / "mixed.json"


def many(count: int) -> Results:
    base = Results.load(FIXTURE)
    base.findings = [Finding("aws.s3.default_encryption", "aws.s3.default_encryption", "fail", "high",
                             {"type": "aws.s3.bucket", "id": f"arn:aws:s3:::bucket-{i:04d}", "region": "us-east-1",
                              "account": "123456789012"}, ["164.312(a)(2)(iv)"], "no default encryption", {})
                     for i in range(count)]
    return base


def test_fields() -> None:
    findings = json.loads(AsffFormat().render(Results.load(FIXTURE)))
    by_id = {f["Resources"][0]["Id"]: f for f in findings}
    bucket = by_id["arn:aws:s3:::phi-exports"]
    assert bucket["ProductArn"] == "arn:aws:securityhub:us-east-1:123456789012:product/123456789012/default"
    assert bucket["Compliance"] == {"Status": "FAILED", "RelatedRequirements": ["HIPAA 164.312(a)(2)(iv)",
                                                                                 "HIPAA 164.312(e)(2)(ii)"]}
    assert bucket["Resources"][0]["Type"] == "AwsS3Bucket" and bucket["Severity"]["Label"] == "HIGH"
    assert by_id["arn:aws:s3:::public-website"]["Workflow"]["Status"] == "SUPPRESSED"
    statuses = {f["ProductFields"]["hipaacheck/Status"]: f["Compliance"]["Status"] for f in findings}
    assert statuses["error"] == "NOT_AVAILABLE" and statuses["pass"] == "PASSED"
    assert len({f["Id"] for f in findings}) == len(findings)
    assert all(len(f["Description"]) <= 1024 and len(f["Title"]) <= 256 for f in findings)


@mock_aws
def test_batch_import_in_batches_of_100() -> None:
    client = boto3.client("securityhub", region_name="us-east-1")
    client.enable_security_hub()
    calls: list[int] = []
    client.meta.events.register("provide-client-params.securityhub.BatchImportFindings",
                                lambda params, **_: calls.append(len(params["Findings"])))
    findings = to_asff(many(250))
    report = batch_import(client, findings)
    assert calls == [100, 100, 50] and report.batches == 3
    assert report.imported == 250 and report.failed == []
    stored = [f for page in client.get_paginator("get_findings").paginate() for f in page["Findings"]]
    assert sorted(f["Id"] for f in stored) == sorted(f["Id"] for f in findings)


@mock_aws
def test_scan_flag_imports_under_the_callers_account(cli, tmp_path: Path) -> None:
    root = tmp_path / "root"
    (root / "etc").mkdir(parents=True)
    (root / "etc" / "login.defs").write_text("PASS_MAX_DAYS 99999\n")
    boto3.client("securityhub", region_name="us-east-1").enable_security_hub()
    result = cli("scan", "--root", root, "--format", "json", "--securityhub-import", "--regions", "us-east-1")
    assert result.code in (0, 1, 3), result.err
    assert "Security Hub: imported" in result.err
    count = len(result.json()["findings"])
    stored = boto3.client("securityhub", region_name="us-east-1").get_findings(MaxResults=100)["Findings"]
    assert len(stored) == count > 0
    assert all(f["ProductArn"].endswith(":product/123456789012/default") for f in stored)


# Required top-level attributes: AWS Security Hub User Guide, "Required top-level ASFF attributes";
# length limits: Security Hub API reference (AwsSecurityFinding, Recommendation, ProductFields).
REQUIRED = {"AwsAccountId", "CreatedAt", "Description", "GeneratorId", "Id", "ProductArn", "Resources",
            "SchemaVersion", "Severity", "Title", "Types", "UpdatedAt"}
MAX_UNITS = {("Title",): 256, ("Description",): 1024, ("Id",): 512, ("GeneratorId",): 512,
             ("Remediation", "Recommendation", "Text"): 512}
TYPE_NAMESPACES = {"Software and Configuration Checks", "TTPs", "Effects", "Unusual Behaviors",
                   "Sensitive Data Identifications"}
RFC3339_UTC = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?Z$")


def units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def model_problems(value, shape, path: str) -> list[str]:
    """Check a value against botocore's Security Hub model: required members, enums, non-blank strings."""
    problems = []
    if shape.type_name == "structure":
        problems += [f"{path}.{name} missing" for name in shape.required_members if name not in value]
        for name, item in value.items():
            if name not in shape.members:
                problems.append(f"{path}.{name} not in the model")
            else:
                problems += model_problems(item, shape.members[name], f"{path}.{name}")
    elif shape.type_name == "list":
        for i, item in enumerate(value):
            problems += model_problems(item, shape.member, f"{path}[{i}]")
    elif shape.type_name == "map":
        for key, item in value.items():
            problems += model_problems(item, shape.value, f"{path}.{key}")
    elif shape.type_name == "string":
        if not isinstance(value, str) or not value.strip():
            problems.append(f"{path} blank or not a string")
        elif shape.enum and value not in shape.enum:
            problems.append(f"{path}={value!r} not one of {shape.enum}")
    return problems


def spec_problems(finding: dict) -> list[str]:
    model = boto3.session.Session().client("securityhub", region_name="us-east-1").meta.service_model
    problems = model_problems(finding, model.shape_for("AwsSecurityFinding"), "$")
    problems += [f"{name} missing" for name in REQUIRED - set(finding)]
    for path, limit in MAX_UNITS.items():
        value = finding
        for key in path:
            value = value.get(key, {}) if isinstance(value, dict) else {}
        if isinstance(value, str) and units(value) > limit:
            problems.append(f"{'.'.join(path)} is {units(value)} > {limit}")
    if finding.get("SchemaVersion") != "2018-10-08":
        problems.append("SchemaVersion")
    if not re.fullmatch(r"\d{12}", finding.get("AwsAccountId", "")):
        problems.append("AwsAccountId is not 12 digits")
    if not re.fullmatch(r"arn:aws[a-z-]*:securityhub:[a-z0-9-]+:(\d{12}):product/\1/default", finding.get("ProductArn", "")):
        problems.append("ProductArn is not the account's default product")
    for kind in finding.get("Types", []):
        parts = kind.split("/")
        if not 1 <= len(parts) <= 3 or parts[0] not in TYPE_NAMESPACES:
            problems.append(f"Types {kind!r} not namespace/category/classifier")
    for key in ("CreatedAt", "UpdatedAt"):
        if not RFC3339_UTC.match(finding.get(key, "")):
            problems.append(f"{key} {finding.get(key)!r} not RFC 3339 UTC")
    fields = finding.get("ProductFields", {})
    if len(fields) > 50 or any(units(k) > 128 or units(v) > 2048 for k, v in fields.items()):
        problems.append("ProductFields over its limits")
    if len(finding.get("Resources", [])) > 32 or len(finding.get("Compliance", {}).get("RelatedRequirements", [])) > 32:
        problems.append("more than 32 Resources or RelatedRequirements")
    return problems


def test_every_finding_meets_the_asff_spec() -> None:
    findings = to_asff(Results.load(FIXTURE))
    assert {f["Compliance"]["Status"] for f in findings} == {"PASSED", "FAILED", "WARNING", "NOT_AVAILABLE"}
    for finding in findings:
        assert spec_problems(finding) == [], finding["Id"]
    broken = dict(findings[0], Title=" ", CreatedAt="2026-03-01T02:00:00", Types=["HIPAA"])
    del broken["Severity"]
    assert len(spec_problems(broken)) == 4, "the spec check must be able to fail"


def test_long_blank_and_wide_text_is_clipped_within_limits() -> None:
    results = Results.load(FIXTURE)
    wide = "\U0001F512"  # outside the BMP: two UTF-16 units, as the API counts length
    results.findings = [Finding("c." + "x" * 600, "c.check", "fail", "high",
                                {"type": "host.file", "id": "/etc/" + "p" * 600, "item": "i"}, ["164.312(d)"] * 40,
                                wide * 700, {}, title=wide * 200)]
    results.controls = {}
    results.run["finished_at"] = "2026-03-01T02:01:30.250000"  # zone-less: read as UTC
    finding = to_asff(results)[0]
    assert spec_problems(finding) == []
    assert finding["Title"].endswith("…") and finding["Title"].startswith(wide)
    assert units(finding["Description"]) <= 1024 and finding["Description"][-2] == wide  # never half a pair
    assert finding["CreatedAt"] == finding["UpdatedAt"] == "2026-03-01T02:01:30.250Z"
    blank = Results.load(FIXTURE)
    blank.findings = [Finding("c.x", "c.x", "fail", "high", {"type": "t", "id": "i"}, [], "  \n ", {}, title=" ")]
    assert spec_problems(to_asff(blank)[0]) == []


def test_resource_type_map_names_only_types_the_aws_source_collects() -> None:
    from hipaacheck.formats.asff import RESOURCE_TYPES
    from hipaacheck.sources.aws.registry import load_collectors

    assert set(RESOURCE_TYPES) <= set(load_collectors()), set(RESOURCE_TYPES) - set(load_collectors())


def test_fleet_hosts_keep_the_account_id_an_aws_account() -> None:
    """In a fleet scan a host's findings carry its target key in the account slot (``ssh:web1``); ASFF's
    AwsAccountId must stay a 12-digit account, and the resource names the host instead."""
    base = Results.load(FIXTURE)
    base.findings = [Finding("host.sshd.permit_root_login", "attribute", "fail", "high",
                             {"type": "host.sshd.config", "id": "/etc/ssh/sshd_config", "account": f"ssh:web{i}"},
                             ["164.312(a)(1)"], "PermitRootLogin yes", {}) for i in (1, 2)]
    findings = json.loads(AsffFormat().render(base))
    assert {f["AwsAccountId"] for f in findings} == {"123456789012"}
    assert sorted(f["Resources"][0]["Id"] for f in findings) == [
        "ssh:web1:/etc/ssh/sshd_config", "ssh:web2:/etc/ssh/sshd_config"]
    assert len({f["Id"] for f in findings}) == 2


@mock_aws
def test_findings_of_another_account_are_not_imported_and_say_why(tmp_path: Path) -> None:
    from hipaacheck.exporters.securityhub import import_results
    from hipaacheck.sources import SourceSpec

    results = many(3)
    other = "210987654321"
    results.findings[0].resource = {**results.findings[0].resource, "account": other}
    hub = boto3.client("securityhub", region_name="us-east-1")
    hub.enable_security_hub()
    report = import_results(results, SourceSpec.of("aws", {"regions": "us-east-1"}))
    assert report.imported == 2 and not report.failed
    assert report.unreached == {other: (1, "not the caller's account (123456789012); an Organization scan "
                                           "imports into each member through its --org-role")}
    assert {f["AwsAccountId"] for f in hub.get_findings(MaxResults=100)["Findings"]} == {"123456789012"}


@mock_aws
def test_a_refused_import_is_reported_with_its_count_not_raised(monkeypatch) -> None:
    from aws_helpers import deny, hook_events

    from hipaacheck.exporters.securityhub import import_results
    from hipaacheck.sources import SourceSpec

    hook_events(monkeypatch, "before-call", deny(["BatchImportFindings"], code="InvalidAccessException", status=401,
                                                 message="Account is not subscribed to AWS Security Hub"))
    report = import_results(many(150), SourceSpec.of("aws", {"regions": "us-east-1"}))
    assert report.imported == 0 and report.batches == 0
    assert report.unreached == {"123456789012": (150, "securityhub:BatchImportFindings: InvalidAccessException: "
                                                      "Account is not subscribed to AWS Security Hub")}
