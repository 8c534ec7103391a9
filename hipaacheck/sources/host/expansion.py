"""A budget for Include and drop-in expansion, so a crafted tree cannot make a collector run for ever.

A fan-out of 4 includes over 15 levels is a billion files, each within any depth limit: what bounds it
is the total. One :class:`ExpansionBudget` serves one file tree (an sshd_config and all it includes,
the PAM stacks of one host scan, expanded once for every collector); going past it is a
:class:`~.files.HostFileError`, so the resource is unreadable and its checks report ``error``.
"""
from __future__ import annotations

from .files import HostFileError

MAX_EXPANDED_FILES = 1000


class ExpansionBudget:
    def __init__(self, what: str, max_depth: int, max_files: int = MAX_EXPANDED_FILES) -> None:
        self.what = what  # "sshd_config Include", "PAM include"...
        self.max_depth = max_depth
        self.max_files = max_files
        self.used = 0

    def enter(self, path: str, depth: int) -> None:
        """Count one file pulled in at ``depth`` (0 for the main file); HostFileError past the budget."""
        if depth > self.max_depth:
            raise HostFileError(f"{path}: {self.what} nested deeper than {self.max_depth} (a loop?)")
        self.used += 1
        if self.used > self.max_files:
            raise HostFileError(f"{path}: {self.what} pulls in more than {self.max_files} files")
