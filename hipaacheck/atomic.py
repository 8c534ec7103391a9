"""Atomic file writes: a temporary file in the same folder, fsync, then rename.

A crash or kill at any point leaves the previous file (or none) under the final
name, never a partial one. A write that fails (a full disk, a file size limit) is an
:class:`~hipaacheck.errors.InputError` naming the file: one line, exit 2. :func:`locked`
serialises read-modify-write cycles of one file across processes.
"""
from __future__ import annotations

import fcntl
import os
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO, Iterator


@contextmanager
def atomic_writer(path: Path) -> Iterator[BinaryIO]:
    """Yield a binary handle; on clean exit its content replaces ``path`` atomically."""
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise write_error(path, exc) from None
    try:
        os.fchmod(fd, 0o666 & ~_umask())  # mkstemp makes 0600; give what open() would
        with os.fdopen(fd, "wb") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException as exc:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        if isinstance(exc, OSError) and exc.filename in (None, tmp):  # this file's write, not another's read
            raise write_error(path, exc) from None
        raise


def write_error(path: Path | str, exc: OSError) -> Exception:
    """One line naming ``path`` for a failed write (full disk, size limit, permission)."""
    from .errors import InputError

    return InputError(str(path), f"cannot write ({exc.strerror or exc})")


@contextmanager
def locked(path: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``.<name>.lock`` beside ``path``, waiting for any other holder.

    Serialises read-modify-write of ``path`` across processes (``path`` itself cannot carry the
    lock: an atomic replace gives it a new inode). The lock file stays behind, empty.
    """

    lock = Path(path).parent / f".{Path(path).name}.lock"
    try:
        lock.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(lock, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644)
    except OSError as exc:
        from .errors import InputError

        raise InputError(str(lock), f"cannot create the lock file ({exc.strerror or exc})") from None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def write_bytes_atomic(path: Path, data: bytes) -> None:
    with atomic_writer(path) as handle:
        handle.write(data)


def write_text_atomic(path: Path, text: str) -> None:
    write_bytes_atomic(path, text.encode("utf-8"))
