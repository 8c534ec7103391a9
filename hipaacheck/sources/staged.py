"""A private temporary copy of a host tree (an SSH target's files, an image's layers) for the host collectors.

The SSH and image sources write what they fetch or unpack into a :class:`StagedTree` and then run the
ordinary host collectors on it through :class:`StagedContext`, so path confinement and read limits are the
host source's own. What a local copy cannot express is kept beside it: the owner and mode each entry had
on the target (local copies are the scanner's own files), and why an entry could not be copied
("needs root", "not a regular file", "larger than ..."), which a read or stat then reports as an error.
:class:`StagedContext` also records which host paths the collectors asked for, so a fetcher can bring in
exactly those and run the collectors again until they ask for nothing new.
"""
from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Iterable

from .host.files import FileRead, FileStat, HostContext, HostFileError

if TYPE_CHECKING:
    from ..inventory import Inventory

__all__ = ["Asks", "Meta", "StagedContext", "StagedTree", "collect_staged"]


@dataclass(frozen=True)
class Meta:
    """An entry's owner and permission bits on the target."""

    mode: int
    uid: int
    gid: int
    is_dir: bool = False


@dataclass
class Asks:
    """Host paths the collectors asked about in one run: for metadata (stat, exists, globs) or content."""

    paths: set[str] = field(default_factory=set)
    contents: set[str] = field(default_factory=set)
    globs: set[str] = field(default_factory=set)


class StagedTree:
    """A private temporary root folder, with each entry's target metadata and the reasons for gaps."""

    def __init__(self, prefix: str = "hipaacheck-") -> None:
        self.root = Path(tempfile.mkdtemp(prefix=prefix)).resolve()  # mode 0700: private to this user
        self.meta: dict[Path, Meta] = {}
        self.problems: dict[Path, str] = {}  # local path -> why it has no usable copy
        self.pending: set[Path] = set()  # placeholders: metadata known, content not fetched

    def local(self, relative: str) -> Path:
        """The local path of a target path given relative to the target root (already confined)."""
        return self.root.joinpath(*[part for part in relative.split("/") if part not in ("", ".", "..")])

    def remove(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self) -> StagedTree:
        return self

    def __exit__(self, *exc: object) -> None:
        self.remove()


class StagedContext(HostContext):
    """A :class:`HostContext` on a staged tree: target owners and modes, gaps as errors, asks recorded."""

    def __init__(self, tree: StagedTree, asks: Asks | None = None) -> None:
        super().__init__(tree.root)
        self.tree = tree
        self.asks = asks

    def real(self, host_path: str) -> Path:
        if self.asks is not None:
            self.asks.paths.add(host_path)
        return super().real(host_path)

    def glob(self, pattern: str) -> list[str]:
        if self.asks is not None:
            self.asks.globs.add(pattern)
        return super().glob(pattern)

    def listdir(self, host_path: str) -> list[str]:
        path = self._local(host_path)
        problem = self.tree.problems.get(path) if path else None
        if problem:  # a folder the target would not let us list must not look empty
            raise HostFileError(f"{host_path}: cannot list the folder: {problem}")
        return super().listdir(host_path)

    def read(self, host_path: str) -> FileRead:
        path = self._local(host_path)
        if path is None:
            return super().read(host_path)  # says why it cannot be resolved
        problem = self.tree.problems.get(path)
        if problem:
            return FileRead(host_path, error=problem)
        if path in self.tree.pending or not path.exists():
            if self.asks is not None:
                self.asks.contents.add(host_path)
            if path in self.tree.pending:
                return FileRead(host_path, error="not fetched")
        return super().read(host_path)

    def stat(self, host_path: str) -> FileStat:
        path = self._local(host_path)
        if path is None:
            return super().stat(host_path)
        meta = self.tree.meta.get(path)
        if meta is not None:
            return FileStat(host_path, True, meta.mode, meta.uid, meta.gid, meta.is_dir)
        if path in self.tree.problems:
            return FileStat(host_path, exists=True, error=self.tree.problems[path])
        return super().stat(host_path)

    def mark_unfetched(self, host_paths: Iterable[str], reason: str) -> None:
        """Record ``reason`` for target paths with no fetched copy: reading or listing them is then an error."""
        for host_path in host_paths:
            local = self._local(host_path)
            if local is not None and local not in self.tree.meta:
                self.tree.problems.setdefault(local, reason)

    def _local(self, host_path: str) -> Path | None:
        try:
            return self.real(host_path)
        except HostFileError:
            return None


def collect_staged(tree: StagedTree, resource_types: set[str], metadata: dict[str, str],
                   asks: Asks | None = None) -> Inventory:
    """Run the host collectors on ``tree``; the inventory names the target (``metadata``), not the temp root."""
    from .host.source import HostSource

    return HostSource(staged=(StagedContext(tree, asks), metadata)).collect(resource_types)
