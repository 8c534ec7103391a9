"""Applying image layers (tar streams, plain or gzip) in order to a staged tree, safely.

A layer is hostile input. Names are confined to the tree: a leading ``/`` is dropped, a name with ``..`` is
refused; a parent folder that is a link is followed inside the tree only (never by the operating system);
files are created without following links; device nodes, FIFOs and sockets are not created (reading them
is then an error, "not a regular file"); a hard link must name a regular file already inside the tree;
a file larger than the host source's read limit keeps no content ("larger than ..."), and the whole image
is bounded in bytes and entries. Whiteouts (``.wh.NAME``, ``.wh..wh..opq``) remove what lower layers put
there. Owners and modes are kept as :class:`~hipaacheck.sources.staged.Meta`, not applied to the files.
"""
from __future__ import annotations

import os
import shutil
import stat
import tarfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO

from ..host.files import MAX_FILE_BYTES, HostContext, HostFileError
from ..staged import Meta, StagedTree

WHITEOUT = ".wh."
OPAQUE = ".wh..wh..opq"
MAX_IMAGE_BYTES = 2 * 1024 ** 3
MAX_IMAGE_ENTRIES = 1_000_000
_CHUNK = 1024 * 1024


class ImageTooLarge(Exception):
    """The image passed its byte or entry budget: the target is an error, not a partial pass."""


@dataclass
class Budget:
    """What is left of one image's budget, and what was refused on the way."""

    bytes_left: int = MAX_IMAGE_BYTES
    entries_left: int = MAX_IMAGE_ENTRIES
    refused: int = 0  # entries not applied: names outside the tree, links out, device nodes...

    def take(self, size: int) -> None:
        self.entries_left -= 1
        self.bytes_left -= size
        if self.entries_left < 0 or self.bytes_left < 0:
            raise ImageTooLarge("image passes the size limit of this scan")


class LayerApplier:
    """Applies layers one after the other to ``tree``."""

    def __init__(self, tree: StagedTree, budget: Budget | None = None) -> None:
        self.tree = tree
        self.budget = budget or Budget()
        self._resolver = HostContext(tree.root)
        self._this_layer: set[Path] = set()

    def apply(self, stream: IO[bytes]) -> None:
        """Apply one layer read from ``stream`` (a tar, gzip-compressed or not)."""
        self._this_layer = set()
        with tarfile.open(fileobj=stream, mode="r|*") as layer:
            for member in layer:
                self._entry(layer, member)

    def _entry(self, layer: tarfile.TarFile, member: tarfile.TarInfo) -> None:
        parts = [part for part in member.name.split("/") if part not in ("", ".")]
        if not parts or ".." in parts:
            self.budget.refused += bool(parts)
            return
        parent = self._parent(parts[:-1])
        if parent is None:
            self.budget.refused += 1
            return
        name = parts[-1]
        if name == OPAQUE:
            self._clear(parent, keep=self._this_layer)
        elif name.startswith(WHITEOUT):
            self._remove(parent / name[len(WHITEOUT):])
        else:
            self.budget.take(member.size if member.isreg() else 0)
            self._create(layer, member, parent / name)

    def _parent(self, parts: list[str]) -> Path | None:
        """The folder an entry goes in, links followed inside the tree, missing folders made; None if that
        would leave the tree (a link loop the resolver gave up on, a file where a folder should be)."""
        try:
            folder = self._resolver.real("/" + "/".join(parts))
        except HostFileError:  # a link loop, more than 40 links
            return None
        if os.path.realpath(folder) != str(folder) or not folder.is_relative_to(self.tree.root):
            return None
        try:
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        except (FileExistsError, NotADirectoryError):
            return None
        return folder

    def _create(self, layer: tarfile.TarFile, member: tarfile.TarInfo, path: Path) -> None:
        existing = _lstat(path)
        if existing is not None and not (member.isdir() and stat.S_ISDIR(existing.st_mode)):
            self._remove(path)
        self._this_layer.add(path)
        meta = Meta(member.mode & 0o7777, member.uid, member.gid, member.isdir())
        if member.isdir():
            path.mkdir(mode=0o700, exist_ok=True)
        elif member.issym():
            os.symlink(member.linkname, path)  # read later through the resolver: confined to the tree
            return
        elif member.isreg():
            self._write(layer, member, path)
        elif member.islnk():
            if not self._hard_link(member.linkname, path):
                self.budget.refused += 1
                return
        else:  # character or block device, FIFO: never created
            self.tree.problems[path] = "not a regular file"
        self.tree.meta[path] = meta

    def _write(self, layer: tarfile.TarFile, member: tarfile.TarInfo, path: Path) -> None:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
        with os.fdopen(descriptor, "wb") as out:
            if member.size > MAX_FILE_BYTES:
                self.tree.problems[path] = f"larger than {MAX_FILE_BYTES} bytes"
                return
            source = layer.extractfile(member)
            if source is not None:
                shutil.copyfileobj(source, out, _CHUNK)

    def _hard_link(self, linkname: str, path: Path) -> bool:
        parts = [part for part in linkname.split("/") if part not in ("", ".")]
        if not parts or ".." in parts:
            return False
        try:
            source = self._resolver.real("/" + "/".join(parts))
        except HostFileError:
            return False
        found = _lstat(source)
        if found is None or not stat.S_ISREG(found.st_mode) or os.path.realpath(source) != str(source):
            return False
        os.link(source, path, follow_symlinks=False)
        if source in self.tree.problems:
            self.tree.problems[path] = self.tree.problems[source]
        return True

    def _remove(self, path: Path) -> None:
        """Remove ``path`` (file, link or folder tree) and what the tree recorded for it."""
        found = _lstat(path)
        if found is None:
            return
        if stat.S_ISDIR(found.st_mode):
            shutil.rmtree(path)
            self._forget(path, below=True)
        else:
            path.unlink()
            self._forget(path, below=False)

    def _clear(self, folder: Path, keep: set[Path]) -> None:
        for child in list(folder.iterdir()):
            if child not in keep:
                self._remove(child)

    def _forget(self, path: Path, below: bool) -> None:
        gone = [path]
        if below:  # a folder: everything recorded under it too (rare: whiteouts, a file replacing a folder)
            gone += [key for key in (*self.tree.meta, *self.tree.problems) if key.is_relative_to(path)]
        for key in gone:
            self.tree.meta.pop(key, None)
            self.tree.problems.pop(key, None)


def _lstat(path: Path) -> os.stat_result | None:
    try:
        return path.lstat()
    except FileNotFoundError:
        return None


def member_path(name: str) -> PurePosixPath:
    """A blob or layer name inside an image archive, refused if it could leave the archive's root."""
    parts = [part for part in name.split("/") if part not in ("", ".")]
    if not parts or ".." in parts or name.startswith("/"):
        raise ValueError(f"unsafe name {name!r}")
    return PurePosixPath(*parts)
