"""The one place run timestamps come from (UTC, second precision, ``Z`` suffix).

Only sources and the pipeline read the clock; checks never do. Call it through the module
(``clock.now_utc()``) so a test can fix the date by replacing :func:`now_utc`.
"""
from __future__ import annotations

from datetime import datetime, timezone


def now_utc() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")
