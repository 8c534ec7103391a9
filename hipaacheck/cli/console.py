"""What a scan prints for a person: failing and error findings, the summary, the files written, the verdict.

Colour (``--color auto|always|never``) marks each row's status and the verdict's first word; ``auto`` colours a
terminal only, and never when ``NO_COLOR`` is set (https://no-color.org) or ``TERM`` is ``dumb``.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Mapping, TextIO

from ..results import Results, verdict_of

COLORS = {"FAIL": "31", "ERROR": "33", "INCOMPLETE": "33", "PASS": "32", "WAIVED": "36", "MANUAL": "35", "SKIP": "2"}
RESET = "\x1b[0m"


def use_color(choice: str, stream: TextIO, env: Mapping[str, str] | None = None) -> bool:
    """Whether to colour ``stream`` for ``--color choice``."""
    env = os.environ if env is None else env
    if choice != "auto":
        return choice == "always"
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty()) and not env.get("NO_COLOR") and env.get("TERM") != "dumb"


def paint(line: str) -> str:
    """The line with its leading status word (``FAIL``, ``PASS:``...) coloured."""
    word = line.split(" ", 1)[0].rstrip(":")
    code = COLORS.get(word)
    return f"\x1b[{code}m{word}{RESET}{line[len(word):]}" if code else line


def write_console(stream: TextIO, results: Results, written: Mapping[str, Path], quiet: bool = False,
                  show_passed: bool = False, wide: bool = False, color: str = "auto",
                  max_rows: int | None = None) -> None:
    """The table's findings and summary, fitted to the terminal, one ``Wrote`` line per file, then the
    verdict (alone when ``quiet``)."""
    colour = paint if use_color(color, stream) else str
    if not quiet:
        from ..formats.table import TableFormat, terminal_width

        for line in TableFormat(show_passed=show_passed, width=terminal_width(), wide=wide,
                                max_rows=max_rows).body(results):
            stream.write(colour(line) + "\n")
        for what, path in written.items():
            stream.write(f"Wrote {what}: {path}\n")
    stream.write(colour(verdict_of(results).line) + "\n")
