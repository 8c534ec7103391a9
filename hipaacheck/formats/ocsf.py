"""OCSF Compliance Finding events (class 2003, category Findings): one object per finding, as a JSON array."""
from __future__ import annotations

from functools import cache
from typing import Any, BinaryIO, Iterator

from ..model import Finding
from ..results import Results, verdict_of
from .common import (STANDARD_NAME, TOOL_URI, control_views, epoch_ms, is_cloud, run_time,
                     stable_uuid, tool_version)
from .interface import OutputFormat
from .json import Stream, write_json

OCSF_VERSION = "1.3.0"
CLASS_UID = 2003
CATEGORY_UID = 2
ACTIVITY_CREATE = 1
# severity_id and its caption (the sibling ``severity`` must be the caption, OCSF 1.3.0 base event)
SEVERITIES = {"info": (1, "Informational"), "low": (2, "Low"), "medium": (3, "Medium"), "high": (4, "High"),
              "critical": (5, "Critical")}
# compliance.status_id: 1 Pass, 2 Warning (no result: missing information), 3 Fail, 99 Other
COMPLIANCE_STATUS = {"pass": (1, "Pass"), "fail": (3, "Fail"), "error": (2, "Warning"),
                     "skip": (99, "Other"), "waived": (3, "Fail"), "manual": (2, "Warning")}
# finding status_id: 1 New, 3 Suppressed, 4 Resolved
FINDING_STATUS = {"pass": (4, "Resolved"), "waived": (3, "Suppressed")}


@cache
def _product() -> dict[str, str]:
    """The same for every event (and never changed: events share it)."""
    return {"name": "hipaacheck", "vendor_name": "hipaacheck", "version": tool_version(), "url_string": TOOL_URI}


def _resource(finding: Finding) -> dict[str, Any]:
    r = finding.resource
    out: dict[str, Any] = {"uid": str(r.get("id", "")), "type": str(r.get("type", ""))}
    if r.get("item"):
        out["name"] = str(r["item"])
    if r.get("region"):
        out["region"] = r["region"]
    if r.get("account"):
        out["cloud_partition"] = "aws"
        out["owner"] = {"account": {"uid": r["account"], "type": "AWS Account", "type_id": 10}}
    return out


def event(finding: Finding, remediation: str, when: int, verdict: str) -> dict[str, Any]:
    """One Compliance Finding event; ``when`` is the run's end in epoch milliseconds, ``verdict`` the run's."""
    identity = finding.identity
    status_id, status = COMPLIANCE_STATUS[finding.status]
    finding_status_id, finding_status = FINDING_STATUS.get(finding.status, (1, "New"))
    severity_id, severity = SEVERITIES.get(finding.severity, (0, "Unknown"))
    data: dict[str, Any] = {
        "activity_id": ACTIVITY_CREATE,
        "activity_name": "Create",
        "category_uid": CATEGORY_UID,
        "category_name": "Findings",
        "class_uid": CLASS_UID,
        "class_name": "Compliance Finding",
        "type_uid": CLASS_UID * 100 + ACTIVITY_CREATE,
        "type_name": "Compliance Finding: Create",
        "time": when,
        "severity_id": severity_id,
        "severity": severity,
        "status_id": finding_status_id,
        "status": finding_status,
        "message": finding.message,
        "metadata": {
            "version": OCSF_VERSION,
            "product": _product(),
            "uid": stable_uuid("ocsf", identity),
        },
        "finding_info": {
            "uid": stable_uuid("finding", identity),
            "title": finding.title or finding.control_id,
            "desc": finding.message,
            "created_time": when,
            "types": ["Software and Configuration Checks", "HIPAA"],
        },
        "compliance": {
            "standards": [STANDARD_NAME],
            "requirements": list(finding.citations),
            "control": finding.control_id,
            "status_id": status_id,
            "status": status,
            "status_detail": finding.status,
        },
        "resources": [_resource(finding)],
        "unmapped": {"check_id": finding.check_id, "evidence": finding.evidence, "run_verdict": verdict},
    }
    if remediation:
        data["remediation"] = {"desc": remediation}
    if is_cloud(finding):
        data["cloud"] = {"provider": "AWS"}
        if finding.resource.get("region"):
            data["cloud"]["region"] = finding.resource["region"]
        if finding.resource.get("account"):
            data["cloud"]["account"] = {"uid": finding.resource["account"], "type": "AWS Account", "type_id": 10}
        data["metadata"]["profiles"] = ["cloud"]
    return data


class OcsfFormat(OutputFormat):
    name = "ocsf"
    filename = "hipaacheck-ocsf.json"

    def write(self, results: Results, out: BinaryIO) -> None:
        write_json(Stream(events(results)), out, self.pretty)


def events(results: Results) -> Iterator[dict[str, Any]]:
    """Every finding's event, in report order, made one at a time."""
    when = epoch_ms(run_time(results, "finished_at"))
    verdict = verdict_of(results).line
    for view in control_views(results):
        remediation = view.remediation
        for finding in view.findings:
            yield event(finding, remediation, when, verdict)
