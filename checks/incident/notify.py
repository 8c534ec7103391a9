"""Incident risk assessment and the Breach Notification Rule's deadlines (164.308(a)(6)(ii), 164.404-164.410).

Every deadline runs from discovery. An incident not (yet) assessed is treated as a breach: the notice
deadlines apply until an assessment says otherwise. An open deadline passes with "due in N days"; a missed
one fails with the days overdue; a notice made late fails with the days late.
"""
from __future__ import annotations

from datetime import date, timedelta
from typing import Any, Iterator

from hipaacheck.deadlines import day, deadline, register_day
from hipaacheck.model import NotApplicable, Outcome, Resource
from hipaacheck.registry import check

BASE = ("register_file", "evaluated_on", "discovered", "assessment")
WINDOW = {"type": "integer", "minimum": 1, "maximum": 365, "default": 60,
          "description": "calendar days after discovery (the rule's outer limit; 'without unreasonable delay')"}


def _open(resource: Resource) -> tuple[date, date]:
    """(evaluation date, discovery date); skip when assessed as not a breach."""
    today = register_day(resource)
    assessment = resource.get("assessment")
    if assessment is not None and assessment["breach"] is False:
        raise NotApplicable(f"assessed on {assessment['date']} as not a breach: no notification due")
    return today, date.fromisoformat(resource.get("discovered"))


def _notice(resource: Resource, name: str) -> date | None:
    return day((resource.get("notifications") or {}).get(name))


def _within(resource: Resource, what: str, name: str, days: int) -> Outcome:
    today, discovered = _open(resource)
    return deadline(f"{resource.id}: {what}", discovered + timedelta(days=days), today, _notice(resource, name),
                    discovered=str(discovered), notice=name)


@check("incident.risk_assessment", resource_type="incident.record",
       params={"within_days": {"type": "integer", "minimum": 1, "maximum": 365, "default": 30,
                               "description": "days after discovery by which the risk assessment is documented"}},
       reads=BASE)
def risk_assessment(resource: Resource, params: dict[str, Any]) -> Outcome:
    """Every incident has a documented breach risk assessment within ``within_days`` of discovery."""
    today = register_day(resource)
    discovered = date.fromisoformat(resource.get("discovered"))
    assessment = resource.get("assessment")
    done = day(assessment["date"]) if assessment else None
    outcome = ""
    if assessment is not None:
        outcome = f" ({'a breach' if assessment['breach'] else 'not a breach'}, by {assessment['by']})"
    return deadline(f"{resource.id}: risk assessment{outcome}", discovered + timedelta(days=params["within_days"]),
                    today, done, discovered=str(discovered))


@check("incident.notify_individuals", resource_type="incident.record", params={"within_days": WINDOW},
       reads=(*BASE, "notifications"))
def notify_individuals(resource: Resource, params: dict[str, Any]) -> Outcome:
    """Affected individuals notified no later than ``within_days`` after discovery (164.404(b))."""
    return _within(resource, "notice to individuals", "individuals", params["within_days"])


@check("incident.notify_covered_entity", resource_type="incident.record", params={"within_days": WINDOW},
       reads=(*BASE, "notifications", "business_associate"))
def notify_covered_entity(resource: Resource, params: dict[str, Any]) -> Outcome:
    """A business associate's breach reported to the covered entity within ``within_days`` (164.410(b))."""
    register_day(resource)
    if not resource.get("business_associate"):
        raise NotApplicable("not a business associate's incident")
    return _within(resource, "business associate's notice to the covered entity", "covered_entity",
                   params["within_days"])


@check("incident.notify_hhs", resource_type="incident.record",
       params={"within_days": WINDOW,
               "large_breach": {"type": "integer", "minimum": 1, "default": 500,
                                "description": "individuals from which HHS is told within the window, not yearly"}},
       reads=(*BASE, "notifications", "affected"))
def notify_hhs(resource: Resource, params: dict[str, Any]) -> Outcome:
    """500 or more affected: HHS within 60 days of discovery; fewer: within 60 days after the end of the
    calendar year of discovery (164.408(b), (c))."""
    today, discovered = _open(resource)
    total = (resource.get("affected") or {}).get("total")
    notified = _notice(resource, "hhs")
    facts = {"discovered": str(discovered), "notice": "hhs", "affected": total}
    window = discovered + timedelta(days=params["within_days"])
    if total is None:
        if notified is not None and notified <= window:
            return deadline(f"{resource.id}: notice to HHS", window, today, notified, **facts)
        return Outcome("error", f"{resource.id}: the number of individuals affected is not recorded, so the HHS "
                                f"deadline is unknown (within {params['within_days']} days of discovery, by {window}, "
                                f"if {params['large_breach']} or more)", facts)
    if total >= params["large_breach"]:
        return deadline(f"{resource.id}: notice to HHS ({total} affected)", window, today, notified, **facts)
    year_end = date(discovered.year, 12, 31) + timedelta(days=params["within_days"])
    return deadline(f"{resource.id}: yearly notice to HHS ({total} affected)", year_end, today, notified, **facts)


@check("incident.notify_media", resource_type="incident.record",
       params={"within_days": WINDOW,
               "residents": {"type": "integer", "minimum": 1, "default": 500,
                             "description": "media notice is due where more than this many residents are affected"}},
       reads=(*BASE, "notifications", "affected"))
def notify_media(resource: Resource, params: dict[str, Any]) -> Iterator[Outcome]:
    """More than 500 residents of a State or jurisdiction: prominent media there within 60 days (164.406)."""
    today, discovered = _open(resource)
    states = {s: n for s, n in ((resource.get("affected") or {}).get("by_state") or {}).items()
              if n > params["residents"]}
    if not states:
        raise NotApplicable(f"no State or jurisdiction with more than {params['residents']} residents affected")
    media = (resource.get("notifications") or {}).get("media") or {}
    for state, count in sorted(states.items()):
        outcome = deadline(f"{resource.id}: notice to media in {state} ({count} residents)",
                           discovered + timedelta(days=params["within_days"]), today, day(media.get(state)),
                           discovered=str(discovered), notice="media", state=state, residents=count)
        outcome.item = state
        yield outcome
