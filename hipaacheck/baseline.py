"""Baseline and drift: what changed since an earlier results file.

A finding's identity is its control plus the resource it is about (type, id,
item, region, account) — never the message, which carries observed values
that change from run to run. ``waived`` counts as failing here: a waived
problem is accepted, not gone, so fail → waived is ``unchanged``, not resolved.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Iterable

from .model import Finding

if TYPE_CHECKING:
    from .results import Results

FAILING = frozenset({"fail", "waived"})
NEW, UNCHANGED, RESOLVED = "new", "unchanged", "resolved"


def compact(finding: Finding, **more: Any) -> dict[str, Any]:
    """The few fields a drift listing needs."""
    return {"key": finding.identity, "control_id": finding.control_id, "title": finding.title,
            "severity": finding.severity, "status": finding.status, "resource": dict(finding.resource),
            "citations": list(finding.citations), "message": finding.message, **more}


@dataclass
class Drift:
    new: list[Finding] = field(default_factory=list)  # failing now, not failing in the baseline
    unchanged: list[Finding] = field(default_factory=list)  # failing in both
    resolved: list[Finding] = field(default_factory=list)  # baseline failures not failing now (baseline copies)
    now_status: dict[str, str] = field(default_factory=dict)  # key -> current status of resolved ones

    @property
    def new_failures(self) -> list[Finding]:
        return [f for f in self.new if f.status == "fail"]

    def summary(self, baseline: dict[str, Any] | None = None) -> dict[str, Any]:
        data: dict[str, Any] = {}
        if baseline:
            data["baseline"] = baseline
        data["counts"] = {NEW: len(self.new), UNCHANGED: len(self.unchanged), RESOLVED: len(self.resolved),
                          "new_failures": len(self.new_failures)}
        data[NEW] = [compact(f) for f in _worst_first(self.new)]
        data[RESOLVED] = [compact(f, now=self.now_status.get(f.identity, "absent"))
                          for f in _worst_first(self.resolved)]
        return data


def _worst_first(findings: Iterable[Finding]) -> list[Finding]:
    from .model import SEVERITY_RANK

    return sorted(findings, key=lambda f: (-SEVERITY_RANK.get(f.severity, 0), f.sort_key,
                                           str(f.resource.get("item") or "")))


def compare(baseline: list[Finding], current: list[Finding]) -> Drift:
    """Classify failures; pure (does not touch the findings)."""
    old_failing = {f.identity: f for f in baseline if f.status in FAILING}
    drift = Drift()
    failing_now: set[str] = set()
    current_status: dict[str, str] = {}
    for finding in current:
        key = finding.identity
        current_status.setdefault(key, finding.status)
        if finding.status in FAILING:
            failing_now.add(key)
            (drift.unchanged if key in old_failing else drift.new).append(finding)
    for key, finding in old_failing.items():
        if key not in failing_now:
            drift.resolved.append(finding)
            drift.now_status[key] = current_status.get(key, "absent")
    return drift


def mark_drift(current: list[Finding], baseline: list[Finding]) -> Drift:
    """Set ``extra['drift']`` on every current finding and return the comparison.

    Failing findings are ``new`` or ``unchanged``; a finding that failed in the
    baseline and no longer fails is ``resolved``; other findings are
    ``unchanged`` when the baseline had them, else ``new``.
    """
    drift = compare(baseline, current)
    known = {f.identity for f in baseline}
    new_ids = {id(f) for f in drift.new}
    resolved_keys = {f.identity for f in drift.resolved}
    for finding in current:
        key = finding.identity
        if finding.status in FAILING:
            state = NEW if id(finding) in new_ids else UNCHANGED
        elif key in resolved_keys:
            state = RESOLVED
        else:
            state = UNCHANGED if key in known else NEW
        finding.annotate(drift=state)
    return drift


def target_names(results: Results) -> set[str]:
    """What results were scanned against: ``aws:ACCOUNT`` or ``KIND:ID`` (``host:web-1``) for each of their
    targets (a schema 1.0 file's come from its run's target)."""
    return {f"aws:{t.id}" if t.kind == "aws-account" else f"{t.kind}:{t.id}" for t in results.targets}


def check_same_targets(baseline: Results, current: Results, where: str) -> None:
    """Refuse to compare results that share no target: every finding would count as new or resolved."""
    old, new = target_names(baseline), target_names(current)
    if old and new and not old & new:
        from .errors import InputError

        raise InputError(where, f"compares {', '.join(sorted(new))} with a baseline of {', '.join(sorted(old))}: "
                                "different targets (pass --allow-different-targets if they are the same system)")
