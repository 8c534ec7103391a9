"""OSCAL assessment results: one result with an observation per finding and a finding per control.

UUIDs are uuid5 values of stable names (run start, control id, finding key), so
the same results always give the same document. A control is ``satisfied`` only
when evaluated resources passed (see :func:`control_satisfied`).
"""
from __future__ import annotations

from typing import Any, BinaryIO, Iterator

from ..model import Finding
from ..results import Results, verdict_of
from .common import (ControlView, compact_json, control_satisfied, control_views, resource_label,
                     run_time, stable_uuid, tool_version)
from .interface import OutputFormat
from .json import Stream, write_json

OSCAL_VERSION = "1.1.2"
NS = "urn:hipaacheck"
PLAN_HREF = "./profile.json"  # the resolved profile in the evidence bundle is the assessment plan


def _props(**values: Any) -> list[dict[str, str]]:
    props = []
    for name, value in values.items():
        items = value if isinstance(value, list) else [value]
        for item in items:
            text = " ".join(str(item).split())
            if text:
                props.append({"name": name.replace("_", "-"), "ns": NS, "value": text})
    return props


def _observation(finding: Finding, uuid: str, collected: str) -> dict[str, Any]:
    evidence = compact_json(finding.evidence) if finding.evidence else "no values recorded"
    return {
        "uuid": uuid,
        "title": f"{finding.control_id}: {resource_label(finding)}",
        "description": f"{finding.status.upper()}: {finding.message or '-'}",
        "props": _props(status=finding.status, severity=finding.severity, resource_type=finding.resource.get("type"),
                        resource_id=finding.resource.get("id"), citation=finding.citations),
        "methods": ["TEST"],
        "types": ["finding"] if finding.status != "pass" else ["control-objective"],
        "relevant-evidence": [{"description": f"Observed values: {evidence}"}],
        "collected": collected,
    }


def _finding(view: ControlView, run_id: str, observation_ids: list[str]) -> dict[str, Any]:
    satisfied, why = control_satisfied(view)
    statuses = {f.status for f in view.findings}
    reason = "pass" if satisfied else ("fail" if statuses & {"fail", "waived"} else "other")
    finding: dict[str, Any] = {
        "uuid": stable_uuid("finding", run_id, view.id),
        "title": view.title or view.id,
        "description": f"{view.id}: {why}.",
        "props": _props(severity=view.severity, citation=view.citations),
        "target": {
            "type": "objective-id",
            "target-id": view.id,
            "status": {"state": "satisfied" if satisfied else "not-satisfied", "reason": reason},
        },
    }
    if observation_ids:  # OSCAL arrays hold at least one item
        finding["related-observations"] = [{"observation-uuid": oid} for oid in observation_ids]
    return finding


class OscalFormat(OutputFormat):
    name = "oscal"
    filename = "hipaacheck-oscal-ar.json"

    def write(self, results: Results, out: BinaryIO) -> None:
        started, finished = run_time(results, "started_at"), run_time(results, "finished_at")
        collected = str(results.run.get("collected_at") or started)
        profile = (results.run.get("profile") or {}).get("id", "")
        verdict = verdict_of(results)
        run_id = f"{started}|{profile}"
        views = control_views(results)  # a selected control with no findings is reviewed and not satisfied
        uuids = {view.id: [stable_uuid("observation", run_id, f.identity) for f in view.findings] for view in views}
        findings = [_finding(view, run_id, uuids[view.id]) for view in views]
        result: dict[str, Any] = {
            "uuid": stable_uuid("result", run_id),
            "title": f"hipaacheck scan with profile {profile or '-'}",
            "description": f"Automated HIPAA Security Rule checks ({results.run.get('source', '-')} source).",
            "start": started,
            "end": finished,
            "props": _props(verdict=verdict.status, exit_code=verdict.exit_code, verdict_line=verdict.line),
            "reviewed-controls": {"control-selections": [
                {"include-controls": [{"control-id": v.id} for v in views]} if views else {"include-all": {}}]},
        }
        if any(view.findings for view in views):
            result["observations"] = Stream(_observations(views, uuids, collected))
        if findings:
            result["findings"] = findings
        document = {
            "uuid": stable_uuid("assessment-results", run_id),
            "metadata": {"title": "hipaacheck assessment results", "last-modified": finished,
                         "version": tool_version(), "oscal-version": OSCAL_VERSION,
                         "props": _props(profile=profile)},
            "import-ap": {"href": PLAN_HREF},
            "results": [result],
        }
        write_json({"assessment-results": document}, out, self.pretty)


def _observations(views: list[ControlView], uuids: dict[str, list[str]], collected: str) -> Iterator[dict[str, Any]]:
    for view in views:
        for finding, uuid in zip(view.findings, uuids[view.id], strict=True):
            yield _observation(finding, uuid, collected)
