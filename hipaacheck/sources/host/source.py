"""The host source: parses a Linux host's configuration files under a root folder."""
from __future__ import annotations

import re
import traceback
from pathlib import Path
from typing import Any, Mapping

from ...clock import now_utc
from ...errors import InputError
from ...inventory import Inventory
from ...model import CollectionError
from .. import ProgressCallback, SourcePlan, Wanted
from ..deadline import Deadline, DeadlineExceeded
from .files import HostContext, HostFileError
from .registry import load_collectors

_HOSTNAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9.-]{0,252}")


def _hostname(ctx: HostContext) -> str:
    """The host's name; an image's /etc/hostname only if it holds a valid one (it may be a link to anything)."""
    if ctx.root == Path("/"):
        import socket  # lazy: only a scan of this machine's own root asks

        return socket.gethostname()
    read = ctx.read("/etc/hostname")
    name = (read.text or "").strip()
    return name if _HOSTNAME.fullmatch(name) else ctx.root.name


def _where(exc: BaseException) -> str:
    """``KeyError at sshd.py:120``: an exception's text may quote the file being parsed, its place does not."""
    frames = traceback.extract_tb(exc.__traceback__)
    return f"{type(exc).__name__} at {Path(frames[-1].filename).name}:{frames[-1].lineno}" if frames else type(exc).__name__


class HostSource:
    name = "host"
    family = "host"

    def __init__(self, root: Path | str = "/", deadline: float | None = None, *,
                 staged: tuple[HostContext, dict[str, Any]] | None = None) -> None:
        """A ``--root``; or, with ``staged``, a tree staged from an SSH target or an image: its reader and
        the metadata naming the target (the tree is what it is: no etc/ check, no hostname lookup)."""
        self.metadata: dict[str, Any] | None = None
        if staged is not None:
            self.ctx, self.metadata = staged[0], dict(staged[1])
            return
        root = Path(root)
        if not root.is_dir():
            raise InputError("--root", f"{root}: no such folder")
        self.ctx = HostContext(root, Deadline.from_seconds(deadline))

    def supported_types(self) -> set[str]:
        return set(load_collectors())

    def collect(self, resource_types: set[str], progress: ProgressCallback | None = None, *,
                attributes: Wanted | None = None) -> Inventory:
        collectors = load_collectors()
        wanted = sorted(t for t in resource_types if t in collectors)
        if wanted and self.metadata is None and not (self.ctx.root / "etc").is_dir():  # a typo'd --root
            raise InputError("--root", f"{self.ctx.root}: not a Linux root (it has no etc/ folder)")
        metadata = self.metadata or {"host": _hostname(self.ctx), "root": str(self.ctx.root)}
        inventory = Inventory(source="host", collected_at=now_utc(), resource_types=wanted, metadata=metadata)
        if progress:
            from ...progress import set_total

            set_total(progress, len(wanted), "collectors")
        for resource_type in wanted:
            if progress:
                progress(f"host {resource_type}")
            try:
                self.ctx.deadline.check()
                inventory.resources.extend(collectors[resource_type](self.ctx))
            except DeadlineExceeded as exc:
                inventory.errors.append(CollectionError(resource_type, f"{exc} before it was collected"))
            except HostFileError as exc:  # a folder that cannot be listed, an expansion past its budget
                inventory.errors.append(CollectionError(resource_type, str(exc)))
            except Exception as exc:  # a parser bug must not become a pass
                inventory.errors.append(CollectionError(resource_type, f"collector failed: {_where(exc)}"))
        inventory.finished_at = now_utc()
        inventory.sort()
        return inventory


def build(values: Mapping[str, Any], plan: SourcePlan | None = None) -> HostSource:
    return HostSource(values.get("root") or Path("/"), values.get("deadline"))
