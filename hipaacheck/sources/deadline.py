"""``--deadline SECONDS``: the one time limit of a collection, whichever source runs it.

A source starts a :class:`Deadline` when its collection starts and hands the same object to everything
that must stop with it (AWS member accounts share the caller's, SSH hosts the run's): each checks it
before starting more work, and what was not collected by then is reported as ``error``, never ``pass``.
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from typing import Callable

Clock = Callable[[], float]


class DeadlineExceeded(Exception):
    """``--deadline`` passed: no more work is started, and what was not collected becomes error findings."""


def monotonic() -> float:
    """``time.monotonic()``, looked up at each call (a test moves the clock by patching it)."""
    return time.monotonic()


@dataclass(frozen=True)
class Deadline:
    """When a run's ``--deadline`` passes on ``clock``; ``seconds`` None: never."""

    seconds: float | None
    at: float | None
    clock: Clock = field(default=monotonic, repr=False, compare=False)

    @classmethod
    def from_seconds(cls, seconds: float | None, clock: Clock = monotonic) -> Deadline:
        """A deadline ``seconds`` from now (None: no deadline). Values are checked where they are read
        (:func:`~hipaacheck.sources.option_types.positive_seconds`): any other here is a programming error."""
        if seconds is None:
            return cls(None, None, clock)
        if not (math.isfinite(seconds) and seconds > 0):
            raise ValueError(f"--deadline must be a positive number of seconds, got {seconds!r}")
        return cls(seconds, clock() + seconds, clock)

    def passed(self) -> bool:
        return self.at is not None and self.clock() > self.at

    def check(self, what: str = "") -> None:
        """Raise :class:`DeadlineExceeded` once passed: ``--deadline of 30 s passed`` and then ``what``."""
        if self.passed():
            raise DeadlineExceeded(f"--deadline of {self.seconds:g} s passed{' ' + what if what else ''}")
