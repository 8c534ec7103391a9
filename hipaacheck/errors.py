"""Errors that stop a run before anything is scanned (exit code 2)."""
from __future__ import annotations


class InputError(Exception):
    """Bad input: a file, a flag or a value. Rendered as one line, exit 2.

    ``where`` names the file and, when known, the line or JSON path, e.g.
    ``controls/host/sshd.yaml:12`` or ``waivers.yaml: $.waivers[3].expires``.
    """

    def __init__(self, where: str, problem: str) -> None:
        super().__init__(f"{where}: {problem}" if where else problem)
        self.where = where
        self.problem = problem


class OptionValueError(ValueError):
    """A value an option cannot take, saying why (``must be at least 1, got '0'``); raised by option types
    below the CLI, which shows the text with the flag, variable or config file place."""
