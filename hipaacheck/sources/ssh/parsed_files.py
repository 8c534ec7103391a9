"""Files every host of a fleet scan reads (the SSH config, known_hosts files), parsed once per content.

A fleet of a thousand hosts would otherwise parse the same files a thousand times (paramiko decodes every
key of a known_hosts file as it loads it). An entry is keyed on the file's inode, mtime and size, so a
known_hosts file that grows while ``--accept-new-host-keys`` records a key is read again. What a parse
returns is shared by every host's connection: it must be used read-only.
"""
from __future__ import annotations

import threading
from pathlib import Path
from typing import Callable, Generic, TypeVar

T = TypeVar("T")


class ParsedFiles(Generic[T]):
    def __init__(self, parse: Callable[[str], T]) -> None:
        self._parse = parse
        self._parsed: dict[Path, tuple[tuple[int, int, int], T]] = {}
        self._lock = threading.Lock()

    def get(self, path: Path) -> T:
        """``path`` parsed; OSError (FileNotFoundError when absent) or the parser's error as they come."""
        with self._lock:  # held while parsing: hosts connecting at once wait for one parse, not make their own
            status = path.stat()
            stamp = (status.st_ino, status.st_mtime_ns, status.st_size)
            hit = self._parsed.get(path)
            if hit is not None and hit[0] == stamp:
                return hit[1]
            value = self._parse(str(path))
            self._parsed[path] = (stamp, value)
            return value
