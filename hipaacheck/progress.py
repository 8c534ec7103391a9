"""A one-line progress display on stderr, only when stderr is a terminal.

Sources call ``progress("aws us-east-1 aws.s3.bucket")`` as they go (from
worker threads too). In CI logs, pipes and ``--quiet`` runs nothing is drawn,
so captured output stays byte-stable.
"""
from __future__ import annotations

import shutil
import sys
import threading
import time
from typing import TextIO

from .text import one_line

CLEAR_LINE = "\r\x1b[K"


class Progress:
    """Redraws one status line: step count, elapsed seconds and the current step."""

    def __init__(self, stream: TextIO, clock=time.monotonic) -> None:
        self.stream = stream
        self.clock = clock
        self.started = clock()
        self.steps = 0
        self._lock = threading.Lock()

    def __call__(self, message: str) -> None:
        with self._lock:
            self.steps += 1
            width = max(20, shutil.get_terminal_size((80, 24)).columns - 1)
            line = f"[{self.steps}] {self.clock() - self.started:5.1f}s {one_line(message)}"
            self.stream.write(CLEAR_LINE + line[:width])
            self.stream.flush()

    def done(self) -> None:
        """Erase the line so the verdict prints on a clean row."""
        with self._lock:
            if self.steps:
                self.stream.write(CLEAR_LINE)
                self.stream.flush()


def make_progress(quiet: bool = False, stream: TextIO | None = None) -> Progress | None:
    """A :class:`Progress` for a terminal; ``None`` (no output at all) otherwise."""
    stream = sys.stderr if stream is None else stream
    isatty = getattr(stream, "isatty", None)
    if quiet or not (isatty and isatty()):
        return None
    return Progress(stream)
