"""Helpers every format shares: control metadata, Security Rule lookups, status roll-ups, ids.

Formats render the same :class:`~hipaacheck.results.Results`; the views here keep
their answers consistent (a control "fails" in HTML exactly when it fails in OSCAL).
"""
from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass, field
from functools import cache
from datetime import datetime, timezone
from typing import Any

from ..jsonenc import dumps_text
from ..model import Finding, Status, attention_key, worst_status
from ..model import resource_label  # noqa: F401 - formats take it from here with the other helpers
from ..results import Results
from ..security_rule import Paragraph, security_rule

# Worst first: a control's status is the worst of its findings' statuses.
STATUS_ORDER = tuple(status.value for status in Status.by_attention())  # worst first, for roll-ups


def sort_findings(findings: list[Finding]) -> list[Finding]:
    """Failures first, then by severity (critical first), then control and resource."""
    return sorted(findings, key=attention_key)
SAFEGUARD_ORDER = ("administrative", "physical", "technical", "organizational", "documentation")
STANDARD_NAME = "HIPAA Security Rule (45 CFR Part 164, Subpart C)"
UUID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:hipaacheck")
TOOL_URI = "https://pypi.org/project/hipaacheck/"


def paragraph(citation: str) -> Paragraph | None:
    return security_rule().resolve(citation)


def safeguards_of(citations: list[str]) -> list[str]:
    """Distinct safeguards the citations belong to, in catalog order."""
    return list(_safeguards(tuple(citations)))


def designations_of(citations: list[str]) -> list[str]:
    """``required``/``addressable``/``n/a`` for each citation (``unknown`` if not in the catalog)."""
    return list(_designations(tuple(citations)))


@cache  # findings of one control cite the same paragraphs: look them up once
def _safeguards(citations: tuple[str, ...]) -> tuple[str, ...]:
    found = {p.safeguard for p in map(paragraph, citations) if p is not None}
    return tuple([s for s in SAFEGUARD_ORDER if s in found] + sorted(found - set(SAFEGUARD_ORDER)))


@cache
def _designations(citations: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(p.designation if p else "unknown" for p in map(paragraph, citations))


_NAMESPACE_SHA1 = hashlib.sha1(UUID_NAMESPACE.bytes)


def stable_uuid(*names: str) -> str:
    """A uuid5 from stable names, so the same results give the same ids.

    Equal to ``str(uuid.uuid5(UUID_NAMESPACE, "\\x1f".join(names)))``, without making
    UUID objects: formats ask for two per finding.
    """
    sha1 = _NAMESPACE_SHA1.copy()
    sha1.update("\x1f".join(names).encode("utf-8"))
    raw = bytearray(sha1.digest()[:16])
    raw[6] = (raw[6] & 0x0F) | 0x50  # version 5
    raw[8] = (raw[8] & 0x3F) | 0x80  # RFC 4122 variant
    hexed = raw.hex()
    return f"{hexed[:8]}-{hexed[8:12]}-{hexed[12:16]}-{hexed[16:20]}-{hexed[20:]}"


def short_hash(text: str, length: int = 32) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:length]


def is_cloud(finding: Finding) -> bool:
    return str(finding.resource.get("id", "")).startswith("arn:") or str(finding.resource.get("type", "")).startswith("aws.")


def compact_json(value: Any) -> str:
    return dumps_text(value, sort_keys=True)


def remediation_text(meta: dict[str, Any]) -> str:
    rem = meta.get("remediation") or {}
    if isinstance(rem, str):
        return rem
    parts = [rem.get("summary", "")]
    for key in ("steps", "cli", "terraform"):
        if rem.get(key):
            parts.append(str(rem[key]).rstrip())
    return "\n\n".join(p for p in parts if p)


def run_time(results: Results, key: str = "finished_at") -> str:
    """A timestamp from the run metadata (never the clock: formats are deterministic)."""
    run = results.run
    return str(run.get(key) or run.get("finished_at") or run.get("started_at") or "1970-01-01T00:00:00Z")


def parse_time(timestamp: str) -> datetime:
    """An ISO 8601 timestamp as an aware datetime (a zone-less one is taken as UTC)."""
    moment = datetime.fromisoformat(timestamp.replace("Z", "+00:00"))
    return moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment


def epoch_ms(timestamp: str) -> int:
    return int(parse_time(timestamp).timestamp() * 1000)


def tool_version() -> str:
    from .. import __version__

    return __version__


@dataclass
class ControlView:
    """One control as reports show it: metadata from the results plus its findings."""

    id: str
    title: str
    severity: str
    citations: list[str]
    meta: dict[str, Any]
    findings: list[Finding] = field(default_factory=list)

    @property
    def status(self) -> str:
        return worst_status([f.status for f in self.findings])

    @property
    def remediation(self) -> str:
        return remediation_text(self.meta)

    @property
    def description(self) -> str:
        return str(self.meta.get("description", ""))

    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(STATUS_ORDER, 0)
        for f in self.findings:
            counts[f.status] += 1
        return counts


def control_views(results: Results) -> list[ControlView]:
    """Every control with findings or metadata, sorted by id; findings in report order."""
    views: dict[str, ControlView] = {}
    for control_id, meta in results.controls.items():
        views[control_id] = ControlView(control_id, meta.get("title", ""), meta.get("severity", "info"),
                                        list(meta.get("citations") or []), meta)
    for finding in results.findings:
        view = views.get(finding.control_id)
        if view is None:
            view = views[finding.control_id] = ControlView(finding.control_id, finding.title, finding.severity,
                                                           list(finding.citations), {})
        view.findings.append(finding)
    for view in views.values():
        view.findings = sort_findings(view.findings)
    return [views[key] for key in sorted(views)]


def control_satisfied(view: ControlView) -> tuple[bool, str]:
    """Whether a control is met, and why not. Only seen passes satisfy (no false pass)."""
    statuses = {f.status for f in view.findings}
    if not statuses:
        return False, "no findings: the control was not evaluated"
    if statuses <= {"pass", "skip"} and "pass" in statuses:
        return True, "every evaluated resource passed"
    if "fail" in statuses:
        return False, "at least one resource failed"
    if "error" in statuses:
        return False, "some resources could not be evaluated"
    if "manual" in statuses:
        return False, "needs a manual attestation"
    if "waived" in statuses:
        return False, "failures are waived (accepted risk)"
    return False, "not applicable to any collected resource"
