"""Around a scan: waivers, baseline drift and history (``--waivers``, ``--baseline``, ``--history``).

:func:`load_inputs` runs while planning, before any collection, so a bad
waivers file, baseline or database stops the run with exit 2 in a second.
:func:`apply` runs after evaluation, in this order: waivers (fail → waived),
drift against the baseline, then the history record and trend.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, timezone
from typing import TYPE_CHECKING

from .errors import InputError
from .inventory import Inventory
from .profiles import Profile
from .request import Gate, PostureSpec
from .results import Results

if TYPE_CHECKING:
    import sqlite3

    from .waivers import Waiver

log = logging.getLogger("hipaacheck.posture")


def run_date(started_at: str | None = None) -> date:
    """The run's date (UTC): waivers expire against it."""
    if started_at:
        return datetime.fromisoformat(started_at.replace("Z", "+00:00")).date()
    return datetime.now(timezone.utc).date()


@dataclass
class PostureInputs:
    """Waivers, baseline and history, loaded and validated while planning."""

    waivers: list[Waiver] | None = None
    baseline: Results | None = None
    baseline_path: str | None = None
    allow_different_targets: bool = False
    history: sqlite3.Connection | None = None


def load_inputs(spec: PostureSpec, gate: Gate, profile: Profile, today: date | None = None) -> PostureInputs:
    """Load and validate waivers, baseline and history database named in the request."""
    today = today or run_date()
    inputs = PostureInputs()
    if spec.waivers:
        from .waivers import load_waivers

        inputs.waivers = load_waivers(spec.waivers, profile.waiver_max_days, today)
    if spec.baseline:
        inputs.baseline = Results.load(spec.baseline)
        inputs.baseline_path = str(spec.baseline)
        inputs.allow_different_targets = spec.allow_different_targets
    elif gate.fail_on_new_only:
        raise InputError("--fail-on-new-only", "needs --baseline RESULTS.json to know which failures are new")
    if spec.history:
        from .history import connect

        inputs.history = connect(spec.history)
    return inputs


def apply(results: Results, inputs: PostureInputs, inventory: Inventory | None = None) -> None:
    """Waive, mark drift, record history; adds ``stale_waivers``, ``drift``, ``trend`` to ``results.extra``."""
    today = run_date(results.run.get("started_at"))
    if inputs.waivers is not None:
        from .waivers import apply_waivers, tags_by_resource

        tags = tags_by_resource(inventory.resources) if inventory is not None else {}
        report = apply_waivers(results.findings, inputs.waivers, today, tags)
        results.recount()  # waived findings changed status in place
        results.extra.update(report.to_extra())
        for waiver in report.stale:
            log.warning("stale waiver at %s: %s matched no failing finding; remove it or fix its match",
                        waiver.source, waiver.control)
        for waiver in report.expired:
            log.warning("expired waiver at %s: %s expired on %s and no longer waives",
                        waiver.source, waiver.control, waiver.expires.isoformat())
    new_failures = None
    if inputs.baseline is not None:
        from .baseline import check_same_targets, mark_drift

        baseline = inputs.baseline
        if not inputs.allow_different_targets:
            check_same_targets(baseline, results, "--baseline")
        drift = mark_drift(results.findings, baseline.findings)
        results.extra["drift"] = drift.summary({"path": inputs.baseline_path or "",
                                                "started_at": baseline.run.get("started_at", "")})
        new_failures = len(drift.new_failures)
    if inputs.history is not None:
        from . import __version__
        from .history import record_run, trend

        conn = inputs.history
        try:
            record_run(conn, results.run, results.findings, __version__, new_failures)
            results.extra["trend"] = trend(conn, results.run)
        finally:
            conn.close()
