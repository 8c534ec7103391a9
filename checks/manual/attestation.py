"""Attestation checks: a person vouches that an administrative or physical safeguard is in place.

The collector (``hipaacheck.attestations.attestation_inventory``) stamps each
resource with the evaluation date, the latest attestation recorded for the
control and the SHA-256 of each evidence file as it is now. These checks only
compare: no clock, no file reads.

Statuses: ``manual`` when the scan was given no attestations file (needs
attestation); ``fail`` when none is recorded, it has expired, it is dated in the
future, or an evidence file changed or disappeared since it was hashed;
``error`` when an evidence file exists but could not be read; ``pass`` otherwise.
"""
from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from hipaacheck.model import Outcome, Resource
from hipaacheck.registry import check

VALIDITY = {"validity_days": {"type": "integer", "minimum": 1, "maximum": 3660, "default": 365,
                              "description": "days an attestation stays current unless the entry sets valid_days"}}


def _evidence_problems(evidence: list[dict[str, Any]]) -> tuple[list[str], list[str]]:
    """(failures, errors) for evidence files whose current hash differs from the recorded one."""
    failures, errors = [], []
    for item in evidence:
        path = item.get("path")
        if path is None:
            continue
        state = item.get("state")
        if state == "missing":
            failures.append(f"evidence {path} is missing, so its SHA-256 no longer matches the one recorded")
        elif state == "unreadable":
            errors.append(f"evidence {path} could not be read: {item.get('reason', 'unreadable')}")
        elif item.get("current_sha256") != item.get("sha256"):
            failures.append(f"evidence {path} changed after attesting: its SHA-256 no longer matches the one recorded")
    return failures, errors


def _evidence_summary(evidence: list[dict[str, Any]]) -> list[dict[str, Any]]:
    keep = ("path", "url", "sha256", "current_sha256", "state")
    return [{k: item[k] for k in keep if item.get(k) is not None} for item in evidence]


def judge(resource: Resource, params: dict[str, Any], subject: str, command: str) -> Outcome:
    """Shared verdict for one attestation resource (``subject`` names what is attested)."""
    evaluated = date.fromisoformat(resource.get("evaluated_on"))
    source = resource.get("attestations_file")
    entry = resource.get("attestation")
    if source is None:
        return Outcome("manual", f"needs attestation: {subject}; no attestations file was given "
                                 f"(record one with '{command}' and scan with --attestations FILE); due now",
                       {"next_due": evaluated.isoformat()})
    if entry is None:
        return Outcome("fail", f"no attestation recorded in {source} for {subject}; due now "
                               f"(record one with '{command}')",
                       {"attestations_file": source, "next_due": evaluated.isoformat()})
    attested = date.fromisoformat(entry["date"])
    valid_days = entry.get("valid_days") or params["validity_days"]
    due = attested + timedelta(days=valid_days)
    evidence = {
        "attestations_file": source,
        "line": entry.get("line"),
        "by": entry["by"],
        "role": entry["role"],
        "date": attested.isoformat(),
        "valid_days": valid_days,
        "next_due": due.isoformat(),
        "statement": entry.get("statement"),
        "evidence": _evidence_summary(entry.get("evidence") or []),
    }
    who = f"attested by {entry['by']} ({entry['role']}) on {attested.isoformat()}"
    if attested > evaluated:
        return Outcome("fail", f"{who}, a date after the evaluation date {evaluated.isoformat()}", evidence)
    if evaluated > due:
        overdue = (evaluated - due).days
        evidence["days_overdue"] = overdue
        return Outcome("fail", f"{who} expired on {due.isoformat()}: {overdue} days overdue; "
                               f"next attestation was due {due.isoformat()}", evidence)
    failures, errors = _evidence_problems(entry.get("evidence") or [])
    if failures:
        return Outcome("fail", f"{who}, but " + "; ".join(failures), evidence)
    if errors:
        return Outcome("error", f"{who}, but " + "; ".join(errors), evidence)
    remaining = (due - evaluated).days
    evidence["days_remaining"] = remaining
    return Outcome("pass", f"{who}; next attestation due {due.isoformat()} (in {remaining} days)", evidence)


@check("manual.attestation", resource_type=None, params=VALIDITY)
def attestation(resource: Resource, params: dict[str, Any]) -> Outcome:
    """A current attestation is recorded for the control, and its evidence files are unchanged."""
    control = resource.get("control")
    return judge(resource, params, control, f"hipaacheck attest {control} --by NAME --role ROLE")


@check("manual.alternative", resource_type=None, params=VALIDITY)
def alternative(resource: Resource, params: dict[str, Any]) -> Outcome:
    """A documented alternative to an addressable specification (164.306(d)(3)(ii)(B)) is current."""
    control = resource.get("control")
    specification = resource.get("specification")
    if specification is None:
        subject = "documented alternatives to addressable specifications"
    else:
        subject = f"the documented alternative to {specification} ({resource.get('specification_title')})"
    outcome = judge(resource, params, subject,
                    f"hipaacheck attest {control} --specification CITATION --statement TEXT --by NAME --role ROLE")
    if specification is not None:
        outcome.evidence["specification"] = specification
    return outcome
