"""The incidents source: the incident and breach register (``--incidents FILE``), one resource per incident
(auxiliary, beside any main source)."""
from __future__ import annotations

from pathlib import Path

from .. import SourceInfo, SourceOption

SOURCE = SourceInfo(
    name="incidents",
    help="incident and breach register (auxiliary: collected beside any source)",
    factory="hipaacheck.sources.incidents.source:build",
    families=("incident",),
    default_profile="hipaa-workforce",
    options=(SourceOption("--incidents", "incident and breach register, YAML (see 'hipaacheck incident'); without "
                                         "it the incident controls skip", type=Path, metavar="FILE"),),
    auxiliary=True,
    collectable=False,
)
