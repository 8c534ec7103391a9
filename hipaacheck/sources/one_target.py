"""The one inventory ``collect`` writes for a source of several targets (hosts, images, accounts)."""
from __future__ import annotations

from typing import TYPE_CHECKING, Iterator

from ..errors import InputError

if TYPE_CHECKING:
    from ..inventory import Inventory
    from ..targets import Target


def only_inventory(targets: Iterator[tuple[Target, Inventory | None]], count: int, flag: str) -> Inventory:
    """What ``collect`` writes for a source of several targets: one inventory, so exactly one target named."""
    if count != 1:
        raise InputError(flag, "collect writes one inventory: name exactly one (scan takes several)")
    target, inventory = next(targets)
    if inventory is None:
        raise InputError(target.key, target.reason or "could not be scanned")
    return inventory
