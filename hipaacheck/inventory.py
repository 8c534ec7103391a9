"""The inventory: everything a source collected, savable and reloadable for offline scans."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO, Iterable

from .jsonenc import dumps
from .model import CollectionError, Resource
from .validation import load_versioned_json

INVENTORY_SCHEMA_VERSION = "1.0"
WRITE_BATCH = 1000


@dataclass
class Inventory:
    source: str  # "host" | "aws"
    collected_at: str
    resource_types: list[str]  # what the source was asked to collect
    metadata: dict[str, Any] = field(default_factory=dict)  # host name, account, caller ARN, regions
    resources: list[Resource] = field(default_factory=list)
    errors: list[CollectionError] = field(default_factory=list)
    finished_at: str | None = None

    def sort(self) -> None:
        self.resources.sort(key=lambda r: r.sort_key)
        self.errors.sort(key=lambda e: (e.resource_type, e.region or "", e.operation or "", e.message))

    def by_type(self) -> dict[str, list[Resource]]:
        grouped: dict[str, list[Resource]] = {}
        for resource in self.resources:
            grouped.setdefault(resource.type, []).append(resource)
        return grouped

    def to_dict(self) -> dict[str, Any]:
        self.sort()
        return {**self._head(), "resources": [r.to_dict() for r in self.resources]}

    def _head(self) -> dict[str, Any]:
        """Every member but ``resources``, in document order; the caller sorts first."""
        return {
            "schema_version": INVENTORY_SCHEMA_VERSION,
            "source": self.source,
            "collected_at": self.collected_at,
            "finished_at": self.finished_at,
            "resource_types": sorted(self.resource_types),
            "metadata": self.metadata,
            "errors": [e.to_dict() for e in self.errors],
        }

    def write(self, path: Path) -> None:
        from .atomic import atomic_writer

        with atomic_writer(path) as out:
            self.write_to(out)

    def write_to(self, out: BinaryIO) -> None:
        """Compact, sorted JSON, written resource by resource (never the whole document in memory)."""
        self.sort()  # once: 0.05 s at 100k resources
        out.write(dumps(self._head(), sort_keys=True)[:-1] + b',"resources":[')
        for start in range(0, len(self.resources), WRITE_BATCH):  # one encoder call per batch, not per resource
            batch = dumps([r.to_dict() for r in self.resources[start:start + WRITE_BATCH]], sort_keys=True)[1:-1]
            out.write((b"," if start else b"") + batch)
        out.write(b"]}\n")

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Inventory":
        inventory = cls(
            source=data["source"],
            collected_at=data["collected_at"],
            finished_at=data.get("finished_at"),
            resource_types=list(data["resource_types"]),
            metadata=dict(data.get("metadata") or {}),
            resources=[Resource.from_dict(r) for r in data.get("resources") or []],
            errors=[CollectionError.from_dict(e) for e in data.get("errors") or []],
        )
        inventory.sort()
        return inventory

    @classmethod
    def load(cls, path: Path) -> "Inventory":
        from .memory import gc_paused

        # A parsed inventory holds no cycles and lives as long as the run: spare the collector its millions of dicts.
        with gc_paused(long_lived=True):
            return cls.from_dict(load_versioned_json(path, "inventory", INVENTORY_SCHEMA_VERSION))


def merge(inventories: Iterable[Inventory]) -> Inventory:
    """Combine a main inventory with auxiliary ones (e.g. attestations)."""
    items = list(inventories)
    main = items[0]
    merged = Inventory(source=main.source, collected_at=main.collected_at, finished_at=main.finished_at,
                       resource_types=list(main.resource_types), metadata=dict(main.metadata),
                       resources=list(main.resources), errors=list(main.errors))
    for extra in items[1:]:
        merged.resource_types += [t for t in extra.resource_types if t not in merged.resource_types]
        merged.resources += extra.resources
        merged.errors += extra.errors
    merged.sort()
    return merged
