"""The one interface every output format implements: write a :class:`Results` to a binary stream."""
from __future__ import annotations

import io
from abc import ABC, abstractmethod
from typing import BinaryIO

from ..results import Results


class OutputFormat(ABC):
    """Write a :class:`Results` document in one format, deterministically for the same results.

    Formats that allow it write finding by finding, so the whole rendered document is
    never held in memory next to the findings.
    """

    name: str = ""
    filename: str = ""  # file written under --output-dir, e.g. "hipaacheck.sarif"

    def __init__(self, pretty: bool = False, show_passed: bool = False) -> None:
        self.pretty = pretty  # JSON formats: indent for people instead of compact
        self.show_passed = show_passed  # the table: list passing findings too, not only count them

    @abstractmethod
    def write(self, results: Results, out: BinaryIO) -> None:
        """Write the whole document to ``out`` (UTF-8)."""

    def render(self, results: Results) -> str:
        """The whole document as text: a convenience for tests and small results."""
        buffer = io.BytesIO()
        self.write(results, buffer)
        return buffer.getvalue().decode("utf-8")


class WholeFormat(OutputFormat):
    """A format rendered whole in memory (a template or a table), then written."""

    @abstractmethod
    def render(self, results: Results) -> str:
        """Return the whole document."""

    def write(self, results: Results, out: BinaryIO) -> None:
        out.write(self.render(results).encode("utf-8"))
