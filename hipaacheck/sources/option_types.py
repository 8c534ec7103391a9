"""Types of the numeric source options: a value that makes no sense is refused where it is read.

Each is a source option's ``type``: the command line, ``HIPAACHECK_<OPTION>`` and the config file
(:mod:`hipaacheck.cli.config`) all read values through it, so each refuses it with one line naming the
flag, variable or file place (the :class:`~hipaacheck.errors.OptionValueError`'s text says why):
0 workers or 0 seconds is not taken to mean "the default" or "no limit".
"""
from __future__ import annotations

import math

from ..errors import OptionValueError


def positive_seconds(text: str) -> float:
    """A number of seconds above 0 (0, negative, nan and inf are refused)."""
    try:
        value = float(text)
    except ValueError:
        raise OptionValueError(f"invalid value {text!r}: expected a number of seconds") from None
    if not (math.isfinite(value) and value > 0):
        raise OptionValueError(f"must be a positive number of seconds, got {text!r}")
    return value


def positive_count(text: str) -> int:
    """A whole number of at least 1 (workers, attempts)."""
    try:
        value = int(text)
    except ValueError:
        raise OptionValueError(f"invalid value {text!r}: expected a whole number") from None
    if value < 1:
        raise OptionValueError(f"must be at least 1, got {text!r}")
    return value
