"""Keeping big runs lean: no cyclic-GC passes over structures that hold no cycles.

Loading a 100k-resource inventory and evaluating it allocate millions of dicts and findings, none in
a reference cycle; the cyclic collector still walks them again and again (measured: 60% of evaluation).
Reference counting frees everything as usual while the collector is paused.
"""
from __future__ import annotations

import gc
from contextlib import contextmanager
from typing import Iterator


@contextmanager
def gc_paused(long_lived: bool = False) -> Iterator[None]:
    """Pause the cyclic collector for the block (nested uses are fine); restore it afterwards.

    ``long_lived``: what the block built lives on (a loaded inventory, the findings), so it is frozen
    (:func:`keep_long_lived`) before the collector resumes. Otherwise the collector's first pass
    after the block walks every object the block allocated: measured 0.3 s after evaluating 401k findings.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            if long_lived:
                keep_long_lived()
            gc.enable()


def keep_long_lived() -> None:
    """Move everything alive now out of the collector's sight (``gc.freeze``).

    Called once an inventory is loaded and once its findings exist: both live until the command ends,
    and later collections (triggered while rendering) would otherwise walk them every time. The CLI
    calls :func:`release_long_lived` when the command ends, for in-process callers such as tests.
    """
    gc.freeze()


_KEPT: list[object] = []


def keep_until_exit(value: object) -> None:
    """Keep ``value`` (a scan's results) alive until the command ends: when the process ends with it
    (:func:`hipaacheck.cli.run`), nothing spends a tenth of a big scan freeing 400k findings one by one."""
    _KEPT.append(value)


def release_long_lived() -> None:
    """For in-process callers (tests): what :func:`keep_long_lived` and :func:`keep_until_exit` kept is let go."""
    gc.unfreeze()
    _KEPT.clear()
