"""AWS Security Finding Format: the list Security Hub's BatchImportFindings accepts.

Each finding's product ARN is the default product of the account it names (``AwsAccountId``), the only
account Security Hub takes it from: a member's finding of an Organization scan names the member. A host
or image finding names the scanned account when known, else a placeholder account that
``--securityhub-import`` replaces with the caller's.
"""
from __future__ import annotations

import re
from datetime import timezone
from typing import Any, BinaryIO, Iterator

from ..model import Finding
from ..results import Results, verdict_of
from .common import control_views, parse_time, run_time, short_hash
from .interface import OutputFormat
from .json import Stream, write_json

SCHEMA_VERSION = "2018-10-08"
PLACEHOLDER_ACCOUNT = "000000000000"
DEFAULT_REGION = "us-east-1"
FINDING_TYPE = "Software and Configuration Checks/Industry and Regulatory Standards/HIPAA Controls"
ACCOUNT_ID = re.compile(r"\d{12}")

LABELS = {"critical": "CRITICAL", "high": "HIGH", "medium": "MEDIUM", "low": "LOW", "info": "INFORMATIONAL"}
COMPLIANCE = {"pass": "PASSED", "fail": "FAILED", "waived": "FAILED", "error": "NOT_AVAILABLE",
              "skip": "NOT_AVAILABLE", "manual": "WARNING"}
WORKFLOW = {"pass": "RESOLVED", "waived": "SUPPRESSED"}
RESOURCE_TYPES = {  # hipaacheck resource type -> ASFF resource type (others are "Other")
    "aws.s3.bucket": "AwsS3Bucket", "aws.rds.db_instance": "AwsRdsDbInstance", "aws.rds.db_cluster": "AwsRdsDbCluster",
    "aws.rds.db_snapshot": "AwsRdsDbSnapshot", "aws.rds.db_cluster_snapshot": "AwsRdsDbClusterSnapshot",
    "aws.ec2.instance": "AwsEc2Instance", "aws.ec2.volume": "AwsEc2Volume", "aws.ec2.security_group": "AwsEc2SecurityGroup",
    "aws.ec2.vpc": "AwsEc2Vpc", "aws.iam.user": "AwsIamUser", "aws.iam.role": "AwsIamRole", "aws.kms.key": "AwsKmsKey",
    "aws.cloudtrail.trail": "AwsCloudTrailTrail", "aws.dynamodb.table": "AwsDynamoDbTable",
    "aws.lambda.function": "AwsLambdaFunction", "aws.efs.file_system": "AwsEfsFileSystem",
    "aws.sns.topic": "AwsSnsTopic", "aws.sqs.queue": "AwsSqsQueue",
    "aws.cloudfront.distribution": "AwsCloudFrontDistribution", "aws.backup.vault": "AwsBackupBackupVault",
    "aws.guardduty.detector": "AwsGuardDutyDetector",
    "aws.redshift.cluster": "AwsRedshiftCluster", "aws.opensearch.domain": "AwsOpenSearchServiceDomain",
}


# Length limits from the Security Hub API reference (AwsSecurityFinding, Remediation, ProductFields).
LIMITS = {"Id": 512, "GeneratorId": 512, "Title": 256, "Description": 1024, "Recommendation": 512,
          "ProductFieldKey": 128, "ProductFieldValue": 2048, "ResourceId": 512, "RelatedRequirements": 32}


def _units(text: str) -> int:
    """Length as the API counts it: UTF-16 code units (a character outside the BMP counts twice)."""
    return len(text) if text.isascii() else len(text.encode("utf-16-le")) // 2


def _clip(text: str, limit: int) -> str:
    """Non-blank (the API pattern is ``.*\\S.*``) and at most ``limit`` units, cut on a character boundary."""
    text = text.strip() or "-"
    if _units(text) <= limit:
        return text
    if text.isascii():
        return text[:limit - 1] + "…"
    kept = text.encode("utf-16-le")[:2 * (limit - 1)]
    if kept and 0xD8 <= kept[-1] <= 0xDB:  # the cut fell between the halves of a surrogate pair: drop the first half
        kept = kept[:-2]
    return kept.decode("utf-16-le") + "…"


def _timestamp(text: str) -> str:
    """RFC 3339 in UTC with a ``Z``, as Security Hub requires (a zone-less time is read as UTC)."""
    moment = parse_time(text).astimezone(timezone.utc)
    millis = f".{moment.microsecond // 1000:03d}" if moment.microsecond else ""
    return moment.strftime("%Y-%m-%dT%H:%M:%S") + millis + "Z"


def _partition(arn: str) -> str:
    parts = arn.split(":")
    return parts[1] if arn.startswith("arn:") and len(parts) > 2 and parts[1] else "aws"


def asff_finding(finding: Finding, remediation: str, target: dict[str, Any], account: str, region: str,
                 when: str, verdict: str) -> dict[str, Any]:
    """One ASFF finding; ``target`` is the run's target, ``when`` its end as an ASFF timestamp, ``verdict``
    the run's verdict line."""
    r = finding.resource
    owner = str(r.get("account") or "")
    if not ACCOUNT_ID.fullmatch(owner):  # a host or image of a fleet scan (``ssh:web1``) is not an AWS account
        host, owner = owner or target.get("host"), account
    else:
        host = target.get("host")
    resource_id = str(r.get("id", ""))
    if resource_id == "*":
        resource_id = f"{r.get('type')}/{owner}/{r.get('region') or region}"
    if not resource_id.startswith("arn:") and host:
        resource_id = f"{host}:{resource_id}"
    if r.get("item"):
        resource_id += f"#{r['item']}"
    data: dict[str, Any] = {
        "SchemaVersion": SCHEMA_VERSION,
        "Id": f"hipaacheck/{_clip(finding.control_id, LIMITS['Id'] - 64)}/"
              f"{short_hash(finding.identity + str(target.get('host', '')))}",
        # the default product of the account the finding belongs to: Security Hub takes it only from that account
        "ProductArn": f"arn:{_partition(resource_id)}:securityhub:{region}:{owner}:product/{owner}/default",
        "GeneratorId": _clip(f"hipaacheck/{finding.control_id}", LIMITS["GeneratorId"]),
        "AwsAccountId": owner,
        "Types": [FINDING_TYPE],
        "CreatedAt": when,
        "UpdatedAt": when,
        "Severity": {"Label": LABELS.get(finding.severity, "MEDIUM"), "Original": finding.severity},
        "Title": _clip(finding.title or finding.control_id, LIMITS["Title"]),
        "Description": _clip(finding.message, LIMITS["Description"]),
        "ProductFields": {key: _clip(value, LIMITS["ProductFieldValue"]) for key, value in (
            ("hipaacheck/ControlId", finding.control_id), ("hipaacheck/CheckId", finding.check_id),
            ("hipaacheck/Status", finding.status), ("hipaacheck/RunVerdict", verdict))},
        "Resources": [{"Type": RESOURCE_TYPES.get(str(r.get("type")), "Other"), "Id": _clip(resource_id, LIMITS["ResourceId"]),
                       "Partition": _partition(resource_id), "Region": str(r.get("region") or region)}],
        "Compliance": {"Status": COMPLIANCE[finding.status],
                       "RelatedRequirements": [f"HIPAA {c}" for c in finding.citations][:LIMITS["RelatedRequirements"]]},
        "Workflow": {"Status": WORKFLOW.get(finding.status, "NEW")},
        "RecordState": "ACTIVE",
    }
    if remediation:
        data["Remediation"] = {"Recommendation": {"Text": _clip(remediation, LIMITS["Recommendation"])}}
    return data


def iter_asff(results: Results, account: str | None = None, region: str | None = None) -> Iterator[dict[str, Any]]:
    """Every finding as ASFF, one at a time; ``account``/``region`` name the importing product
    (default: the scanned ones)."""
    target = results.run.get("target") or {}
    account = account or target.get("account") or PLACEHOLDER_ACCOUNT
    regions = target.get("regions") or []
    region = region or (regions[0] if regions else None) or DEFAULT_REGION
    when = _timestamp(run_time(results, "finished_at"))
    verdict = verdict_of(results).line
    for view in control_views(results):
        remediation = view.remediation
        for finding in view.findings:
            yield asff_finding(finding, remediation, target, account, region, when, verdict)


def to_asff(results: Results, account: str | None = None, region: str | None = None) -> list[dict[str, Any]]:
    return list(iter_asff(results, account, region))


class AsffFormat(OutputFormat):
    name = "asff"
    filename = "hipaacheck-asff.json"

    def write(self, results: Results, out: BinaryIO) -> None:
        write_json(Stream(iter_asff(results)), out, self.pretty)
