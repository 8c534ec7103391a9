"""Collecting attestations: one resource per attestation control (per alternative), observed now.

Reads the clock and re-hashes each evidence file, so the checks in ``checks/manual`` stay pure.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Iterable, Mapping

from ...attestations import (ALTERNATIVE_CHECK, ATTESTATION_CHECKS, Attestation, AttestationsFile, Evidence,
                             load_attestations, sha256_file)
from ...clock import now_utc
from ...inventory import Inventory
from ...model import Resource
from ...security_rule import security_rule
from .. import ProgressCallback, SourcePlan, Wanted


class ManualSource:
    """The attestations file (``--attestations``), or none: then every attestation control is ``manual``."""

    name = "manual"
    family = "manual"

    def __init__(self, attestations: AttestationsFile | None, active: Iterable[Any]) -> None:
        self.attestations = attestations
        self.active = list(active)

    def collect(self, resource_types: set[str], progress: ProgressCallback | None = None, *,
                attributes: Wanted | None = None) -> Inventory:
        return attestation_inventory(self.attestations, self.active, resource_types, now_utc())

    def evidence_files(self) -> dict[str, Path]:
        return attestation_evidence_files(self.attestations)


def build(values: Mapping[str, Any], plan: SourcePlan | None = None) -> ManualSource:
    path = values.get("attestations")
    attestations = load_attestations(path, plan.catalog.controls if plan else None,
                                     values.get("evidence_root")) if path else None
    return ManualSource(attestations, plan.active if plan else ())


def _observe(evidence: Evidence, attestations: AttestationsFile) -> dict[str, Any]:
    """The evidence item as recorded plus what is on disk now."""
    if evidence.url is not None:
        return {"url": evidence.url}
    item: dict[str, Any] = {"path": evidence.path, "sha256": evidence.sha256}
    target = attestations.locate(evidence)
    if target is None:  # a link inside the folder that now points out of it
        item.update(state="unreadable", reason=f"resolves outside the evidence root {attestations.root}")
        return item
    try:
        item["current_sha256"] = sha256_file(target)
        item["state"] = "present"
    except FileNotFoundError:
        item["state"] = "missing"
    except OSError as exc:  # a folder, permission denied...
        item["state"] = "unreadable"
        item["reason"] = exc.strerror or type(exc).__name__
    return item


def _entry_attributes(entry: Attestation, attestations: AttestationsFile) -> dict[str, Any]:
    return {
        "by": entry.by, "role": entry.role, "date": entry.date.isoformat(), "kind": entry.kind,
        "valid_days": entry.valid_days, "statement": entry.statement, "line": entry.line,
        "evidence": [_observe(e, attestations) for e in entry.evidence],
    }


def _resources_for(active: Any, attestations: AttestationsFile | None, today: str) -> list[Resource]:
    control = active.control
    base = {"control": control.id, "evaluated_on": today,
            "attestations_file": str(attestations.path) if attestations else None, "attestation": None}
    if attestations is None:
        return [Resource(control.resource_type, control.id, dict(base))]
    current = {key: entry for key, entry in attestations.latest().items() if key[0] == control.id}
    history = sum(1 for e in attestations.entries if e.control == control.id)
    if control.check != ALTERNATIVE_CHECK:
        entry = current.get((control.id, ""))
        attrs = dict(base, history=history)
        if entry is not None:
            attrs["attestation"] = _entry_attributes(entry, attestations)
        return [Resource(control.resource_type, control.id, attrs)]
    resources = []
    for (_, specification), entry in sorted(current.items()):
        paragraph = security_rule().resolve(specification)
        attrs = dict(base, history=history, specification=specification,
                     specification_title=paragraph.title if paragraph else None,
                     attestation=_entry_attributes(entry, attestations))
        resources.append(Resource(control.resource_type, f"{control.id}/{specification}", attrs))
    return resources


def attestation_inventory(attestations: AttestationsFile | None, active_controls: Iterable[Any],
                          types: Iterable[str], now_iso: str) -> Inventory:
    """Collect one resource per attestation control (per alternative) of the given ``manual.*`` types.

    With no attestations file, each control gets a resource that its check reports
    as ``manual`` (needs attestation).
    """
    wanted = set(types)
    today = now_iso[:10]
    resources: list[Resource] = []
    for active in active_controls:
        control = active.control
        if control.resource_type in wanted and control.check in ATTESTATION_CHECKS:
            resources += _resources_for(active, attestations, today)
    inventory = Inventory(source="manual", collected_at=now_iso, resource_types=sorted(wanted),
                          metadata={"attestations_file": str(attestations.path) if attestations else None},
                          resources=resources, finished_at=now_iso)
    inventory.sort()
    return inventory


def attestation_evidence_files(attestations: AttestationsFile | None) -> dict[str, Path]:
    """Files an evidence bundle should carry: the attestations file and each evidence file on disk.

    Keys are archive names: ``attestations/<file>``, and ``attestations/evidence/<path>`` with the
    path taken inside the evidence root, so two different files never share a name. Missing files,
    and links that now lead out of the root, are left out (the findings already say why).
    """
    if attestations is None:
        return {}
    files = {f"attestations/{attestations.path.name}": attestations.path}
    for entry in attestations.entries:
        for evidence in entry.evidence:
            target = attestations.locate(evidence) if evidence.path is not None else None
            if target is None or not target.is_file():
                continue
            files["attestations/evidence/" + target.relative_to(attestations.root).as_posix()] = target
    return dict(sorted(files.items()))


