"""The coverage matrix: which controls and attestations cover each of the 68 Security Rule paragraphs.

A control covers exactly the paragraphs it cites. Citing a standard does not
cover its implementation specifications, and citing a specification does not
cover its standard: each is a separate obligation, and inferring one from the
other would overstate coverage. Attestation controls count like automated ones;
for an addressable specification, a current documented alternative
(164.306(d)(3)) found in the findings also counts and decides its status.

With findings, each row's status comes from the findings of its covering
controls: ``alternative`` (documented alternative in force), ``not-satisfied``
(a failure), ``incomplete`` (an error), ``needs-attestation`` (``manual``),
``waived``, ``satisfied`` (passes only), ``not-evaluated`` (skips or nothing);
an uncovered paragraph is a ``gap``. Without findings: ``covered`` or ``gap``.
"""
from __future__ import annotations

from typing import Any, Iterable

from .attestations import ALTERNATIVE_CHECK, ATTESTATION_CHECKS
from .model import Finding, Status, worst_status
from .results import Tally
from .security_rule import security_rule

ROW_STATUS = {Status.FAIL: "not-satisfied", Status.ERROR: "incomplete", Status.MANUAL: "needs-attestation",
              Status.WAIVED: "waived", Status.PASS: "satisfied"}  # a paragraph is its worst finding


def _alternatives(findings: Iterable[Finding]) -> dict[str, list[str]]:
    """Addressable citations with a current documented alternative -> the controls that hold it."""
    held: dict[str, list[str]] = {}
    for finding in findings:
        specification = finding.evidence.get("specification")
        if finding.status == "pass" and specification:
            held.setdefault(specification, [])
            if finding.control_id not in held[specification]:
                held[specification].append(finding.control_id)
    return held


def _status(statuses: set[str]) -> str:
    """The paragraph's row status; skips alone say nothing of it."""
    evaluated = statuses - {Status.SKIP}
    return ROW_STATUS[worst_status(evaluated)] if evaluated else "not-evaluated"


def coverage_rows(active_controls: Iterable[Any], findings: Iterable[Finding] | None = None,
                  tally: Tally | None = None) -> list[dict[str, Any]]:
    """One row per catalog paragraph, in catalog order (see the module docstring for the rules);
    ``tally``: the findings' counts, when already made."""
    active = list(active_controls)
    findings = list(findings) if findings is not None else None
    alternatives: dict[str, list[str]] = {}
    statuses: dict[str, set[str]] = {}
    if findings is not None:
        statuses = (tally or Tally(findings)).statuses_by_control()
        alternatives = _alternatives([f for f in findings if f.check_id == ALTERNATIVE_CHECK])  # few among 400k
    rows = []
    for paragraph in security_rule():
        citing = [a.control for a in active if paragraph.citation in a.control.citations]
        controls = sorted(c.id for c in citing if c.check not in ATTESTATION_CHECKS)
        attestations = sorted(c.id for c in citing if c.check in ATTESTATION_CHECKS)
        alternative = paragraph.designation == "addressable" and paragraph.citation in alternatives
        if alternative:
            attestations = sorted({*attestations, *alternatives[paragraph.citation]})
        covered = bool(controls or attestations)
        if not covered:
            status = "gap"
        elif findings is None:
            status = "covered"
        elif alternative:
            status = "alternative"
        else:
            status = _status(set().union(*(statuses.get(c.id, set()) for c in citing)))
        rows.append({
            "citation": paragraph.citation,
            "title": paragraph.title,
            "kind": paragraph.kind,
            "parent": paragraph.parent,
            "designation": paragraph.designation,
            "safeguard": paragraph.safeguard,
            "controls": controls,
            "attestations": attestations,
            "alternative": alternative,
            "covered": covered,
            "status": status,
            "gap": "" if covered else "no control or attestation in this profile cites it",
        })
    return rows


def coverage_summary(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Counts for a closing line: paragraphs, covered, automated, attestation-only, gaps."""
    return {
        "paragraphs": len(rows),
        "covered": sum(1 for r in rows if r["covered"]),
        "automated": sum(1 for r in rows if r["controls"]),
        "attestation_only": sum(1 for r in rows if r["attestations"] and not r["controls"]),
        "gaps": [r["citation"] for r in rows if not r["covered"]],
    }
