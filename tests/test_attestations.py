"""Attestations: loading, the collector, the checks' verdicts, the attest command and scans with --attestations."""
from __future__ import annotations

import hashlib
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest
import yaml
from assertions import input_error

from hipaacheck.attestations import load_attestations
from hipaacheck.sources.manual.source import attestation_evidence_files, attestation_inventory
from hipaacheck.controls import builtin_controls
from hipaacheck.engine import evaluate
from hipaacheck.errors import InputError
from hipaacheck.profiles import ActiveControl, load_profile, select_controls
from hipaacheck.registry import load_all

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "attestations"
NOW = "2026-06-01T12:00:00Z"


@pytest.fixture(scope="module")
def catalog():
    load_all()
    return builtin_controls()


@pytest.fixture(scope="module")
def manual(catalog) -> dict[str, ActiveControl]:
    return {a.id: a for a in select_controls(load_profile("hipaa-manual"), catalog)}


def today() -> date:
    return datetime.now(timezone.utc).date()


def write(path: Path, entries: list[dict]) -> Path:
    path.write_text(yaml.safe_dump({"version": 1, "attestations": entries}, sort_keys=False))
    return path


def findings_for(attestations, actives: list[ActiveControl], now: str = NOW):
    inventory = attestation_inventory(attestations, actives, {a.control.resource_type for a in actives}, now)
    return evaluate(actives, inventory)


def entry(control: str = "manual.risk.analysis", on: str = "2026-01-15", **extra) -> dict:
    return {"control": control, "by": "Jane Doe", "role": "Security Official", "date": on, **extra}


# ---- verdicts ---------------------------------------------------------------------------------------------

def test_current_attestation_passes_and_says_when_the_next_is_due(tmp_path, catalog, manual):
    att = load_attestations(write(tmp_path / "a.yaml", [entry(statement="Done")]), catalog.controls)
    [finding] = findings_for(att, [manual["manual.risk.analysis"]])
    assert finding.status == "pass"
    assert "Jane Doe (Security Official) on 2026-01-15" in finding.message
    assert "next attestation due 2027-01-15 (in 228 days)" in finding.message
    assert finding.evidence["next_due"] == "2027-01-15" and finding.evidence["statement"] == "Done"
    assert finding.evidence["line"] == 3


def test_expired_attestation_fails_with_days_overdue(tmp_path, catalog, manual):
    att = load_attestations(write(tmp_path / "a.yaml", [entry(on="2025-01-01")]), catalog.controls)
    [finding] = findings_for(att, [manual["manual.risk.analysis"]])
    assert finding.status == "fail"
    assert finding.evidence["days_overdue"] == 151  # due 2026-01-01, evaluated 2026-06-01
    assert "expired on 2026-01-01: 151 days overdue" in finding.message


def test_entry_valid_days_overrides_the_controls_default(tmp_path, catalog, manual):
    att = load_attestations(write(tmp_path / "a.yaml", [entry(on="2026-05-01", valid_days=10)]), catalog.controls)
    [finding] = findings_for(att, [manual["manual.risk.analysis"]])
    assert finding.status == "fail" and finding.evidence["days_overdue"] == 21


def test_profile_variable_sets_the_validity_period(tmp_path, catalog, manual):
    recert = manual["manual.access.recertification"]
    assert recert.params["validity_days"] == 90  # $access_recertification_days
    att = load_attestations(write(tmp_path / "a.yaml", [entry("manual.access.recertification", "2026-02-01")]),
                            catalog.controls)
    [finding] = findings_for(att, [recert])
    assert finding.status == "fail" and finding.evidence["days_overdue"] == 30


def test_missing_attestation_fails_when_a_file_is_given(tmp_path, catalog, manual):
    att = load_attestations(write(tmp_path / "a.yaml", [entry()]), catalog.controls)
    [finding] = findings_for(att, [manual["manual.risk.sanction_policy"]])
    assert finding.status == "fail"
    assert "no attestation recorded" in finding.message and "due now" in finding.message


def test_no_attestations_file_means_needs_attestation_not_pass(manual):
    findings = findings_for(None, list(manual.values()))
    assert len(findings) == len(manual) and {f.status for f in findings} == {"manual"}
    assert all("needs attestation" in f.message for f in findings)


def test_future_dated_attestation_does_not_pass(tmp_path, catalog, manual):
    att = load_attestations(write(tmp_path / "a.yaml", [entry(on="2026-07-01")]), catalog.controls)
    [finding] = findings_for(att, [manual["manual.risk.analysis"]])
    assert finding.status == "fail" and "after the evaluation date" in finding.message


def test_latest_entry_per_control_wins(tmp_path, catalog, manual):
    att = load_attestations(write(tmp_path / "a.yaml", [entry(on="2026-03-01"), entry(on="2024-01-01")]),
                            catalog.controls)
    [finding] = findings_for(att, [manual["manual.risk.analysis"]])
    assert finding.status == "pass" and finding.evidence["date"] == "2026-03-01"


def test_evidence_changed_after_attesting_fails_saying_the_hash_no_longer_matches(tmp_path, catalog, manual):
    report = tmp_path / "evidence" / "risk.pdf"
    report.parent.mkdir()
    report.write_bytes(b"risk analysis 2026")
    digest = hashlib.sha256(b"risk analysis 2026").hexdigest()
    path = write(tmp_path / "a.yaml", [entry(evidence=[{"path": "evidence/risk.pdf", "sha256": digest},
                                                       {"url": "https://intranet.example/risk"}])])
    active = [manual["manual.risk.analysis"]]
    [before] = findings_for(load_attestations(path, catalog.controls), active)
    assert before.status == "pass"
    report.write_bytes(b"risk analysis 2026, edited later")
    [after] = findings_for(load_attestations(path, catalog.controls), active)
    assert after.status == "fail"
    assert "evidence/risk.pdf changed after attesting" in after.message
    assert "SHA-256 no longer matches" in after.message
    assert after.evidence["evidence"][0]["current_sha256"] != digest
    report.unlink()
    [gone] = findings_for(load_attestations(path, catalog.controls), active)
    assert gone.status == "fail" and "missing, so its SHA-256 no longer matches" in gone.message


def test_unreadable_evidence_is_an_error_not_a_pass(tmp_path, catalog, manual):
    (tmp_path / "folder.pdf").mkdir()
    path = write(tmp_path / "a.yaml", [entry(evidence=[{"path": "folder.pdf", "sha256": "0" * 64}])])
    [finding] = findings_for(load_attestations(path, catalog.controls), [manual["manual.risk.analysis"]])
    assert finding.status == "error" and "could not be read" in finding.message


def test_documented_alternative_is_one_finding_per_specification(tmp_path, catalog, manual):
    alt = {"kind": "alternative", "statement": "Screen lock enforced by MDM instead of session timeout"}
    path = write(tmp_path / "a.yaml", [
        entry("manual.addressable.alternatives", specification="164.312(a)(2)(iii)", **alt),
        entry("manual.addressable.alternatives", "2024-01-01", specification="164.310(a)(2)(iv)", **alt)])
    findings = findings_for(load_attestations(path, catalog.controls), [manual["manual.addressable.alternatives"]])
    by_spec = {f.evidence["specification"]: f.status for f in findings}
    assert by_spec == {"164.312(a)(2)(iii)": "pass", "164.310(a)(2)(iv)": "fail"}


def test_alternative_for_a_required_specification_is_refused(tmp_path, catalog):
    path = write(tmp_path / "a.yaml", [entry("manual.addressable.alternatives", kind="alternative",
                                             specification="164.308(a)(1)(ii)(A)", statement="no")])
    with pytest.raises(InputError, match=r"a\.yaml:3: .*only an addressable specification"):
        load_attestations(path, catalog.controls)


# ---- malformed files: exit 2 naming file and line -----------------------------------------------------

@pytest.mark.parametrize("name, line, problem", [
    ("bad_date.yaml", 7, "2026-13-40"),
    ("missing_role.yaml", 8, "role is required here"),
    ("syntax_error.yaml", 7, "YAML syntax error"),
    ("unhashed_evidence.yaml", 9, "sha256"),
    ("unknown_control.yaml", 4, "unknown control 'manual.does.not_exist'"),
    ("automated_control.yaml", 4, "automated control"),
])
def test_malformed_attestations_exit_2_naming_file_and_line(cli, tmp_path, name, line, problem):
    result = cli("scan", "--root", tmp_path, "--profile", "hipaa-manual", "--attestations", FIXTURES / name)
    input_error(result, f"{name}:{line}: ", problem)


def test_missing_attestations_file_exits_2(cli, tmp_path):
    result = cli("scan", "--root", tmp_path, "--profile", "hipaa-manual", "--attestations", tmp_path / "nope.yaml")
    input_error(result, "nope.yaml: file not found")


# ---- scans ------------------------------------------------------------------------------------------------

def profile_with(tmp_path: Path, *controls: str) -> Path:
    path = tmp_path / "profile.yaml"
    path.write_text(yaml.safe_dump({"id": "t", "title": "t", "extends": "hipaa-base",
                                    "controls": {"include": list(controls)}}))
    return path


def test_scan_with_current_and_expired_attestations(cli, tmp_path):
    fresh, stale = today() - timedelta(days=10), today() - timedelta(days=400)
    att = write(tmp_path / "att.yaml", [entry(on=fresh.isoformat()),
                                        entry("manual.training.awareness", stale.isoformat())])
    profile = profile_with(tmp_path, "manual.risk.analysis", "manual.training.awareness")
    result = cli("scan", "--root", tmp_path, "--profile", profile, "--attestations", att, "--format", "json")
    assert result.code == 1, result.err
    findings = {f["control_id"]: f for f in result.json()["findings"]}
    assert findings["manual.risk.analysis"]["status"] == "pass"
    training = findings["manual.training.awareness"]
    assert training["status"] == "fail" and training["evidence"]["days_overdue"] == 35
    assert training["citations"] == ["164.308(a)(5)(i)"]


def test_scan_without_attestations_reports_manual_and_exits_0(cli, tmp_path):
    profile = profile_with(tmp_path, "manual.risk.analysis")
    result = cli("scan", "--root", tmp_path, "--profile", profile, "--format", "json")
    assert result.code == 0, result.err
    [finding] = result.json()["findings"]
    assert finding["status"] == "manual" and "needs attestation" in finding["message"]


# ---- hipaacheck attest ------------------------------------------------------------------------------------

def test_attest_appends_hashes_evidence_and_keeps_the_file(cli, tmp_path, monkeypatch, catalog):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "training.csv").write_text("name,date\nA,2026-01-01\n")
    target = tmp_path / "records" / "attestations.yaml"
    first = cli("attest", "manual.training.awareness", "--by", "Ann Lee", "--role", "HR Director",
                "--statement", "All staff trained", "--evidence", "docs/training.csv", "https://lms.example/report",
                "--file", target, "--evidence-root", tmp_path)
    assert first.code == 0, first.err
    text = target.read_text().replace("version: 1", "# kept comment\nversion: 1")
    target.write_text(text)
    second = cli("attest", "manual.risk.analysis", "--by", "Jane Doe", "--role", "Security Official",
                 "--valid-days", "180", "--date", "2026-02-03", "--file", target, "--evidence-root", tmp_path)
    assert second.code == 0, second.err
    assert "# kept comment" in target.read_text()
    att = load_attestations(target, catalog.controls, tmp_path)
    assert [e.control for e in att.entries] == ["manual.training.awareness", "manual.risk.analysis"]
    training, risk = att.entries
    assert training.by == "Ann Lee" and training.role == "HR Director" and training.date == today()
    assert training.evidence[0].path == "../docs/training.csv"
    assert training.evidence[0].sha256 == hashlib.sha256(b"name,date\nA,2026-01-01\n").hexdigest()
    assert training.evidence[1].url == "https://lms.example/report"
    assert risk.valid_days == 180 and risk.date == date(2026, 2, 3) and risk.evidence == ()


def test_attest_refuses_unknown_and_automated_controls(cli, tmp_path):
    target = tmp_path / "att.yaml"
    write(target, [entry()])
    before = target.read_text()
    unknown = cli("attest", "manual.no_such.control", "--by", "A", "--role", "B", "--file", target)
    input_error(unknown, "unknown control 'manual.no_such.control'")
    automated = cli("attest", "host.login_defs.pass_max_days", "--by", "A", "--role", "B", "--file", target)
    input_error(automated, "not an attestation control")
    missing = cli("attest", "manual.risk.analysis", "--by", "A", "--role", "B", "--evidence", tmp_path / "nope.pdf",
                  "--file", target)
    input_error(missing, "no such file")
    assert target.read_text() == before


def test_attest_alternative_needs_an_addressable_specification(cli, tmp_path, catalog):
    target = tmp_path / "att.yaml"
    base = ("attest", "manual.addressable.alternatives", "--by", "A", "--role", "B", "--file", target)
    input_error(cli(*base, "--statement", "x"))
    required = cli(*base, "--statement", "x", "--specification", "164.308(a)(1)(ii)(A)")
    input_error(required, "not an addressable")
    ok = cli(*base, "--statement", "MDM screen lock", "--specification", "164.312(a)(2)(iii)")
    assert ok.code == 0, ok.err
    [alt] = load_attestations(target, catalog.controls).entries
    assert alt.kind == "alternative" and alt.specification == "164.312(a)(2)(iii)"


def test_attest_refuses_to_append_to_a_malformed_file(cli, tmp_path):
    broken = tmp_path / "missing_role.yaml"  # a copy: attest leaves its lock file beside the file
    before = (FIXTURES / "missing_role.yaml").read_text()
    broken.write_text(before)
    result = cli("attest", "manual.risk.analysis", "--by", "A", "--role", "B", "--file", broken)
    input_error(result, "missing_role.yaml:8")
    assert broken.read_text() == before


# ---- evidence bundle interface ----------------------------------------------------------------------------

def test_evidence_files_for_the_bundle(tmp_path, catalog):
    (tmp_path / "ev").mkdir()
    (tmp_path / "ev" / "plan.pdf").write_bytes(b"plan")
    outside = tmp_path.parent / f"{tmp_path.name}-outside.txt"
    outside.write_text("x")
    try:
        sub = tmp_path / "att"
        sub.mkdir()
        path = write(sub / "attestations.yaml", [entry(evidence=[
            {"path": "../ev/plan.pdf", "sha256": "0" * 64},
            {"path": f"../../{outside.name}", "sha256": "0" * 64},
            {"path": "gone.pdf", "sha256": "0" * 64},
            {"url": "https://example.org/x"}])])
        with pytest.raises(InputError, match=r"evidence\[1\]\.path: .* is outside the evidence root"):
            load_attestations(path, catalog.controls, tmp_path)
        path = write(sub / "attestations.yaml", [entry(evidence=[
            {"path": "../ev/plan.pdf", "sha256": "0" * 64}, {"path": "./../ev/plan.pdf", "sha256": "0" * 64},
            {"path": "gone.pdf", "sha256": "0" * 64}, {"url": "https://example.org/x"}])])
        files = attestation_evidence_files(load_attestations(path, catalog.controls, tmp_path))
    finally:
        outside.unlink()
    assert files == {  # named inside the evidence root: two different files never share a member name
        "attestations/attestations.yaml": path,
        "attestations/evidence/ev/plan.pdf": (tmp_path / "ev" / "plan.pdf").resolve(),
    }
    assert attestation_evidence_files(None) == {}
