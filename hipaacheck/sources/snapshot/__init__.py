"""The snapshot source: an inventory saved by ``hipaacheck collect`` (``--source snapshot``).

Evaluating a snapshot offline gives the same findings as the live scan that collected it; its
resource-type family (and so its default profile) is the one of the source that wrote it.
"""
from __future__ import annotations

from pathlib import Path

from .. import SourceInfo, SourceOption

SOURCE = SourceInfo(
    name="snapshot",
    help="an inventory JSON written by 'hipaacheck collect'",
    factory="hipaacheck.sources.snapshot.source:build",
    options=(SourceOption("--inventory", "snapshot: inventory JSON written by 'collect'", type=Path),),
    collectable=False,
)
