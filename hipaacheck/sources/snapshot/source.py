"""Loading a saved inventory as a source: validated when the scan is planned, before anything runs."""
from __future__ import annotations

from typing import Any, Mapping

from ...errors import InputError
from ...inventory import Inventory
from .. import ProgressCallback, SourcePlan, Wanted


class SnapshotSource:
    name = "snapshot"

    def __init__(self, inventory: Inventory) -> None:
        self.inventory = inventory
        self.family = inventory.source

    def collect(self, resource_types: set[str], progress: ProgressCallback | None = None, *,
                attributes: Wanted | None = None) -> Inventory:
        """The saved inventory as it is: what it lacks becomes ``error`` findings in the engine."""
        return self.inventory


def build(values: Mapping[str, Any], plan: SourcePlan | None = None) -> SnapshotSource:
    path = values.get("inventory")
    if not path:
        raise InputError("--inventory", "--source snapshot needs --inventory FILE")
    return SnapshotSource(Inventory.load(path))
