"""Copying exactly the files the host collectors ask for from an SSH target into a staged tree, over SFTP.

Paths are resolved on the target the way :class:`~hipaacheck.sources.host.files.HostContext` resolves them
under ``--root``, component by component with ``lstat``/``readlink``: links are followed inside the remote
root (an absolute target restarts at the remote root, ``..`` stops there, 40 hops at most), and nothing
is opened that is not a regular file when looked at. The copy is dereferenced: it holds no links, each
path holding what its resolution on the target holds, so nothing on the scanning machine can be reached
through it. Folders a glob lists are copied as names with their owners and modes (placeholders); a
file's content is fetched only when a collector reads it, within the host source's per-file limit and a
per-host byte budget. What cannot be copied is recorded in the tree with the reason ("needs root" when
the login user may not read it and ``--ssh-sudo`` was not given).
"""
from __future__ import annotations

import errno
import fnmatch
import stat
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Iterable

from ..host.files import MAX_FILE_BYTES
from ..staged import Meta, StagedTree

if TYPE_CHECKING:
    import paramiko

MAX_HOST_BYTES = 64 * 1024 * 1024
MAX_HOPS = 40
_WILD = "*?["

Parts = tuple[str, ...]


_ABSENT = (errno.ENOENT, errno.ENOTDIR)
_DENIED = (errno.EACCES, errno.EPERM)


class _Unreadable(Exception):
    """A lookup failed for another reason than absence (denied, timed out...): the path is an error."""


class RemoteFetcher:
    """Fills ``tree`` from the target behind ``sftp``, under ``remote_root``."""

    def __init__(self, sftp: paramiko.SFTPClient, remote_root: str, tree: StagedTree, sudo: bool,
                 budget: int = MAX_HOST_BYTES) -> None:
        self.sftp, self.tree, self.budget = sftp, tree, budget
        self.remote_root = "/" + str(PurePosixPath("/", remote_root)).strip("/")
        self.denied = "permission denied" if sudo else "needs root (permission denied; --ssh-sudo reads it)"
        self._lstat: dict[Parts, paramiko.SFTPAttributes | None] = {}
        self._listed: dict[Parts, list[paramiko.SFTPAttributes]] = {}
        self.fetched_bytes = 0
        self.fetched_files = 0

    def remote(self, parts: Parts) -> str:
        return str(PurePosixPath(self.remote_root, *parts))

    # -- resolution on the target --------------------------------------------------------------------
    def _attrs(self, parts: Parts) -> paramiko.SFTPAttributes | None:
        if parts not in self._lstat:
            try:
                self._lstat[parts] = self.sftp.lstat(self.remote(parts)) if parts else self.sftp.stat(self.remote_root)
            except OSError as exc:
                if exc.errno not in _ABSENT:  # only "no such file" is absence: anything else must not pass
                    raise _Unreadable(self._reason(exc)) from None
                self._lstat[parts] = None
        return self._lstat[parts]

    def _reason(self, exc: OSError) -> str:
        if exc.errno in _DENIED:
            return self.denied
        return f"lookup failed: {exc.strerror or type(exc).__name__}"

    def _follow(self, parts: Parts, hops: list[int]) -> Parts:
        """``parts`` (its parent already resolved) with links in its last component followed, inside the root."""
        while True:
            attrs = self._attrs(parts)
            if attrs is None or not stat.S_ISLNK(attrs.st_mode or 0) or hops[0] >= MAX_HOPS:
                return parts
            hops[0] += 1
            try:
                target = self.sftp.readlink(self.remote(parts)) or ""
            except OSError as exc:
                raise _Unreadable(self._reason(exc)) from None
            parts = self._walk(() if target.startswith("/") else parts[:-1], PurePosixPath(target).parts, hops)

    def _walk(self, start: Parts, names: Iterable[str], hops: list[int]) -> Parts:
        current = start
        for name in names:
            if name in ("", ".", "/"):
                continue
            if name == "..":
                current = current[:-1]
                continue
            current = self._follow((*current, name), hops)
        return current

    # -- copying -------------------------------------------------------------------------------------
    def fetch(self, globs: Iterable[str], paths: Iterable[str], contents: Iterable[str]) -> None:
        """Bring in what one run of the collectors asked for: glob matches, then metadata, then contents."""
        for pattern in sorted(globs):
            self._glob(pattern)
        for host_path in sorted(paths):
            self._path(host_path, content=False)
        for host_path in sorted(contents):
            self._path(host_path, content=True)

    def _path(self, host_path: str, content: bool) -> None:
        if any(ch in host_path for ch in _WILD):
            return  # a glob's folder part: its matches came through _glob
        self._place((), (), [p for p in PurePosixPath(host_path).parts if p != "/"], content)

    def _place(self, lexical: Parts, remote: Parts, names: list[str], content: bool) -> None:
        """Copy along ``names``: each step's local folder (at the path as written) with what the remote
        resolution of that step holds, and at the end the entry itself."""
        hops = [0]
        for index, name in enumerate(names):
            if name in ("", "."):
                continue
            if name == "..":
                lexical, remote = lexical[:-1], remote[:-1]
                continue
            lexical = (*lexical, name)
            try:
                remote = self._follow((*remote, name), hops)
                attrs = self._attrs(remote)
            except _Unreadable as exc:
                self.tree.problems.setdefault(self.tree.local("/".join(lexical)), str(exc))
                return
            if attrs is None:
                return
            last = index == len(names) - 1
            if not last and not stat.S_ISDIR(attrs.st_mode or 0):
                return
            self._copy(lexical, remote, attrs, content and last)

    def _copy(self, lexical: Parts, remote: Parts, attrs: paramiko.SFTPAttributes, content: bool) -> None:
        local = self.tree.local("/".join(lexical))
        mode = attrs.st_mode or 0
        self.tree.meta.setdefault(local, Meta(stat.S_IMODE(mode), attrs.st_uid or 0, attrs.st_gid or 0,
                                              stat.S_ISDIR(mode)))
        if local in self.tree.problems:
            return
        if stat.S_ISDIR(mode):
            local.mkdir(mode=0o700, parents=True, exist_ok=True)
        elif not stat.S_ISREG(mode):
            self.tree.problems[local] = "not a regular file"
        elif not local.exists():
            local.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            local.touch(mode=0o600)
            self.tree.pending.add(local)
        if content and local in self.tree.pending:
            self._download(local, remote, attrs)

    def _download(self, local: Path, remote: Parts, attrs: paramiko.SFTPAttributes) -> None:
        size = attrs.st_size or 0
        if size > MAX_FILE_BYTES:
            self.tree.problems[local] = f"larger than {MAX_FILE_BYTES} bytes"
            return
        try:
            with self.sftp.open(self.remote(remote), "rb") as remote_file:
                opened = remote_file.stat()  # the file opened is still the regular file looked at
                if not stat.S_ISREG(opened.st_mode or 0) or opened.st_uid != attrs.st_uid:
                    self.tree.problems[local] = "changed while being read"
                    return
                data = remote_file.read(min(MAX_FILE_BYTES, self.budget - self.fetched_bytes) + 1)
        except OSError as exc:
            self.tree.problems[local] = self._reason(exc)
            return
        if len(data) > MAX_FILE_BYTES:
            self.tree.problems[local] = f"larger than {MAX_FILE_BYTES} bytes"
            return
        if self.fetched_bytes + len(data) > self.budget:
            self.tree.problems[local] = f"the host's budget of {self.budget} bytes is spent"
            return
        local.write_bytes(data)
        self.tree.pending.discard(local)
        self.fetched_bytes += len(data)
        self.fetched_files += 1

    # -- globs ---------------------------------------------------------------------------------------
    def _glob(self, pattern: str) -> None:
        """Copy the names ``pattern`` matches (as :func:`glob.glob`: hidden names only for a leading dot)."""
        names = [p for p in PurePosixPath(pattern).parts if p != "/"]
        self._expand((), (), names)

    def _expand(self, lexical: Parts, remote: Parts, names: list[str]) -> None:
        if not names:
            return
        first, rest = names[0], names[1:]
        if not any(ch in first for ch in _WILD):
            self._place(lexical, remote, [first], content=False)
            step = self._step(lexical, remote, first)
            if step is not None:
                self._expand(*step, rest)
            return
        entries = self._list(lexical, remote)
        for entry in sorted(entries, key=lambda e: e.filename):
            name = entry.filename
            if name.startswith(".") and not first.startswith("."):
                continue
            if fnmatch.fnmatchcase(name, first):
                self._place(lexical, remote, [name], content=False)
                step = self._step(lexical, remote, name)
                if step is not None and rest:
                    self._expand(*step, rest)

    def _step(self, lexical: Parts, remote: Parts, name: str) -> tuple[Parts, Parts] | None:
        if name == "..":
            return lexical[:-1], remote[:-1]
        try:
            resolved = self._follow((*remote, name), [0])
            attrs = self._attrs(resolved)
        except _Unreadable:
            return None  # _place recorded why
        return ((*lexical, name), resolved) if attrs is not None else None

    def _list(self, lexical: Parts, remote: Parts) -> list[paramiko.SFTPAttributes]:
        if remote not in self._listed:
            try:
                self._listed[remote] = self.sftp.listdir_attr(self.remote(remote))
            except OSError as exc:
                self._listed[remote] = []
                if exc.errno not in _ABSENT:  # an unlistable folder must not look empty
                    self.tree.problems.setdefault(self.tree.local("/".join(lexical)), self._reason(exc))
        return self._listed[remote]
