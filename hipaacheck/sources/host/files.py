"""Reading files under a host root (``/``, a mounted image or an extracted container).

Paths are always given as they appear on the host (``/etc/ssh/sshd_config``) and resolved
inside the root component by component: an absolute link restarts at the root, ``..`` stops
there, and past :data:`MAX_LINKS` links the path is an error, never handed to the OS to follow.
Only regular files are opened (a FIFO, device or socket is an error, not a hang), reads stop
after :data:`MAX_FILE_BYTES` actually read, and a file with NUL bytes or a line longer than
:data:`MAX_LINE_BYTES` is not a configuration file. A folder that
exists but cannot be listed raises :class:`HostFileError`: a file in it could change the outcome.
"""
from __future__ import annotations

import errno
import fnmatch
import os
import stat
from collections import deque
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, Callable, TypeVar

from ..deadline import Deadline

T = TypeVar("T")

MAX_FILE_BYTES = 4 * 1024 * 1024
MAX_LINE_BYTES = 16 * 1024  # no configuration line is this long; parsers (shlex) slow down badly on longer ones
MAX_SCAN_BYTES = 256 * 1024 * 1024  # a whole host's configuration is a few MiB; 10,000 files of 4 MiB are not
MAX_LINKS = 40  # as Linux's path resolution
MAX_DIR_ENTRIES = 10_000
_OPEN_FLAGS = os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW | os.O_NOCTTY | os.O_CLOEXEC
_MISSING = (errno.ENOENT, errno.ENOTDIR)
_KINDS = {stat.S_IFIFO: "a FIFO", stat.S_IFCHR: "a character device",
          stat.S_IFBLK: "a block device", stat.S_IFSOCK: "a socket"}


class HostFileError(ValueError):
    """A host path that cannot be resolved, listed or read safely. A ValueError, so collectors that turn
    parse errors into unreadable resources do the same with it: the checks on it report ``error``."""


@dataclass(frozen=True)
class FileRead:
    """The result of reading one host file: text, or why there is none."""

    path: str  # host path, e.g. /etc/ssh/sshd_config
    text: str | None = None
    exists: bool = True
    error: str | None = None  # "permission denied", "not a regular file (a FIFO)", ...

    @property
    def ok(self) -> bool:
        return self.text is not None


@dataclass(frozen=True)
class FileStat:
    path: str
    exists: bool
    mode: int | None = None  # permission bits, e.g. 0o640
    uid: int | None = None
    gid: int | None = None
    is_dir: bool = False
    error: str | None = None


def _reason(exc: OSError) -> str:
    return "permission denied" if isinstance(exc, PermissionError) else (exc.strerror or type(exc).__name__)


def read_capped(fd: int, limit: int) -> bytes:
    """Up to ``limit`` bytes from ``fd``, counted as read (a file's stat size may be 0 or lie)."""
    chunks: list[bytes] = []
    total = 0
    while total < limit:
        chunk = os.read(fd, min(65536, limit - total))
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
    return b"".join(chunks)


class HostContext:
    def __init__(self, root: Path | str, deadline: Deadline | None = None) -> None:
        """A reader of ``root``; once ``deadline`` passes, :meth:`real` (so every read) raises
        :class:`~hipaacheck.sources.deadline.DeadlineExceeded`."""
        self.root = Path(root).resolve()
        self.deadline = deadline or Deadline.from_seconds(None)
        self.bytes_read = 0
        self._memo: dict[str, Any] = {}

    def memo(self, key: str, make: Callable[[], T]) -> T:
        """What ``make`` returns, made once per context: what several collectors derive from the same files
        (the expanded PAM stacks) is derived once per scan."""
        if key not in self._memo:
            self._memo[key] = make()
        return self._memo[key]

    def real(self, host_path: str) -> Path:
        """Map a host path to a path under the root with no symlink in it; HostFileError if it cannot be."""
        self.deadline.check()
        queue = deque(PurePosixPath(host_path).parts)
        resolved: list[str] = []
        hops = 0
        while queue:
            part = queue.popleft()
            if part in ("/", "", "."):
                continue
            if part == "..":
                if resolved:
                    resolved.pop()
                continue
            candidate = self.root.joinpath(*resolved, part)
            try:
                mode = os.lstat(candidate).st_mode
            except OSError as exc:
                if exc.errno not in _MISSING:
                    raise HostFileError(f"{host_path}: {_reason(exc)}") from None
                resolved.append(part)  # nothing below exists either: reads will say so
                continue
            if not stat.S_ISLNK(mode):
                resolved.append(part)
                continue
            hops += 1
            if hops > MAX_LINKS:
                raise HostFileError(f"{host_path}: more than {MAX_LINKS} symbolic links")
            target = os.readlink(candidate)
            if target.startswith("/"):
                resolved = []
            queue.extendleft(reversed(PurePosixPath(target).parts))
        return self.root.joinpath(*resolved)

    def read(self, host_path: str) -> FileRead:
        """The text of a regular file, or why there is none (never raises but for the deadline)."""
        try:
            path = self.real(host_path)
            found = os.lstat(path)
        except HostFileError as exc:
            return FileRead(host_path, error=str(exc).removeprefix(f"{host_path}: "))
        except OSError as exc:
            if exc.errno in _MISSING:
                return FileRead(host_path, exists=False)
            return FileRead(host_path, error=_reason(exc))
        if stat.S_ISDIR(found.st_mode):
            return FileRead(host_path, error="is a directory")
        if not stat.S_ISREG(found.st_mode):  # checked before opening: opening a device can have effects
            return FileRead(host_path, error=f"not a regular file ({_KINDS.get(stat.S_IFMT(found.st_mode), 'special')})")
        if self.bytes_read > MAX_SCAN_BYTES:
            return FileRead(host_path, error=f"not read: this scan has read more than {MAX_SCAN_BYTES} bytes")
        try:
            data = self._read_opened(path, found)
        except OSError as exc:
            return FileRead(host_path, error=_reason(exc))
        except HostFileError as exc:
            return FileRead(host_path, error=str(exc))
        try:
            return FileRead(host_path, text=data.decode("utf-8"))
        except UnicodeDecodeError:
            return FileRead(host_path, text=data.decode("latin-1"))

    def _read_opened(self, path: Path, found: os.stat_result) -> bytes:
        """The bytes of ``path``, the regular file ``found`` was; HostFileError if they are no config file."""
        fd = os.open(path, _OPEN_FLAGS)
        try:
            opened = os.fstat(fd)
            if (opened.st_dev, opened.st_ino) != (found.st_dev, found.st_ino) or not stat.S_ISREG(opened.st_mode):
                raise HostFileError("changed while being opened")
            data = read_capped(fd, MAX_FILE_BYTES + 1)
        finally:
            os.close(fd)
        self.bytes_read += len(data)
        if len(data) > MAX_FILE_BYTES:
            raise HostFileError(f"larger than {MAX_FILE_BYTES} bytes")
        if b"\0" in data:
            raise HostFileError("binary content (NUL bytes), not a text file")
        long_line = next((n for n, line in enumerate(data.split(b"\n"), start=1) if len(line) > MAX_LINE_BYTES), None)
        if long_line:
            raise HostFileError(f"line {long_line} is longer than {MAX_LINE_BYTES} bytes")
        return data

    def stat(self, host_path: str) -> FileStat:
        try:
            st = os.lstat(self.real(host_path))
        except HostFileError as exc:
            return FileStat(host_path, exists=True, error=str(exc).removeprefix(f"{host_path}: "))
        except OSError as exc:
            if exc.errno in _MISSING:
                return FileStat(host_path, exists=False)
            return FileStat(host_path, exists=True, error=_reason(exc))
        return FileStat(host_path, True, stat.S_IMODE(st.st_mode), st.st_uid, st.st_gid, stat.S_ISDIR(st.st_mode))

    def exists(self, host_path: str) -> bool:
        """Whether the path exists; HostFileError when that cannot be told (a folder on the way is closed)."""
        found = self.stat(host_path)
        if found.error:
            raise HostFileError(f"{host_path}: {found.error}")
        return found.exists

    def listdir(self, host_path: str) -> list[str]:
        """Names in a host folder, sorted; [] if it is missing or not a folder; HostFileError if unlistable."""
        try:
            with os.scandir(self.real(host_path)) as entries:
                names = []
                for entry in entries:
                    names.append(entry.name)
                    if len(names) > MAX_DIR_ENTRIES:
                        raise HostFileError(f"{host_path}: more than {MAX_DIR_ENTRIES} entries in the folder")
        except OSError as exc:
            if exc.errno in _MISSING:
                return []
            raise HostFileError(f"{host_path}: cannot list the folder: {_reason(exc)}") from None
        return sorted(names)

    def glob(self, pattern: str) -> list[str]:
        """Host paths matching ``pattern`` (an absolute host glob, ``*?[`` in any component), sorted.

        Each folder is listed through the root (links stay inside it); a folder that exists but
        cannot be listed raises HostFileError instead of matching nothing.
        """
        candidates = [PurePosixPath("/")]
        for part in PurePosixPath(pattern).parts[1:]:
            if not any(ch in part for ch in "*?["):
                candidates = [c / part for c in candidates]
                continue
            candidates = [folder / name for folder in candidates for name in self.listdir(str(folder))
                          if fnmatch.fnmatchcase(name, part) and (part.startswith(".") or not name.startswith("."))]
        return sorted(str(c) for c in candidates if self.exists(str(c)))
