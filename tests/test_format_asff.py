"""ASFF and --securityhub-import: batches of 100 against moto, stored findings read back."""
from __future__ import annotations

import json
from pathlib import Path

import boto3
from moto import mock_aws

from hipaacheck.formats.asff import AsffFormat, to_asff
from hipaacheck.formats.securityhub import batch_import
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
