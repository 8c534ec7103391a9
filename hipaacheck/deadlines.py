"""Deadline arithmetic the workforce and incident checks share: due in N days, N days overdue, N days late.

Pure functions of dates: the evaluation date comes from the resource (the source read the clock).
"""
from __future__ import annotations

from datetime import date
from typing import Any

from .model import NotApplicable, Outcome, Resource, failed, passed


def day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def evaluated_on(resource: Resource, file_attribute: str, flag: str, what: str) -> date:
    """The evaluation date; :class:`NotApplicable` (skip) when the scan was given no ``flag`` file."""
    if resource.get(file_attribute) is None:
        raise NotApplicable(f"no {what} given (scan with {flag} FILE)")
    return date.fromisoformat(resource.get("evaluated_on"))


def deadline(what: str, due: date, today: date, done: date | None = None, **evidence: Any) -> Outcome:
    """``what`` was done by ``due`` (pass), late (fail, days late); not done: due in N days (pass) or
    N days overdue (fail). The boundary day itself is still in time."""
    facts: dict[str, Any] = {"deadline": due.isoformat(), **evidence}
    if done is not None:
        facts["done_on"] = done.isoformat()
        late = (done - due).days
        if late > 0:
            return failed(f"{what} on {done}, {late} days late (deadline {due})", days_late=late, **facts)
        return passed(f"{what} on {done}, in time (deadline {due})", **facts)
    left = (due - today).days
    if left >= 0:
        return passed(f"{what} due in {left} days (by {due})", due_in_days=left, **facts)
    return failed(f"{what} {-left} days overdue (deadline {due})", days_overdue=-left, **facts)


def roster_day(resource: Resource) -> date:
    """Evaluation date of a ``workforce.*`` resource; skip without a roster."""
    return evaluated_on(resource, "roster_file", "--workforce", "workforce roster")


def register_day(resource: Resource) -> date:
    """Evaluation date of an ``incident.*`` resource; skip without a register."""
    return evaluated_on(resource, "register_file", "--incidents", "incident register")
