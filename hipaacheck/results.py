"""The results document (``--format json``) and the exit code it implies."""
from __future__ import annotations

import platform
from collections import Counter
from dataclasses import dataclass, field
from operator import attrgetter, itemgetter
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import __version__
from .model import SEVERITIES, SEVERITY_RANK, STATUSES, Finding, Status
from .targets import Target, target_of

if TYPE_CHECKING:
    from .pipeline import ScanContext

RESULTS_SCHEMA_VERSION = "1.1"  # 1.1: targets, finding target, summary by_target

# The verdict line's count order: what blocks, what is incomplete, then the rest as the contract lists them.
VERDICT_ORDER = (Status.FAIL, Status.ERROR, *(s for s in Status if s not in (Status.FAIL, Status.ERROR)))

EXIT_OK = 0
EXIT_FAIL = 1
EXIT_INPUT = 2
EXIT_INCOMPLETE = 3


class Tally:
    """How many findings share each (status, severity, target, control id) key: one pass at C speed over
    400k findings, which the summary, the gate and coverage then read instead of the findings."""

    __slots__ = ("keys",)

    def __init__(self, findings: list[Finding]) -> None:
        self.keys: Counter[tuple[str, str, str | None, str]] = Counter(
            map(attrgetter("status", "severity", "target", "control_id"), findings))

    def statuses_by_control(self) -> dict[str, set[str]]:
        statuses: dict[str, set[str]] = {}
        for status, _, _, control_id in self.keys:
            statuses.setdefault(control_id, set()).add(status)
        return statuses


@dataclass
class Results:
    findings: list[Finding]
    run: dict[str, Any]  # started_at, finished_at, source, target, profile, command...
    controls: dict[str, dict[str, Any]] = field(default_factory=dict)  # control metadata for reports
    extra: dict[str, Any] = field(default_factory=dict)  # stale waivers, drift summary, coverage...
    targets: list[Target] = field(default_factory=list)  # accounts, hosts, images scanned (hipaacheck.targets)
    # What produced these results (plan, inventory) for the evidence bundle; never serialised.
    context: ScanContext | None = field(default=None, repr=False, compare=False)
    _tally: tuple[list[Finding], int, Tally] | None = field(default=None, init=False, repr=False, compare=False)

    def tally(self) -> Tally:
        """The findings counted once for the summary, the gate and coverage; a replaced or extended list is
        counted again, and whatever changes statuses in place (waivers) calls :meth:`recount`."""
        cached = self._tally
        if cached is None or cached[0] is not self.findings or cached[1] != len(self.findings):
            cached = self._tally = (self.findings, len(self.findings), Tally(self.findings))
        return cached[2]

    def recount(self) -> None:
        """Statuses changed in place: the next :meth:`tally` counts again."""
        self._tally = None

    def summary(self) -> dict[str, Any]:
        # Passes at C speed (map, Counter) over every finding of a 100k-resource scan, then over the few
        # distinct (status, severity, target, control) keys.
        findings = self.findings
        keys = self.tally().keys
        by_status = dict.fromkeys(STATUSES, 0)
        failing = dict.fromkeys(SEVERITIES, 0)
        by_target: dict[str, dict[str, int]] = {t.key: dict.fromkeys(STATUSES, 0) for t in self.targets}
        for (status, severity, target, _), count in keys.items():
            by_status[status] += count
            if status == "fail":
                failing[severity] += count
            if target is not None:
                by_target.setdefault(target, dict.fromkeys(STATUSES, 0))[status] += count
        # a resource's findings mostly share one reference dict: distinct dicts first, then distinct resources
        refs = list(map(attrgetter("resource"), findings))
        distinct = dict(zip(map(id, refs), refs, strict=True)).values()
        resources = {key for key in map(itemgetter("type", "id"), distinct) if key[1] != "*"}  # "*": a placeholder
        return {
            "total": len(findings),
            "by_status": by_status,
            "failing_by_severity": failing,
            "controls": len({key[3] for key in keys}),
            "resources": len(resources),
            "by_target": by_target,
        }

    def to_dict(self) -> dict[str, Any]:
        return self.document([f.to_dict() for f in self.findings])

    def document(self, findings: Any) -> dict[str, Any]:
        """The results document around ``findings`` (a list, or a stream a writer fills in)."""
        data = {
            "schema_version": RESULTS_SCHEMA_VERSION,
            "tool": tool_info(),
            "run": self.run,
            "summary": self.summary(),
            "targets": [t.to_dict() for t in self.targets],
            "controls": self.controls,
            "findings": findings,
        }
        data.update(self.extra)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Results":
        return cls._build(data, [Finding.from_dict(f) for f in data["findings"]])

    @classmethod
    def load(cls, path: Path) -> "Results":
        from .memory import gc_paused
        from .results_reader import read_results  # lazy: keeps PyYAML off the start-up path

        with gc_paused(long_lived=True):  # the findings live as long as the command
            data, findings = read_results(path, RESULTS_SCHEMA_VERSION)
            return cls._build(data, findings)

    @classmethod
    def _build(cls, data: dict[str, Any], findings: list[Finding]) -> "Results":
        known = {"schema_version", "tool", "run", "summary", "controls", "findings", "targets"}
        run = dict(data.get("run") or {})
        if "targets" in data:
            targets = [Target.from_dict(t) for t in data["targets"]]
        else:  # schema 1.0: the one target its run names
            targets = [target_of(_family(run), run["target"])] if run.get("target") else []
        return cls(
            findings=findings,
            run=run,
            controls=dict(data.get("controls") or {}),
            extra={k: v for k, v in data.items() if k not in known},
            targets=targets,
        )


def _family(run: dict[str, Any]) -> str:
    """A 1.0 document's source family: its run's source; for a snapshot, what its target names."""
    source = str(run.get("source") or "")
    if source != "snapshot":
        return source
    return "aws" if "account" in (run.get("target") or {}) else "host"


def tool_info() -> dict[str, str]:
    return {"name": "hipaacheck", "version": __version__, "python": platform.python_version()}


def is_blocking(finding: Finding, fail_on: str, new_only: bool = False) -> bool:
    """A failure at or above ``fail_on``; with ``new_only``, only one the baseline did not have."""
    if new_only and finding.extra.get("drift") != "new":
        return False
    return finding.status == "fail" and SEVERITY_RANK[finding.severity] >= SEVERITY_RANK[fail_on]


@dataclass(frozen=True)
class GateCounts:
    """The findings under a gate: counts by status and how many block (one pass at C speed)."""

    by_status: dict[str, int]
    blocking: int

    @classmethod
    def of(cls, findings: list[Finding], fail_on: str = "low", new_only: bool = False,
           tally: Tally | None = None) -> "GateCounts":
        """``tally``: the findings' counts, when already made."""
        keys = (tally or Tally(findings)).keys
        by_status = dict.fromkeys(STATUSES, 0)
        for key, count in keys.items():
            by_status[key[0]] += count
        if new_only:  # the drift mark decides: the rare gate reads each failure
            blocking = sum(1 for f in findings if f.status == "fail" and is_blocking(f, fail_on, True))
        else:
            floor = SEVERITY_RANK[fail_on]
            blocking = sum(count for (status, severity, *_), count in keys.items()
                           if status == "fail" and SEVERITY_RANK[severity] >= floor)
        return cls(by_status, blocking)

    @property
    def exit_code(self) -> int:
        """0 nothing failing at or above the gate; 1 failures; 3 no failures but errors."""
        if self.blocking:
            return EXIT_FAIL
        return EXIT_INCOMPLETE if self.by_status["error"] else EXIT_OK


def exit_code(findings: list[Finding], fail_on: str = "low", new_only: bool = False) -> int:
    """0 nothing failing at or above ``fail_on``; 1 failures; 3 no failures but errors."""
    return GateCounts.of(findings, fail_on, new_only).exit_code


VERDICT_WORDS = {EXIT_OK: "PASS", EXIT_FAIL: "FAIL", EXIT_INCOMPLETE: "INCOMPLETE"}


def verdict_line(results: Results, fail_on: str = "low", new_only: bool = False,
                 gate: GateCounts | None = None) -> str:
    """``FAIL: 3 failing at or above low (3 fail, 2 pass)``; ``gate``: the counts, when already known."""
    gate = gate or GateCounts.of(results.findings, fail_on, new_only, results.tally())
    code, counts, blocking = gate.exit_code, gate.by_status, gate.blocking
    word = VERDICT_WORDS[code]
    parts = ", ".join(f"{counts[s]} {s}" for s in VERDICT_ORDER if counts[s])
    new = "new " if new_only else ""
    detail = f"{blocking} {new}failing at or above {fail_on}" if code == EXIT_FAIL else (
        "some checks could not run" if code == EXIT_INCOMPLETE else f"nothing {new}failing at or above {fail_on}")
    return f"{word}: {detail} ({parts or 'no findings'})"


@dataclass(frozen=True)
class Verdict:
    """What the exit code expresses under a gate: recorded in the results, shown by every format."""

    status: str  # PASS, FAIL or INCOMPLETE: what the findings say under the gate
    exit_code: int  # what the scan exited with (0 for a --soft-fail run with failures)
    line: str  # the one-line verdict printed at the end of a scan

    def to_dict(self) -> dict[str, Any]:
        return {"status": self.status, "exit_code": self.exit_code, "line": self.line}


def judge(results: Results, fail_on: str = "low", soft_fail: bool = False, new_only: bool = False) -> Verdict:
    """The verdict of ``results`` under a gate (``--fail-on``, ``--soft-fail``, ``--fail-on-new-only``)."""
    gate = GateCounts.of(results.findings, fail_on, new_only, results.tally())
    code = gate.exit_code
    line = verdict_line(results, fail_on, new_only, gate)
    soft = soft_fail and code in (EXIT_FAIL, EXIT_INCOMPLETE)
    return Verdict(VERDICT_WORDS[code], EXIT_OK if soft else code, line + (" [--soft-fail: exit 0]" if soft else ""))


def record_verdict(results: Results, fail_on: str = "low", soft_fail: bool = False,
                   new_only: bool = False) -> Verdict:
    """Judge ``results`` and record the gate and verdict in them (``gate`` and ``verdict`` blocks)."""
    verdict = judge(results, fail_on, soft_fail, new_only)
    results.extra["gate"] = {"fail_on": fail_on, "soft_fail": soft_fail, "fail_on_new_only": new_only}
    results.extra["verdict"] = verdict.to_dict()
    return verdict


def recorded_gate(results: Results) -> dict[str, Any]:
    """The gate the results were judged under (the defaults for a file written before gates were recorded)."""
    gate = results.extra.get("gate") or {}
    return {"fail_on": gate.get("fail_on", "low"), "soft_fail": bool(gate.get("soft_fail", False)),
            "fail_on_new_only": bool(gate.get("fail_on_new_only", False))}


def verdict_of(results: Results) -> Verdict:
    """The recorded verdict; for results that have none, the verdict under the default gate."""
    data = results.extra.get("verdict")
    if isinstance(data, dict) and {"status", "exit_code", "line"} <= set(data):
        return Verdict(str(data["status"]), int(data["exit_code"]), str(data["line"]))
    gate = recorded_gate(results)
    return judge(results, gate["fail_on"], gate["soft_fail"], gate["fail_on_new_only"])
