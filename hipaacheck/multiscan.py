"""Scanning a source of several targets (``collect_targets``): one target's inventory at a time.

Each target's inventory is evaluated, its findings stamped with the target (:mod:`hipaacheck.targets`),
its inventory spooled to disk for the evidence bundle when one is asked for, and then let go before the
next target is collected: memory stays flat in the number of targets. Controls of other families
(attestations...) are evaluated once, for the run, against the auxiliary sources, as a one-target scan
does.
"""
from __future__ import annotations

import gc
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, BinaryIO, Callable

from .engine import evaluate, finding_order
from .inventory import Inventory, merge
from .memory import keep_long_lived
from .model import Finding, Resource, source_family
from .targets import Target, error_findings, give_slot, stamp_resources

if TYPE_CHECKING:
    from .pipeline import Plan


@dataclass
class TargetsScan:
    """What a several-target collection and evaluation produced."""

    findings: list[Finding]
    targets: list[Target]
    collected_at: str
    inventories: dict[str, BinaryIO] = field(default_factory=dict)  # bundle member name -> spooled inventory
    tagged: list[Resource] = field(default_factory=list)  # type, id, account, region, tags: for waivers
    extra_inventory: Inventory | None = None  # what the auxiliary sources collected


def inventory_member(target: Target) -> str:
    """``inventory/<kind>-<id>.json``: the bundle member holding one target's inventory."""
    return f"inventory/{target.kind}-{re.sub(r'[^A-Za-z0-9._@-]+', '_', target.id)}.json"


def scan_targets(plan: Plan, progress: Callable[[str], None] | None = None) -> TargetsScan:
    from .clock import now_utc
    from .evidence.bundle import spooled
    from .pipeline import join_auxiliary, needed_attributes, needed_types

    source: Any = plan.source
    family = source.family
    own = [a for a in plan.active if source_family(a.control.resource_type) == family]
    others = [a for a in plan.active if source_family(a.control.resource_type) != family]
    scan = TargetsScan(findings=[], targets=[], collected_at=now_utc())
    keep_bundle = plan.request.output.evidence_bundle is not None
    keep_tags = plan.posture.waivers is not None
    # every selected control's needs of this family, the auxiliary sources' joins included
    for target, inventory in source.collect_targets(needed_types(plan.active, family), progress,
                                                    attributes=needed_attributes(plan.active, family)):
        scan.targets.append(target)
        if inventory is None:
            scan.findings.extend(error_findings(own, family, target))
            continue
        stamp_resources(inventory, target)
        join_auxiliary(plan, inventory)
        found = evaluate(own, inventory, (family, target.key))
        give_slot(found, target)
        scan.findings.extend(found)
        if keep_bundle:
            scan.inventories[inventory_member(target)] = spooled(inventory.write_to)
        if keep_tags:
            scan.tagged.extend(Resource(r.type, r.id, {"tags": r.attributes["tags"]}, r.region, r.account)
                               for r in inventory.resources if r.attributes.get("tags"))
        del inventory, found
        # What this target's collection made in reference cycles (its API clients and their models, tens of
        # MiB) is garbage now: collect it before freezing what lives on, or it would stay frozen.
        gc.collect()
        keep_long_lived()
    from .pipeline import collect_auxiliary

    extra = collect_auxiliary(plan, progress)
    base = Inventory(source=family, collected_at=scan.collected_at, resource_types=[])
    scan.extra_inventory = merge([base, *extra])
    scan.findings.extend(evaluate(others, scan.extra_inventory))
    scan.findings.sort(key=finding_order)
    return scan
