"""AWS Backup: each region has a plan, and every rule keeps recovery points long enough."""
from __future__ import annotations

from typing import Any, Iterable

from hipaacheck.model import Outcome, Resource, failed, passed
from hipaacheck.registry import check


@check("aws.backup.plan_retention", resource_type="aws.backup.plans", reads=("plans",), params={
    "min_retention_days": {"type": "integer", "minimum": 1, "default": 35},
})
def plan_retention(resource: Resource, params: dict[str, Any]) -> Iterable[Outcome]:
    """At least one backup plan exists; each plan's rules keep backups at least min_retention_days
    (a rule without DeleteAfterDays keeps them indefinitely)."""
    minimum = params["min_retention_days"]
    plans = resource.get("plans") or []
    if not plans:
        return [failed("no AWS Backup plan in this region", plans=[], min_retention_days=minimum)]
    outcomes = []
    for plan in plans:
        rules = plan.get("rules") or []
        short = [r for r in rules if r.get("delete_after_days") is not None and r["delete_after_days"] < minimum]
        evidence = {"rules": rules, "min_retention_days": minimum}
        name = plan.get("name") or plan.get("id")
        if not rules:
            outcomes.append(failed("backup plan has no rules", item=name, **evidence))
        elif short:
            names = ", ".join(f"{r.get('name')} ({r['delete_after_days']} days)" for r in short)
            outcomes.append(failed(f"rules keep backups fewer than {minimum} days: {names}", item=name, **evidence))
        else:
            outcomes.append(passed(f"every rule keeps backups at least {minimum} days", item=name, **evidence))
    return outcomes
