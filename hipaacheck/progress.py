"""A one-line progress display on stderr, only when stderr is a terminal.

Sources say how many steps they will take (:func:`set_total`), may name a running count that grows inside a
step (:func:`set_counter`: API calls made, resources read), and call ``progress("aws us-east-1 aws.s3.bucket")``
as each step starts (from worker threads too). The line reads ``[3/40 collectors] 12.5s 1,204 API calls aws
us-east-1 aws.s3.bucket`` and is redrawn twice a second, so elapsed time and the count keep moving during a
long step. In CI logs, pipes and ``--quiet`` runs nothing is drawn, so captured output stays byte-stable.
"""
from __future__ import annotations

import shutil
import sys
import threading
import time
from typing import Any, Callable, TextIO

from .text import one_line

CLEAR_LINE = "\r\x1b[K"
REDRAW_EVERY = 0.5  # seconds


class Progress:
    """Redraws one status line: steps started (of how many), elapsed seconds, a running count, the step."""

    def __init__(self, stream: TextIO, clock: Callable[[], float] = time.monotonic, ticker: bool = True) -> None:
        self.stream = stream
        self.clock = clock
        self.started = clock()
        self.steps = 0
        self.total: int | None = None
        self.unit = "steps"
        self.counter: tuple[Callable[[], int], str] | None = None
        self.current = ""
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        if ticker:
            self._thread = threading.Thread(target=self._tick, name="hipaacheck-progress", daemon=True)
            self._thread.start()

    def set_total(self, total: int, unit: str = "steps") -> None:
        with self._lock:
            self.total, self.unit = total, unit

    def set_counter(self, count: Callable[[], int], label: str) -> None:
        with self._lock:
            self.counter = (count, label)

    def __call__(self, message: str) -> None:
        with self._lock:
            self.steps += 1
            self.current = message
            self._draw()

    def line(self) -> str:
        done = f"{self.steps}/{self.total} {self.unit}" if self.total is not None else str(self.steps)
        count = f" {self.counter[0]():,} {self.counter[1]}" if self.counter else ""
        return f"[{done}] {self.clock() - self.started:5.1f}s{count} {one_line(self.current)}"

    def _draw(self) -> None:
        width = max(20, shutil.get_terminal_size((80, 24)).columns - 1)
        self.stream.write(CLEAR_LINE + self.line()[:width])
        self.stream.flush()

    def redraw(self) -> None:
        """Draw the line again (the ticker calls this): elapsed time and the count move within a step."""
        with self._lock:
            if self.steps and not self._stop.is_set():
                self._draw()

    def _tick(self) -> None:
        while not self._stop.wait(REDRAW_EVERY):
            self.redraw()

    def done(self) -> None:
        """Stop redrawing and erase the line so the verdict prints on a clean row."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        with self._lock:
            if self.steps:
                self.stream.write(CLEAR_LINE)
                self.stream.flush()


def set_total(progress: Any, total: int, unit: str) -> None:
    """Tell a progress callback how many steps follow (a plain callable ignores it)."""
    method = getattr(progress, "set_total", None)
    if method is not None:
        method(total, unit)


def set_counter(progress: Any, count: Callable[[], int], label: str) -> None:
    """Give a progress callback a count that grows within steps (a plain callable ignores it)."""
    method = getattr(progress, "set_counter", None)
    if method is not None:
        method(count, label)


def make_progress(quiet: bool = False, stream: TextIO | None = None) -> Progress | None:
    """A :class:`Progress` for a terminal; ``None`` (no output at all) otherwise."""
    stream = sys.stderr if stream is None else stream
    isatty = getattr(stream, "isatty", None)
    if quiet or not (isatty and isatty()):
        return None
    return Progress(stream)
