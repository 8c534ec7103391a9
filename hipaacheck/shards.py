"""``--shard I/N``: the I-th of N deterministic, balanced slices of a sorted list of targets.

Slices are contiguous runs of the sorted list whose sizes differ by one at most, so N jobs given the same
list and I = 0..N-1 cover every target exactly once. ``auto/N`` takes I from ``JOB_COMPLETION_INDEX``, the
index Kubernetes gives each pod of an Indexed Job.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Mapping, Sequence, TypeVar

from .errors import InputError

T = TypeVar("T")
INDEX_VARIABLE = "JOB_COMPLETION_INDEX"


@dataclass(frozen=True)
class Shard:
    index: int
    count: int

    @classmethod
    def parse(cls, text: str, environ: Mapping[str, str] | None = None, flag: str = "--shard") -> "Shard":
        """``I/N`` or ``auto/N`` (I from ``JOB_COMPLETION_INDEX`` in ``environ``, default the process's)."""
        index_text, slash, count_text = text.strip().partition("/")
        if not slash or not count_text.isdigit() or int(count_text) < 1:
            raise InputError(flag, f"expected I/N or auto/N with N a positive whole number, got {text!r}")
        count = int(count_text)
        if index_text == "auto":
            environ = os.environ if environ is None else environ
            index_text = environ.get(INDEX_VARIABLE, "")
            if not index_text.isdigit():
                raise InputError(flag, f"auto/{count} needs {INDEX_VARIABLE} set to a whole number "
                                       "(as in a Kubernetes Indexed Job)")
        if not index_text.isdigit():
            raise InputError(flag, f"expected I/N or auto/N with I a whole number, got {text!r}")
        index = int(index_text)
        if index >= count:
            raise InputError(flag, f"index {index} is not below the shard count {count}")
        return cls(index, count)

    def select(self, items: Sequence[T]) -> list[T]:
        """This shard's slice of ``items`` (already sorted by the caller)."""
        total = len(items)
        return list(items[self.index * total // self.count:(self.index + 1) * total // self.count])

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"
