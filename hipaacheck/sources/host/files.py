"""Reading files under a host root (``/``, a mounted image or an extracted container).

Paths are always given as they appear on the host (``/etc/ssh/sshd_config``)
and resolved inside the root, so symlinks in an image cannot escape it.
"""
from __future__ import annotations

import glob as _glob
import os
import stat
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

MAX_FILE_BYTES = 4 * 1024 * 1024


@dataclass(frozen=True)
class FileRead:
    """The result of reading one host file: text, or why there is none."""

    path: str  # host path, e.g. /etc/ssh/sshd_config
    text: str | None = None
    exists: bool = True
    error: str | None = None  # "permission denied", "not UTF-8", ...

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


class HostContext:
    def __init__(self, root: Path | str) -> None:
        self.root = Path(root).resolve()

    def real(self, host_path: str) -> Path:
        """Map a host path to a path under the root, resolving links inside the root."""
        parts = PurePosixPath(host_path).parts
        current = self.root
        hops = 0
        queue = list(parts[1:] if parts and parts[0] == "/" else parts)
        while queue:
            part = queue.pop(0)
            if part in ("", "."):
                continue
            if part == "..":
                current = current.parent if current != self.root else current
                continue
            candidate = current / part
            if candidate.is_symlink() and hops < 40:
                hops += 1
                target = os.readlink(candidate)
                if target.startswith("/"):
                    current = self.root
                queue = list(PurePosixPath(target).parts[1 if target.startswith("/") else 0:]) + queue
                continue
            current = candidate
        return current

    def read(self, host_path: str) -> FileRead:
        path = self.real(host_path)
        try:
            if path.stat().st_size > MAX_FILE_BYTES:
                return FileRead(host_path, error=f"larger than {MAX_FILE_BYTES} bytes")
            data = path.read_bytes()
        except FileNotFoundError:
            return FileRead(host_path, exists=False)
        except IsADirectoryError:
            return FileRead(host_path, error="is a directory")
        except PermissionError:
            return FileRead(host_path, error="permission denied")
        except OSError as exc:
            return FileRead(host_path, error=exc.strerror or type(exc).__name__)
        try:
            return FileRead(host_path, text=data.decode("utf-8"))
        except UnicodeDecodeError:
            return FileRead(host_path, text=data.decode("latin-1"))

    def stat(self, host_path: str) -> FileStat:
        try:
            st = self.real(host_path).stat()
        except FileNotFoundError:
            return FileStat(host_path, exists=False)
        except OSError as exc:
            return FileStat(host_path, exists=True, error=exc.strerror or type(exc).__name__)
        return FileStat(host_path, True, stat.S_IMODE(st.st_mode), st.st_uid, st.st_gid, stat.S_ISDIR(st.st_mode))

    def glob(self, pattern: str) -> list[str]:
        """Host paths matching ``pattern`` (an absolute host glob), sorted."""
        head, tail = os.path.split(pattern)
        base = self.real(head)
        matches = sorted(_glob.glob(str(base / tail)))
        return [str(PurePosixPath(head) / Path(m).name) for m in matches]

    def exists(self, host_path: str) -> bool:
        return self.real(host_path).exists()
