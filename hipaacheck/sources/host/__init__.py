"""The host source: a Linux host's configuration files under a root folder (``--source host``).

Each collector module here registers collectors with :func:`.registry.host_collector`; a collector
turns files into :class:`~hipaacheck.model.Resource` objects and never raises for a missing or
unreadable file: it marks the resource (or attribute) unreadable instead, so checks report ``error``,
never ``pass``. The implementation is in :mod:`.source`; this module only declares the source.
"""
from __future__ import annotations

from pathlib import Path

from .. import SourceInfo, SourceOption
from ..option_types import positive_seconds

SOURCE = SourceInfo(
    name="host",
    help="a Linux host's configuration files (default: this machine)",
    factory="hipaacheck.sources.host.source:build",
    families=("host",),
    default_profile="hipaa-host",
    options=(
        SourceOption("--root", "host: root folder to scan (default: /)", type=Path, default=Path("/")),
        SourceOption("--deadline", "host: read no file after this many seconds; what was not collected is "
                                   "reported as error findings", type=positive_seconds, metavar="SECONDS"),
    ),
)
