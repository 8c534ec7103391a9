"""Collecting the register: one ``incident.record`` per incident, stamped with the evaluation date.

Descriptions stay in the register (and the evidence bundle's copy of it): resources carry dates, counts
and outcomes only. No register: one placeholder resource, which the checks skip.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Mapping

from ... import clock
from ...incidents import Register, load_register
from ...inventory import Inventory
from ...model import Resource
from ...yamlio import line_of
from .. import ProgressCallback, SourcePlan, Wanted

RECORD = "incident.record"


class IncidentsSource:
    name = "incidents"
    family = "incident"

    def __init__(self, register: Register | None) -> None:
        self.register = register

    def collect(self, resource_types: set[str], progress: ProgressCallback | None = None, *,
                attributes: Wanted | None = None) -> Inventory:
        now = clock.now_utc()
        wanted = sorted(t for t in resource_types if t == RECORD)
        register = self.register
        metadata: dict[str, Any] = {"register_file": str(register.path) if register else None}
        inventory = Inventory(source="incidents", collected_at=now, resource_types=wanted, metadata=metadata,
                              finished_at=now)
        base = {"evaluated_on": now[:10], "register_file": metadata["register_file"]}
        if wanted and register is None:
            inventory.resources.append(Resource(RECORD, "register", dict(base)))
        elif wanted and register is not None:
            for index, incident in enumerate(register.incidents):
                inventory.resources.append(Resource(RECORD, incident["id"], {
                    **base, "line": line_of(register.document, ["incidents", index]),
                    **{k: incident[k] for k in ("discovered", "assessment", "affected", "notifications")
                       if k in incident},
                    "business_associate": bool(incident.get("business_associate"))}))
        inventory.sort()
        return inventory

    def evidence_files(self) -> dict[str, Path]:
        """The register as given (it holds no personal fields): the manifest keeps its SHA-256."""
        return {f"incidents/{self.register.path.name}": self.register.path} if self.register else {}


def build(values: Mapping[str, Any], plan: SourcePlan | None = None) -> IncidentsSource:
    path = values.get("incidents")
    return IncidentsSource(load_register(Path(path)) if path else None)
