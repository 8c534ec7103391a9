"""The host source: parses a Linux host's configuration files under a root folder."""
from __future__ import annotations

import socket
from pathlib import Path
from typing import Any, Mapping

from ...clock import now_utc
from ...errors import InputError
from ...inventory import Inventory
from ...model import CollectionError
from .. import ProgressCallback, SourcePlan, Wanted
from .files import HostContext
from .registry import load_collectors


def _hostname(ctx: HostContext) -> str:
    if ctx.root == Path("/"):
        return socket.gethostname()
    read = ctx.read("/etc/hostname")
    return (read.text or "").strip() or ctx.root.name


class HostSource:
    name = "host"
    family = "host"

    def __init__(self, root: Path | str = "/") -> None:
        root = Path(root)
        if not root.is_dir():
            raise InputError("--root", f"{root}: no such folder")
        self.ctx = HostContext(root)

    def supported_types(self) -> set[str]:
        return set(load_collectors())

    def collect(self, resource_types: set[str], progress: ProgressCallback | None = None, *,
                attributes: Wanted | None = None) -> Inventory:
        collectors = load_collectors()
        wanted = sorted(t for t in resource_types if t in collectors)
        if wanted and not (self.ctx.root / "etc").is_dir():  # a typo'd --root would report every file missing
            raise InputError("--root", f"{self.ctx.root}: not a Linux root (it has no etc/ folder)")
        inventory = Inventory(source="host", collected_at=now_utc(), resource_types=wanted,
                              metadata={"host": _hostname(self.ctx), "root": str(self.ctx.root)})
        if progress:
            from ...progress import set_total

            set_total(progress, len(wanted), "collectors")
        for resource_type in wanted:
            if progress:
                progress(f"host {resource_type}")
            try:
                inventory.resources.extend(collectors[resource_type](self.ctx))
            except Exception as exc:  # a parser bug must not become a pass
                inventory.errors.append(CollectionError(resource_type, f"collector failed: {type(exc).__name__}: {exc}"))
        inventory.finished_at = now_utc()
        inventory.sort()
        return inventory


def build(values: Mapping[str, Any], plan: SourcePlan | None = None) -> HostSource:
    return HostSource(values.get("root") or Path("/"))
