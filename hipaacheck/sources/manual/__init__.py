"""The manual source: attestations for safeguards no scan can see (auxiliary, beside any main source).

Whenever a selected control evaluates a ``manual.*`` resource type, this source collects it from the
attestations file (``--attestations FILE``), or reports it as needing attestation when there is none.
"""
from __future__ import annotations

from pathlib import Path

from .. import SourceInfo, SourceOption

SOURCE = SourceInfo(
    name="manual",
    help="attestations for manual controls (auxiliary: collected beside any source)",
    factory="hipaacheck.sources.manual.source:build",
    families=("manual",),
    default_profile="hipaa-manual",
    options=(SourceOption("--attestations", "YAML attestations for manual controls (see 'hipaacheck attest'); "
                                            "without it they report 'manual'", type=Path, metavar="FILE"),
             SourceOption("--evidence-root", "folder every attestation evidence file must resolve inside "
                                             "(default: the attestations file's folder)", type=Path, metavar="DIR")),
    auxiliary=True,
    collectable=False,
)
