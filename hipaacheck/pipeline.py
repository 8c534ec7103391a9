"""One scan, start to finish, from a typed :class:`~hipaacheck.request.ScanRequest`:
plan → collect → evaluate → posture → results → outputs.

Everything that can be wrong with the input (sources' options, profile, controls, waivers,
attestations, baseline, formats) is checked while planning, before collection starts, so a typo fails
in a second with exit 2, never after a long scan.
"""
from __future__ import annotations

import shutil
import sys
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, Callable, Mapping

from .clock import now_utc
from .controls import ControlCatalog, builtin_controls
from .formats import get_format
from .inventory import Inventory, merge
from .memory import keep_long_lived
from .model import Finding, source_family
from .posture import PostureInputs
from .profiles import ActiveControl, Profile, load_profile, select_controls
from .registry import get_check, load_all
from .request import CatalogSpec, ScanRequest
from .results import Results, record_verdict
from .selection import narrow
from .sources import Source, SourcePlan, SourceSpec, auxiliary_for, build_source, default_profile_for
from .targets import target_of

Progress = Callable[[str], None]


@dataclass
class Plan:
    """Everything resolved before any I/O against the target."""

    request: ScanRequest
    profile: Profile
    catalog: ControlCatalog
    active: list[ActiveControl]
    source: Source
    auxiliary: list[Source] = field(default_factory=list)  # attestations...: collected beside the source
    posture: PostureInputs = field(default_factory=PostureInputs)


@dataclass
class ScanContext:
    """What a scan used (plan, inventory as collected): for the evidence bundle, never serialised.
    A several-target scan holds no inventory but each target's, spooled (bundle member -> file)."""

    plan: Plan
    inventory: Inventory | None
    inventories: dict[str, Any] = field(default_factory=dict)


def load_catalog(spec: CatalogSpec, profile_name: str) -> tuple[Profile, ControlCatalog, list[ActiveControl]]:
    load_all(spec.checks_dirs)
    catalog = builtin_controls(spec.controls_dirs)
    profile = load_profile(profile_name)
    active = narrow(spec.selection, select_controls(profile, catalog), lambda a: (a.control, a.severity))
    return profile, catalog, active


def joined(active: list[ActiveControl]) -> dict[str, frozenset[str]]:
    """Resource type → attributes that the auxiliary sources of the selected controls join with."""
    needs: dict[str, frozenset[str]] = {}
    for info in auxiliary_for({source_family(a.control.resource_type) for a in active}):
        for rtype, attributes in info.joins.items():
            needs[rtype] = needs.get(rtype, frozenset()) | frozenset(attributes)
    return needs


def needed_types(active: list[ActiveControl], family: str) -> set[str]:
    types = {a.control.resource_type for a in active if source_family(a.control.resource_type) == family}
    return types | {rtype for rtype in joined(active) if source_family(rtype) == family}


def needed_attributes(active: list[ActiveControl], family: str) -> dict[str, frozenset[str] | None]:
    """Resource type → the top-level attributes its selected controls (and joining auxiliary sources)
    read; None when one of them may read anything (its check declares no ``reads``)."""
    needed: dict[str, frozenset[str] | None] = {
        rtype: attributes for rtype, attributes in joined(active).items() if source_family(rtype) == family}
    for control in active:
        rtype = control.control.resource_type
        if source_family(rtype) != family:
            continue
        spec = get_check(control.control.check)
        reads = spec.reads_for(control.params) if spec is not None else None
        known = needed.get(rtype, frozenset())
        needed[rtype] = None if reads is None or known is None else known | reads
    return needed


def collect_source(source: Source, active: list[ActiveControl], progress: Progress | None = None) -> Inventory:
    """Collect what ``active`` needs from ``source``: its types, and the attributes each type's controls
    read (a source may skip fetching the rest)."""
    return source.collect(needed_types(active, source.family), progress,
                          attributes=needed_attributes(active, source.family))


def plan_collection(source_spec: SourceSpec, catalog_spec: CatalogSpec
                    ) -> tuple[Source, Profile, ControlCatalog, list[ActiveControl]]:
    """Build the source (checking its options and input), then select controls for what it produces."""
    source = build_source(source_spec)
    profile_name = catalog_spec.profile or default_profile_for(source.family)
    profile, catalog, active = load_catalog(catalog_spec, profile_name)
    return source, profile, catalog, active


def plan_scan(request: ScanRequest) -> Plan:
    request.output.check_stdout()
    for name in request.output.formats:
        get_format(name)
    source, profile, catalog, active = plan_collection(request.source, request.catalog)
    families = {source_family(a.control.resource_type) for a in active}
    source_plan = SourcePlan(catalog, active)
    auxiliary = [info.build(request.auxiliary_spec(info.name).options, source_plan)
                 for info in auxiliary_for(families) if info.name != request.source.name]
    from . import posture

    inputs = posture.load_inputs(request.posture, request.gate, profile)
    return Plan(request, profile, catalog, active, source, auxiliary, inputs)


def collect_all(plan: Plan, progress: Progress | None = None) -> tuple[Inventory, Inventory]:
    """(what the main source collected, that plus every auxiliary inventory) for evaluation."""
    inventory = collect_source(plan.source, plan.active, progress)
    join_auxiliary(plan, inventory)
    extra = collect_auxiliary(plan, progress)
    return inventory, merge([inventory, *extra]) if extra else inventory


def join_auxiliary(plan: Plan, inventory: Inventory) -> None:
    """Hand a main inventory (one target's, in a several-target scan) to the auxiliary sources that join
    with it: a roster joins with the accounts found."""
    for aux in plan.auxiliary:
        join = getattr(aux, "join", None)
        if join is not None:
            join(inventory)


def collect_auxiliary(plan: Plan, progress: Progress | None = None) -> list[Inventory]:
    """What each auxiliary source collects for the selected controls, once every main inventory was joined."""
    return [collect_source(aux, plan.active, progress) for aux in plan.auxiliary]


def build_results(plan: Plan, inventory: Inventory, findings: list[Finding], started_at: str) -> Results:
    run = {
        "started_at": started_at,
        "finished_at": now_utc(),
        "collected_at": inventory.collected_at,
        "source": plan.request.source.name,
        "target": inventory.metadata,
        "profile": {"id": plan.profile.id, "title": plan.profile.title, "chain": plan.profile.chain},
        "command": ["hipaacheck", *plan.request.command],
    }
    controls = {}
    for active in plan.active:
        meta = active.control.to_dict()
        meta["severity"] = active.severity
        meta["params"] = active.params
        controls[active.id] = meta
    return Results(findings=findings, run=run, controls=controls)


def run_scan(request: ScanRequest, progress: Progress | None = None) -> tuple[Results, int]:
    started_at = now_utc()
    plan = plan_scan(request)
    if hasattr(plan.source, "collect_targets"):
        results, full = scan_several(plan, progress, started_at)
    else:
        inventory, full = collect_all(plan, progress)
        keep_long_lived()
        from .engine import evaluate

        target = target_of(plan.source.family, inventory.metadata, inventory)
        findings = evaluate(plan.active, full, (plan.source.family, target.key))
        results = build_results(plan, inventory, findings, started_at)
        results.targets = [target]
        results.context = ScanContext(plan, inventory)
    from . import posture

    posture.apply(results, plan.posture, full)
    from .coverage import coverage_rows

    results.extra["coverage"] = coverage_rows(plan.active, results.findings, results.tally())
    gate = request.gate
    verdict = record_verdict(results, gate.fail_on, gate.soft_fail, gate.fail_on_new_only)
    return results, verdict.exit_code


def scan_several(plan: Plan, progress: Progress | None, started_at: str) -> tuple[Results, Inventory]:
    """A source of several targets: results listing them, and what waivers need of the inventories."""
    from .multiscan import scan_targets

    scan = scan_targets(plan, progress)
    metadata = {**(getattr(plan.source, "run_target", None) or {}), "targets": len(scan.targets)}
    header = Inventory(source=plan.source.family, collected_at=scan.collected_at, resource_types=[],
                       metadata=metadata, resources=scan.tagged)
    results = build_results(plan, header, scan.findings, started_at)
    results.targets = scan.targets
    results.context = ScanContext(plan, None, scan.inventories)
    extra = scan.extra_inventory
    return results, merge([header, extra]) if extra is not None else header


def write_outputs(results: Results, formats: list[str] | tuple[str, ...], output_dir: Path | None,
                  keep: dict[str, Any] | None = None, pretty: bool = False,
                  show_passed: bool = False, paths: Mapping[str, Path] | None = None) -> dict[str, Path]:
    """Write each format once, as it renders; ``keep`` (if given) receives filename → where the bytes
    now are (the file written, or a spooled copy of what went to stdout) for the evidence bundle."""
    from .atomic import atomic_writer
    from .evidence.bundle import spooled

    written: dict[str, Path] = {}
    for name in formats:
        fmt = get_format(name, pretty, show_passed)
        path = (paths or {}).get(name) or (output_dir / fmt.filename if output_dir is not None else None)
        if path is not None:
            written[name] = path
            with atomic_writer(path) as handle:
                fmt.write(results, handle)
            if keep is not None:
                keep[fmt.filename] = path
            continue
        try:
            sys.stdout.flush()
            if keep is None:
                fmt.write(results, sys.stdout.buffer)
            else:
                copy = keep[fmt.filename] = spooled(partial(fmt.write, results))
                shutil.copyfileobj(copy, sys.stdout.buffer)
                copy.seek(0)
            sys.stdout.flush()
        except BrokenPipeError:
            raise
        except OSError as exc:
            from .atomic import write_error

            raise write_error("<stdout>", exc) from None
    return written


def evidence_files(context: ScanContext | None) -> dict[str, Path | bytes]:
    """Files the sources hand to the evidence bundle (the attestations file and its evidence...)."""
    files: dict[str, Path | bytes] = {}
    if context is not None:
        for source in (context.plan.source, *context.plan.auxiliary):
            provide = getattr(source, "evidence_files", None)
            if provide is not None:
                files.update(provide())
    return dict(sorted(files.items()))


def write_evidence_bundle(path: Path, results: Results, reports: dict[str, Any],
                          sign_key: Any | None = None, extra_files: Mapping[str, Path | bytes] | None = None) -> None:
    """Write the evidence bundle after the outputs, from the bytes they wrote (``reports``, as filled by
    :func:`write_outputs`): results, reports, inventory, controls, profile, run."""
    from .evidence.bundle import scan_contents, write_bundle
    from .memory import gc_paused

    context = results.context
    if extra_files is None:
        extra_files = evidence_files(context)
    with gc_paused():  # the inventory document is 100k small dicts at scale, none in a cycle
        contents = scan_contents(results, reports, context.inventory if context else None,
                                 context.plan if context else None, extra_files)
        for name, spool in (context.inventories if context else {}).items():
            contents.add(name, spool)
    write_bundle(path, contents, sign_key)
