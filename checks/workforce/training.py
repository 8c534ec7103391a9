"""Workforce security awareness training: initial training soon after hire, then a periodic refresher."""
from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from hipaacheck.deadlines import day, deadline, roster_day
from hipaacheck.model import NotApplicable, Outcome, Resource
from hipaacheck.registry import check

ROSTER = ("roster_file", "evaluated_on", "role")

@check("workforce.training", resource_type="workforce.person",
       params={"initial_days": {"type": "integer", "minimum": 0, "maximum": 3660, "default": 30,
                                "description": "days after hire by which the first training is due"},
               "interval_days": {"type": "integer", "minimum": 1, "maximum": 3660, "default": 365,
                                 "description": "days a training stays current"}},
       reads=(*ROSTER, "hire_date", "termination_date", "last_training_date"))
def training(resource: Resource, params: dict[str, Any]) -> Outcome:
    """Trained within ``initial_days`` of hire and again at least every ``interval_days``; one finding per person."""
    today = roster_day(resource)
    terminated = day(resource.get("termination_date"))
    if terminated is not None and terminated <= today:
        raise NotApplicable(f"terminated on {terminated}: no training due")
    last, hired = day(resource.get("last_training_date")), date.fromisoformat(resource.get("hire_date"))
    who = f"{resource.id} ({resource.get('role')})"
    if last is None:
        return deadline(f"{who}: initial training", hired + timedelta(days=params["initial_days"]), today,
                        role=resource.get("role"), hire_date=str(hired), last_training_date=None)
    return deadline(f"{who}: refresher training (last {last})", last + timedelta(days=params["interval_days"]), today,
                    role=resource.get("role"), hire_date=str(hired), last_training_date=str(last))
