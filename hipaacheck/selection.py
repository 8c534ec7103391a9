"""Narrowing a profile's selection for one run: ``--controls``, ``--skip-controls``, ``--min-severity``,
``--services`` and ``--tags`` (on ``scan``, ``collect``, ``coverage`` and ``controls list``).

Each filter only narrows: a control runs when the profile selects it and it passes every filter given. A
filter that can match nothing among the profile's controls (a typo) is refused, not silently empty.
"""
from __future__ import annotations

import fnmatch
from dataclasses import dataclass
from typing import Callable, Sequence, TypeVar

from .controls import Control
from .errors import InputError
from .model import SEVERITY_RANK, service_of_type

T = TypeVar("T")


@dataclass(frozen=True)
class Selection:
    controls: tuple[str, ...] = ()  # id globs: only these
    skip_controls: tuple[str, ...] = ()  # id globs: never these
    min_severity: str | None = None
    services: tuple[str, ...] = ()  # the service part of the resource type: s3 in aws.s3.bucket, sshd in host.sshd
    tags: tuple[str, ...] = ()  # a control with any of these tags

    def __bool__(self) -> bool:
        return bool(self.controls or self.skip_controls or self.min_severity or self.services or self.tags)


def service_of(control: Control) -> str:
    return service_of_type(control.resource_type)


def _matches_any(control_id: str, patterns: Sequence[str]) -> bool:
    return any(fnmatch.fnmatchcase(control_id, pattern) for pattern in patterns)


def _refuse_unknown(selection: Selection, controls: Sequence[tuple[Control, str]]) -> None:
    for flag, patterns in (("--controls", selection.controls), ("--skip-controls", selection.skip_controls)):
        for pattern in patterns:
            if not any(_matches_any(c.id, (pattern,)) for c, _ in controls):
                raise InputError(flag, f"{pattern!r} matches none of the {len(controls)} controls selected")
    for flag, wanted, known in (("--services", selection.services, {service_of(c) for c, _ in controls}),
                                ("--tags", selection.tags, {t for c, _ in controls for t in c.tags})):
        for name in wanted:
            if name not in known:
                raise InputError(flag, f"no selected control has {flag[2:-1]} {name!r} (known: {', '.join(sorted(known))})")


def narrow(selection: Selection, items: Sequence[T], control_of: Callable[[T], tuple[Control, str]]) -> list[T]:
    """The ``items`` (controls, or active controls) whose control and severity pass every filter given."""
    if not selection:
        return list(items)
    pairs = [control_of(item) for item in items]
    _refuse_unknown(selection, pairs)
    floor = SEVERITY_RANK[selection.min_severity] if selection.min_severity else None
    kept = []
    for item, (control, severity) in zip(items, pairs, strict=True):
        if selection.controls and not _matches_any(control.id, selection.controls):
            continue
        if _matches_any(control.id, selection.skip_controls):
            continue
        if floor is not None and SEVERITY_RANK[severity] < floor:
            continue
        if selection.services and service_of(control) not in selection.services:
            continue
        if selection.tags and not set(selection.tags) & set(control.tags):
            continue
        kept.append(item)
    if not kept:
        raise InputError("selection", f"the options given leave none of the {len(items)} controls selected")
    return kept

