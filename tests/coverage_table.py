"""The table the AWS coverage tests share: a control, the seed that builds a good and a bad resource for it,
the status each should get, and the calls whose denial must leave it ``error``, never ``pass``."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

from aws_helpers import REGION, collect_and_evaluate, deny, hook_events


@dataclass(frozen=True)
class Case:
    control: str
    seed: Callable[[Any, Any], dict[str, str]]
    expect: dict[str, str]  # seed label -> status
    deny: tuple[str, ...]  # operations whose denial leaves the control unable to see
    params: dict[str, Any] = field(default_factory=dict)
    still: tuple[str, ...] = ()  # labels a denial of ``deny`` does not affect (nothing to read for them)
    regions: tuple[str, ...] = (REGION,)

    def __str__(self) -> str:
        return self.control


GOOD_BAD = {"good": "pass", "bad": "fail"}
def run(case: Case, monkeypatch, session, denied: bool = False) -> tuple[dict[str, str], list]:
    """Seed, collect the control's type (with ``case.deny`` refused when ``denied``), evaluate:
    (seed label -> status of its resource's finding, findings)."""
    labels = case.seed(session, monkeypatch)
    if denied:  # registered after the seed's answers, so it is consulted first
        hook_events(monkeypatch, "before-call", deny(case.deny))
    findings = collect_and_evaluate(case.control, case.regions, **case.params)
    got: dict[str, str] = {}
    for label, fragment in labels.items():
        exact = [f for f in findings if f.resource["id"].endswith(fragment)]
        matched = {f.status for f in exact or [f for f in findings if fragment in f.resource["id"]]}
        if len(matched) == 1:
            got[label] = matched.pop()
    return got, findings


def assert_good_and_bad(case: Case, monkeypatch, session) -> None:
    """Each seed label gets the status the case expects."""
    got, _ = run(case, monkeypatch, session)
    assert {label: got.get(label) for label in case.expect} == case.expect


def assert_denied_is_error(case: Case, monkeypatch, session) -> None:
    """With ``case.deny`` refused, what the control judges is ``error``, never ``pass``."""
    got, findings = run(case, monkeypatch, session, denied=True)
    assert "error" in {f.status for f in findings}
    judged = [label for label in case.expect if case.expect[label] != "skip" and label not in case.still]
    if any(label in got for label in judged):  # still listed: a per-resource read was denied
        assert {label: got.get(label) for label in judged} == dict.fromkeys(judged, "error")
    else:  # the listing itself was denied: nothing of the type can pass
        assert {f.status for f in findings} == {"error"}, [(f.resource, f.status) for f in findings]
