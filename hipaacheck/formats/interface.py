"""The one interface every output format implements."""
from __future__ import annotations

from abc import ABC, abstractmethod

from ..results import Results


class OutputFormat(ABC):
    """Render a :class:`Results` document as text (or bytes) in one format."""

    name: str = ""
    filename: str = ""  # file written under --output-dir, e.g. "hipaacheck.sarif"

    @abstractmethod
    def render(self, results: Results) -> str | bytes:
        """Return the whole document. Must be deterministic for the same results."""
