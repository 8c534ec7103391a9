"""SARIF 2.1.0 for code-scanning UIs: rules are controls, results are the findings worth a look.

Failures are ``kind: fail``; waived failures carry an accepted suppression;
errors are ``kind: open`` (the tool could not decide) and also appear as
execution notifications; manual controls are ``kind: review``. Passes and skips
are counted in the run's properties, not listed (a scanning UI shows every result).

GitHub code scanning (docs.github.com, "SARIF support for code scanning") shows
only results with a ``physicalLocation`` and matches alerts across runs by
``partialFingerprints.primaryLocationLineHash`` alone. Host findings point at the
file under the scanned root (a relative URI). Cloud and attestation findings
carry the resource as a logical location plus a pseudo-path built from it
(``aws/s3/bucket/123456789012/us-east-1/phi-exports``, under ``uriBaseId``
RESOURCES), the way container scanners name an image, so code-scanning UIs that
list only located results show cloud findings too. ``automationDetails.id``
names the profile and target, so scans of several hosts or accounts uploaded to
one repository keep separate alert sets. Both carry a stable ``primaryLocationLineHash``
derived from the finding's identity, never from file contents.
"""
from __future__ import annotations

import re
from typing import Any, BinaryIO

from ..model import Finding
from ..results import Results, verdict_of
from .common import (TOOL_URI, ControlView, control_views, designations_of, resource_label,
                     run_time, safeguards_of, short_hash, tool_version)
from .interface import OutputFormat
from .json import Stream, write_json

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
LEVELS = {"critical": "error", "high": "error", "medium": "warning", "low": "note", "info": "note"}
# GitHub: over 9.0 critical, 7.0-8.9 high, 4.0-6.9 medium, 0.1-3.9 low; 0.0 means "no security severity",
# so informational rules carry none.
SECURITY_SEVERITY = {"critical": "9.5", "high": "8.0", "medium": "5.5", "low": "3.0"}
KINDS = {"fail": "fail", "waived": "fail", "error": "open", "manual": "review"}
ROOT_ID = "HOSTROOT"
RESOURCES_ID = "RESOURCES"
UNSAFE_IN_PATH = re.compile(r"[^A-Za-z0-9._@+-]")


def _help_markdown(view: ControlView, help_text: str) -> str:
    citations = ", ".join(f"§ {c}" for c in view.citations) or "none recorded"
    parts = [f"**{view.title or view.id}**", view.description, f"**HIPAA Security Rule:** {citations}",
             "**Remediation**", help_text]
    return "\n\n".join(p for p in parts if p)


def _rule(view: ControlView) -> dict[str, Any]:
    help_text = view.remediation or "No remediation recorded for this control."
    rule: dict[str, Any] = {
        "id": view.id,
        "name": "".join(part.capitalize() for part in view.id.replace("-", "_").replace(".", "_").split("_")),
        "shortDescription": {"text": view.title or view.id},
        "fullDescription": {"text": view.description or view.title or view.id},
        "help": {"text": help_text, "markdown": _help_markdown(view, help_text)},
        "defaultConfiguration": {"level": LEVELS.get(view.severity, "warning")},
        "properties": {
            "tags": ["security", "compliance", "hipaa"],
            "precision": "very-high",
            "severity": view.severity,
            "citations": list(view.citations),
            "safeguards": safeguards_of(view.citations),
            "designations": designations_of(view.citations),
        },
    }
    if view.severity in SECURITY_SEVERITY:
        rule["properties"]["security-severity"] = SECURITY_SEVERITY[view.severity]
    return rule


def _location(finding: Finding) -> dict[str, Any]:
    resource_id = str(finding.resource.get("id", ""))
    path = finding.location.path if finding.location and finding.location.path else None
    if path is None and resource_id.startswith("/"):
        path = resource_id
    if path is not None:
        physical: dict[str, Any] = {"artifactLocation": {"uri": path.lstrip("/"), "uriBaseId": ROOT_ID}}
        if finding.location and finding.location.line:
            physical["region"] = {"startLine": finding.location.line}
        return {"physicalLocation": physical}
    if resource_id == "*":  # a whole resource type in an account/region could not be listed
        r = finding.resource
        resource_id = ":".join(str(r.get(k) or "-") for k in ("type", "account", "region"))
        name = "all"
    else:
        name = resource_id.rsplit(":", 1)[-1].rsplit("/", 1)[-1] or resource_id
    logical = {"fullyQualifiedName": resource_id, "kind": "resource", "name": name}
    uri = _pseudo_path(finding.resource, name)
    return {"physicalLocation": {"artifactLocation": {"uri": uri, "uriBaseId": RESOURCES_ID}},
            "logicalLocations": [logical]}


def _pseudo_path(resource: dict[str, Any], name: str) -> str:
    """A file-like name for a cloud resource: type parts, account, region, then its own name."""
    parts = [*str(resource.get("type") or "resource").split("."), resource.get("account"), resource.get("region"),
             name, resource.get("item")]
    return "/".join(UNSAFE_IN_PATH.sub("_", str(p)) for p in parts if p)


def _automation_id(results: Results) -> str:
    target = results.run.get("target") or {}
    who = target.get("account") or target.get("host") or "unknown"
    profile = (results.run.get("profile") or {}).get("id", "")
    return "/".join(UNSAFE_IN_PATH.sub("_", str(p)) for p in ("hipaacheck", profile, who)) + "/"


def _result(finding: Finding, index: int) -> dict[str, Any]:
    kind = KINDS[finding.status]
    result: dict[str, Any] = {
        "ruleId": finding.control_id,
        "ruleIndex": index,
        "kind": kind,
        "level": LEVELS.get(finding.severity, "warning") if kind == "fail" else "none",
        "message": {"text": f"{finding.message} ({resource_label(finding)})"},
        "locations": [_location(finding)],
        "partialFingerprints": {"primaryLocationLineHash": f"{short_hash(finding.identity, 16)}:1",
                                "hipaacheckFinding/v1": short_hash(finding.identity)},
        "properties": {"status": finding.status, "resource": dict(finding.resource),
                       "citations": list(finding.citations), "evidence": finding.evidence},
    }
    if finding.status == "waived":
        waiver = finding.extra.get("waiver") or {}
        result["suppressions"] = [{"kind": "external", "status": "accepted",
                                   "justification": str(waiver.get("justification") or "waived")}]
    return result


def _root_uri(results: Results) -> str:
    root = str((results.run.get("target") or {}).get("root") or "/")
    return "file://" + ("/" + root.strip("/") + "/").replace("//", "/")


class SarifFormat(OutputFormat):
    name = "sarif"
    filename = "hipaacheck.sarif"

    def write(self, results: Results, out: BinaryIO) -> None:
        views = [v for v in control_views(results) if v.findings]
        verdict = verdict_of(results)
        index = {view.id: i for i, view in enumerate(views)}
        listed = [f for v in views for f in v.findings if f.status in KINDS]
        notifications = [{"level": "error", "message": {"text": f"{f.control_id}: {f.message} ({resource_label(f)})"},
                          "descriptor": {"id": f.control_id}} for f in listed if f.status == "error"]
        run = {
            "tool": {"driver": {"name": "hipaacheck", "version": tool_version(), "informationUri": TOOL_URI,
                                "rules": [_rule(v) for v in views]}},
            "invocations": [{
                "executionSuccessful": True,
                "exitCode": verdict.exit_code,
                "startTimeUtc": run_time(results, "started_at"),
                "endTimeUtc": run_time(results, "finished_at"),
                "toolExecutionNotifications": notifications,
            }],
            "automationDetails": {"id": _automation_id(results)},
            "originalUriBaseIds": {ROOT_ID: {"uri": _root_uri(results)},
                                   RESOURCES_ID: {"uri": "hipaacheck-resource:/",
                                                  "description": {"text": "Cloud resources and attestations "
                                                                          "named by type, account, region, id"}}},
            "results": Stream(_result(f, index[f.control_id]) for f in listed),
            "properties": {"summary": results.summary()["by_status"],
                           "profile": (results.run.get("profile") or {}).get("id", ""),
                           "verdict": verdict.to_dict()},
        }
        write_json({"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}, out, self.pretty)
