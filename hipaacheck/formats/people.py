"""The people side of a report, from the findings alone (so ``report`` re-renders it from saved results):
training status by role and a timeline per incident (discovery, each deadline, each notice).

Findings are picked by their check, whose evidence this reads, not by control id: a profile's own control
on the training or a notice check shows here too."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable

from ..model import Finding

TRAINING = "workforce.training"  # check ids
NOTICES = {"incident.risk_assessment": "risk assessment", "incident.notify_individuals": "notice to individuals",
           "incident.notify_hhs": "notice to HHS", "incident.notify_media": "notice to media",
           "incident.notify_covered_entity": "notice to the covered entity"}


@dataclass
class RoleTraining:
    role: str
    counts: dict[str, int] = field(default_factory=dict)  # status -> people


@dataclass(frozen=True)
class Event:
    date: str
    what: str
    kind: str  # discovered | deadline | done
    status: str  # the finding's status ("" for discovery)


@dataclass
class Timeline:
    incident: str
    events: list[Event] = field(default_factory=list)


@dataclass
class PeopleView:
    training: list[RoleTraining]
    timelines: list[Timeline]

    def __bool__(self) -> bool:
        return bool(self.training or self.timelines)


def _label(finding: Finding) -> str:
    label = NOTICES[finding.check_id]
    item = finding.resource.get("item")
    return f"{label} in {item}" if item else label


def people_view(findings: Iterable[Finding]) -> PeopleView:
    roles: dict[str, RoleTraining] = {}
    timelines: dict[str, dict[tuple[str, str, str], Event]] = {}
    for finding in findings:
        evidence = finding.evidence or {}
        if finding.check_id == TRAINING and evidence.get("role"):
            counts = roles.setdefault(str(evidence["role"]), RoleTraining(str(evidence["role"]))).counts
            counts[str(finding.status)] = counts.get(str(finding.status), 0) + 1
        elif finding.check_id in NOTICES and evidence.get("discovered"):
            events = timelines.setdefault(str(finding.resource.get("id")), {})
            status, what = str(finding.status), _label(finding)
            for event in (Event(str(evidence["discovered"]), "discovered", "discovered", ""),
                          Event(str(evidence.get("deadline") or ""), f"{what} due", "deadline", status),
                          Event(str(evidence.get("done_on") or ""), what, "done", status)):
                if event.date:
                    events.setdefault((event.date, event.kind, event.what), event)
    return PeopleView(
        training=[roles[name] for name in sorted(roles)],
        timelines=[Timeline(name, [events[key] for key in sorted(events)]) for name, events in sorted(timelines.items())])
