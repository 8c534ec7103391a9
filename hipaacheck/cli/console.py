"""What a scan prints for a person: failing and error findings, the summary, the files written, the verdict."""
from __future__ import annotations

from pathlib import Path
from typing import Mapping, TextIO

from ..results import Results, verdict_of


def write_console(stream: TextIO, results: Results, written: Mapping[str, Path], quiet: bool = False,
                  show_passed: bool = False, wide: bool = False) -> None:
    """The table's findings and summary, fitted to the terminal, one ``Wrote`` line per file, then the
    verdict (alone when ``quiet``)."""
    if not quiet:
        from ..formats.table import TableFormat, terminal_width

        for line in TableFormat(show_passed=show_passed, width=terminal_width(), wide=wide).body(results):
            stream.write(line + "\n")
        for what, path in written.items():
            stream.write(f"Wrote {what}: {path}\n")
    stream.write(verdict_of(results).line + "\n")
