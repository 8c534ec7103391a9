"""OSCAL assessment results: valid for compliance-trestle's model, deterministic ids, no false satisfied."""
from __future__ import annotations

import json
from pathlib import Path

from trestle.oscal.assessment_results import AssessmentResults

from hipaacheck.formats.oscal import OscalFormat
from hipaacheck.results import Results

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "results" / "mixed.json"


def load(results: Results | None = None) -> AssessmentResults:
    doc = json.loads(OscalFormat().render(results or Results.load(FIXTURE)))
    return AssessmentResults.model_validate(doc["assessment-results"])


def test_valid_assessment_results() -> None:
    model = load()
    result = model.results[0]
    results = Results.load(FIXTURE)
    assert len(result.observations) == len(results.findings)
    assert {f.target.target_id for f in result.findings} == {f.control_id for f in results.findings}
    uuids = [model.uuid, result.uuid] + [o.uuid for o in result.observations] + [f.uuid for f in result.findings]
    assert len(set(uuids)) == len(uuids)
    observation_ids = {o.uuid for o in result.observations}
    for finding in result.findings:
        assert {r.observation_uuid for r in finding.related_observations} <= observation_ids


def test_only_evaluated_passes_are_satisfied() -> None:
    states = {f.target.target_id: f.target.status.state.value for f in load().results[0].findings}
    assert states == {
        "aws.cloudtrail.multi_region": "not-satisfied",  # error: could not see
        "aws.rds.storage_encrypted": "not-satisfied",  # skip only: nothing evaluated
        "aws.s3.default_encryption": "not-satisfied",
        "host.login_defs.pass_max_days": "not-satisfied",
        "host.shadow.strong_hashes": "not-satisfied",
        "host.sshd.max_auth_tries": "not-satisfied",  # one pass, one error
        "manual.risk_analysis": "not-satisfied",
    }
    results = Results.load(FIXTURE)
    results.findings = [f for f in results.findings if f.status == "pass"]
    states = {f.target.target_id: f.target.status.state.value for f in load(results).results[0].findings}
    passed = {f.control_id for f in results.findings}
    assert {c for c, state in states.items() if state == "satisfied"} == passed and len(passed) == 3
    assert {c for c, state in states.items() if state == "not-satisfied"} == set(results.controls) - passed


def test_uuids_are_stable_across_renders_and_change_with_the_run() -> None:
    first = OscalFormat().render(Results.load(FIXTURE))
    assert first == OscalFormat().render(Results.load(FIXTURE))
    other = Results.load(FIXTURE)
    other.run["started_at"] = "2026-03-02T02:00:00Z"
    assert load(other).uuid != load().uuid


def test_selected_controls_without_findings_are_reviewed_and_not_satisfied() -> None:
    results = Results.load(FIXTURE)
    results.findings = [f for f in results.findings if f.control_id != "aws.rds.storage_encrypted"]
    result = load(results).results[0]
    reviewed = {c.control_id for s in result.reviewed_controls.control_selections for c in s.include_controls}
    assert reviewed == set(results.controls)
    finding = next(f for f in result.findings if f.target.target_id == "aws.rds.storage_encrypted")
    assert finding.target.status.state.value == "not-satisfied" and finding.target.status.reason == "other"
    assert not finding.related_observations and "not evaluated" in finding.description
