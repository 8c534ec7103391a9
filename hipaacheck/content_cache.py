"""A per-user cache of the parsed shipped YAML (controls, profiles, resource-type declarations).

Parsing those ~200 files, and compiling validators to check them, is most of a host scan's start-up.
Their parsed form (line numbers included, so error messages keep naming lines) is kept in one file under
the user's cache folder and reused while each file's size and modification time are unchanged; only
files below the shipped content folders use it, never a user's own controls or configuration. Beside
it, the digests of (schema, document) pairs that validated: a document validates the same way every
time, so a pair seen valid is not validated again (an invalid one is never remembered).

The trust model is that of Python's ``__pycache__``: the cache is a pickle, so it is read only when it
and its folder belong to the user running hipaacheck and nobody else can write them; otherwise it is
ignored (and rewritten when possible). ``HIPAACHECK_NO_CACHE=1`` turns it off.
"""
from __future__ import annotations

import atexit
import hashlib
import json
import logging
import os
import pickle
import stat
from functools import cache
from pathlib import Path
from typing import Any, Callable, Hashable

from . import __version__

log = logging.getLogger(__name__)

FORMAT = 2
Entry = tuple[Hashable, bytes]  # (what the value depends on, the value pickled)
MAX_VALID = 20_000  # remembered valid pairs; past it the set starts afresh


def cache_folder() -> Path:
    explicit = os.environ.get("HIPAACHECK_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "hipaacheck"


def _private(info: os.stat_result) -> bool:
    return info.st_uid == os.geteuid() and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


class ContentCache:
    """Parsed values of shipped files, keyed by path, valid while (mtime_ns, size) match."""

    def __init__(self, file: Path) -> None:
        self.file = file
        data = self._read()
        self.entries: dict[str, Entry] = data.get("entries", {})
        self.valid: set[str] = data.get("valid", set())
        self.dirty = False

    def _read(self) -> dict[str, Any]:
        try:
            if not _private(os.stat(self.file.parent)):
                return {}
            fd = os.open(self.file, os.O_RDONLY | os.O_NOFOLLOW)
        except OSError:
            return {}
        with os.fdopen(fd, "rb") as handle:
            try:
                if not _private(os.fstat(handle.fileno())):
                    return {}
                data = pickle.load(handle)  # noqa: S301 - a file only this user can write (see module doc)
            except Exception:  # noqa: BLE001 - a damaged cache is rebuilt, never fatal
                return {}
        return data if isinstance(data, dict) and data.get("format") == FORMAT else {}

    def get(self, path: Path, parse: Callable[[Path], Any]) -> Any:
        """``parse(path)``, or a fresh copy of its cached value when the file is unchanged."""
        try:
            info = path.stat()
        except OSError:
            return parse(path)  # parse names the problem
        return self.memo(str(path), (info.st_mtime_ns, info.st_size), lambda: parse(path))

    def memo(self, key: str, token: Hashable, compute: Callable[[], Any]) -> Any:
        """``compute()``, or a fresh copy of the value it gave when ``token`` was the same."""
        entry = self.entries.get(key)
        if entry is not None and entry[0] == token:
            return pickle.loads(entry[1])  # noqa: S301 - see module doc
        value = compute()
        self.entries[key] = (token, pickle.dumps(value, pickle.HIGHEST_PROTOCOL))
        self.dirty = True
        return value

    def validate_once(self, key: str, validate: Callable[[], None]) -> None:
        if key in self.valid:
            return
        validate()  # raises when invalid: nothing remembered
        if len(self.valid) >= MAX_VALID:
            self.valid.clear()
        self.valid.add(key)
        self.dirty = True

    def save(self) -> None:
        if not self.dirty:
            return
        from .atomic import atomic_writer
        from .errors import InputError

        try:
            self.file.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            with atomic_writer(self.file) as handle:  # a failed write leaves the old cache, and no temp file
                pickle.dump({"format": FORMAT, "entries": self.entries, "valid": self.valid}, handle,
                            pickle.HIGHEST_PROTOCOL)
            self.dirty = False
        except (OSError, InputError) as exc:
            log.debug("content cache not written: %s", exc)


@cache
def _shipped_roots() -> tuple[Path, ...]:
    from .content import content_root

    return (content_root(), Path(__file__).resolve().parent)


@cache
def shared_cache() -> ContentCache | None:
    if os.environ.get("HIPAACHECK_NO_CACHE", "") not in ("", "0"):
        return None
    roots = "|".join(str(root) for root in _shipped_roots())
    digest = hashlib.sha256(f"{__version__}|{roots}".encode()).hexdigest()[:16]
    content_cache = ContentCache(cache_folder() / f"content-{digest}.pickle")
    atexit.register(content_cache.save)
    return content_cache


def load_shipped(path: Path, parse: Callable[[Path], Any]) -> Any:
    """``parse(path)`` through the cache when ``path`` is shipped content; else parse it directly."""
    content_cache = shared_cache()
    if content_cache is None or not any(path.is_relative_to(root) for root in _shipped_roots()):
        return parse(path)
    return content_cache.get(path, parse)


def load_shipped_yaml(path: Path) -> Any:
    from .yamlio import load_yaml

    return load_shipped(path, load_yaml)


def validate_once(key: tuple[Any, ...], validate: Callable[[], None]) -> None:
    """``validate()`` (which raises when invalid), unless it passed before for this very ``key``: the
    schema (or its digest) and the document. A key that cannot be written as JSON always validates."""
    content_cache = shared_cache()
    if content_cache is None:
        validate()
        return
    try:
        text = json.dumps(key, sort_keys=True, default=str, separators=(",", ":"))
    except (TypeError, ValueError):
        validate()
        return
    content_cache.validate_once(hashlib.sha256(text.encode()).hexdigest(), validate)
