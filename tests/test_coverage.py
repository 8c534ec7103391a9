"""Coverage matrix: rules, statuses from findings, the coverage command, and catalog-wide control hygiene."""
from __future__ import annotations

import json
import re

import pytest
import yaml

from hipaacheck.attestations import ATTESTATION_CHECKS
from hipaacheck.controls import Control, builtin_controls
from hipaacheck.coverage import coverage_rows, coverage_summary
from hipaacheck.model import Finding
from hipaacheck.profiles import ActiveControl, load_profile, select_controls
from hipaacheck.registry import load_all
from hipaacheck.security_rule import security_rule


@pytest.fixture(scope="module")
def catalog():
    load_all()
    return builtin_controls()


def active(cid: str, citations: list[str], check: str = "attribute") -> ActiveControl:
    control = Control(id=cid, title=cid, description="d", rationale="r", severity="medium", citations=citations,
                      resource_type="host.thing", check=check, params={}, remediation={"summary": "fix"})
    return ActiveControl(control, {}, "medium")


def finding(cid: str, status: str, check: str = "attribute", **evidence) -> Finding:
    return Finding(control_id=cid, check_id=check, status=status, severity="medium",
                   resource={"type": "host.thing", "id": "/x"}, citations=[], message="m", evidence=evidence)


def rows_by_citation(rows):
    return {r["citation"]: r for r in rows}


def test_one_row_per_paragraph_with_catalog_metadata():
    rows = coverage_rows([])
    assert len(rows) == len(security_rule()) == 68
    first = rows[0]
    assert (first["citation"], first["designation"], first["safeguard"]) == (
        "164.308(a)(1)(i)", "n/a", "administrative")
    assert all(r["status"] == "gap" and not r["covered"] and r["gap"] for r in rows)


def test_a_standard_does_not_cover_its_specifications_nor_the_reverse():
    rows = rows_by_citation(coverage_rows([active("c.standard", ["164.312(a)(1)"]),
                                           active("c.spec", ["164.312(e)(2)(ii)"])]))
    assert rows["164.312(a)(1)"]["controls"] == ["c.standard"] and rows["164.312(a)(1)"]["status"] == "covered"
    assert not rows["164.312(a)(2)(iii)"]["covered"] and rows["164.312(a)(2)(iii)"]["status"] == "gap"
    assert rows["164.312(e)(2)(ii)"]["covered"] and not rows["164.312(e)(1)"]["covered"]


def test_attestation_controls_are_listed_apart_from_automated_ones():
    rows = rows_by_citation(coverage_rows([active("auto", ["164.308(a)(5)(ii)(D)"]),
                                           active("manual.pw", ["164.308(a)(5)(ii)(D)"], "manual.attestation")]))
    row = rows["164.308(a)(5)(ii)(D)"]
    assert row["controls"] == ["auto"] and row["attestations"] == ["manual.pw"]


@pytest.mark.parametrize("statuses, expected", [
    (["pass", "pass"], "satisfied"),
    (["pass", "fail"], "not-satisfied"),
    (["pass", "error"], "incomplete"),
    (["manual", "pass"], "needs-attestation"),
    (["waived", "pass"], "waived"),
    (["skip"], "not-evaluated"),
])
def test_status_comes_from_the_covering_controls_findings(statuses, expected):
    controls = [active(f"c{i}", ["164.312(b)"]) for i in range(len(statuses))]
    found = [finding(f"c{i}", status) for i, status in enumerate(statuses)]
    row = rows_by_citation(coverage_rows(controls, found))["164.312(b)"]
    assert row["status"] == expected


def test_documented_alternative_covers_an_addressable_specification_only():
    alt = active("manual.addressable.alternatives", ["164.316(b)(1)"], "manual.alternative")
    logoff = active("c.logoff", ["164.312(a)(2)(iii)"])
    found = [finding("c.logoff", "fail"),
             finding(alt.id, "pass", "manual.alternative", specification="164.312(a)(2)(iii)"),
             finding(alt.id, "pass", "manual.alternative", specification="164.310(a)(2)(iv)"),
             finding(alt.id, "fail", "manual.alternative", specification="164.310(b)")]
    rows = rows_by_citation(coverage_rows([alt, logoff], found))
    assert rows["164.312(a)(2)(iii)"]["status"] == "alternative"
    assert rows["164.312(a)(2)(iii)"]["attestations"] == ["manual.addressable.alternatives"]
    assert rows["164.310(a)(2)(iv)"]["covered"] and rows["164.310(a)(2)(iv)"]["alternative"]
    assert not rows["164.310(b)"]["covered"]  # an expired alternative covers nothing


def test_hipaa_manual_covers_every_non_technical_paragraph(catalog):
    rows = coverage_rows(select_controls(load_profile("hipaa-manual"), catalog))
    uncovered = {r["citation"] for r in rows if not r["covered"]}
    assert uncovered and all(c.startswith("164.312") for c in uncovered)


def test_hipaa_full_covers_all_68_paragraphs(catalog):
    rows = coverage_rows(select_controls(load_profile("hipaa-full"), catalog))
    summary = coverage_summary(rows)
    assert summary["gaps"] == [] and summary["covered"] == summary["paragraphs"] == 68


def test_coverage_command_formats(cli):
    as_json = cli("coverage", "--profile", "hipaa-manual", "--format", "json")
    assert as_json.code == 0, as_json.err
    data = as_json.json()
    assert data["profile"] == "hipaa-manual" and len(data["rows"]) == 68
    assert data["summary"]["covered"] == sum(1 for r in data["rows"] if r["covered"])
    markdown = cli("coverage", "--profile", "hipaa-manual", "--format", "markdown")
    expected_row = "| 164.308(a)(1)(ii)(A) | Risk analysis | required | administrative | - | manual.risk.analysis |"
    assert expected_row in markdown.out
    table = cli("coverage", "--profile", "hipaa-manual")
    assert re.search(r"hipaa-manual: \d+/68 paragraphs covered", table.out)
    assert "164.312(e)(2)(i)" in table.out.splitlines()[-1]  # named as a gap


def test_coverage_command_with_attestations_evaluates_them(cli, tmp_path):
    from datetime import datetime, timezone

    path = tmp_path / "att.yaml"
    path.write_text(yaml.safe_dump({"version": 1, "attestations": [
        {"control": "manual.risk.analysis", "by": "A", "role": "B",
         "date": datetime.now(timezone.utc).date().isoformat()}]}))
    result = cli("coverage", "--profile", "hipaa-manual", "--format", "json", "--attestations", path)
    rows = rows_by_citation(result.json()["rows"])
    assert rows["164.308(a)(1)(ii)(A)"]["status"] == "satisfied"
    assert rows["164.308(a)(1)(ii)(C)"]["status"] == "not-satisfied"  # no sanction policy attestation
    assert rows["164.312(b)"]["status"] == "gap"


def test_scan_results_carry_the_coverage_rows(cli, tmp_path):
    result = cli("scan", "--root", tmp_path, "--profile", "hipaa-manual", "--format", "json")
    coverage = result.json()["coverage"]
    assert len(coverage) == 68
    risk = rows_by_citation(coverage)["164.308(a)(1)(ii)(A)"]
    assert risk["status"] == "needs-attestation" and risk["attestations"] == ["manual.risk.analysis"]


def test_attestation_controls_have_their_own_resource_type(catalog):
    """The engine runs a control on every resource of its type: a shared type would cross-evaluate."""
    manual = [c for c in catalog.controls.values() if c.check in ATTESTATION_CHECKS]
    assert len(manual) >= 30
    assert all(c.resource_type == c.id for c in manual)


# NIST SP 800-66r2 maps these paragraphs only to training or planning controls (AT-2/AT-3, PL-2, RA-2/3,
# AU-6), none of which describes a technical setting such as a hash algorithm or a lockout threshold; these
# controls cite the fitting SP 800-53 control (IA-5(1), AC-7, SI-2) instead. The list can only shrink.
KNOWN_WITHOUT_MAPPED_NIST = frozenset("""
host.accounts.password_hashes host.faillock.deny host.faillock.unlock_time host.pam.faillock_in_stacks
host.pwquality.minclass host.updates.automatic
""".split())


def _base(nist_id: str) -> str:
    return nist_id.split("(", 1)[0].strip().upper()


def without_mapped_nist(controls) -> dict[str, list[str]]:
    """Controls whose references list no SP 800-53 control (or enhancement of one) mapped to their citations."""
    rule = security_rule()
    missing = {}
    for control in controls:
        mapped = {_base(n) for c in control.citations for n in rule.resolve(c).nist_800_53}
        listed = {_base(r["id"]) for r in control.references if "800-53" in r.get("source", "")}
        if mapped and not listed & mapped:
            missing[control.id] = sorted(mapped)
    return missing


def test_every_control_lists_a_nist_800_53_control_its_citations_map_to(catalog):
    """So auditors can cross-walk each control to SP 800-53 through NIST's own HIPAA mapping (SP 800-66r2)."""
    missing = without_mapped_nist(catalog.sorted())
    new = {cid: mapped for cid, mapped in missing.items() if cid not in KNOWN_WITHOUT_MAPPED_NIST}
    assert not new, "controls without a mapped NIST SP 800-53 reference:\n" + json.dumps(new, indent=1)
    assert not {cid for cid in missing if cid.startswith("manual.")}


def test_the_nist_reference_check_catches_an_unmapped_reference():
    control = active("c.x", ["164.312(a)(2)(iv)"]).control
    control.references = [{"source": "NIST SP 800-53", "id": "SC-28"}]
    assert without_mapped_nist([control]) == {"c.x": ["SC-13"]}
    control.references.append({"source": "NIST SP 800-53 Rev. 5", "id": "SC-13(1)"})
    assert without_mapped_nist([control]) == {}
