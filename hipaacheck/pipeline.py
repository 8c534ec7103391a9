"""One scan, start to finish: profile → controls → collect → evaluate → results → outputs.

Everything that can be wrong with the input (profile, controls, waivers,
attestations, baseline, formats) is checked before collection starts, so a
typo fails in a second with exit 2, never after a long scan.
"""
from __future__ import annotations

import argparse
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from .controls import ControlCatalog, builtin_controls
from .errors import InputError
from .formats import get_format, parse_formats
from .inventory import Inventory, merge
from .model import Finding
from .profiles import ActiveControl, Profile, load_profile, select_controls
from .registry import load_all
from .results import Results, exit_code
from .sources import make_source, source_family
from .clock import now_utc

DEFAULT_PROFILES = {"host": "hipaa-host", "aws": "hipaa-aws"}
SECRET_FLAGS = {"--external-id", "--sign-key"}


@dataclass
class Plan:
    """Everything resolved before any I/O against the target."""

    profile: Profile
    catalog: ControlCatalog
    active: list[ActiveControl]
    formats: list[str]
    inputs: dict[str, Any] = field(default_factory=dict)  # pre-loaded waivers, attestations, baseline


@dataclass
class ScanContext:
    """What a scan used (plan, inventory as collected): for the evidence bundle, never serialised."""

    plan: Plan
    inventory: Inventory


def redact_command(argv: list[str]) -> list[str]:
    """The command line with secret-bearing flag values removed, for run metadata."""
    out: list[str] = []
    skip = False
    for arg in argv:
        if skip:
            out.append("<redacted>")
            skip = False
            continue
        flag, eq, _ = arg.partition("=")
        if flag in SECRET_FLAGS:
            if eq:
                out.append(f"{flag}=<redacted>")
            else:
                out.append(flag)
                skip = True
            continue
        out.append(arg)
    return out


def default_profile(args: argparse.Namespace, inventory_source: str | None = None) -> str:
    if args.profile:
        return args.profile
    return DEFAULT_PROFILES.get(inventory_source or args.source, "hipaa-host")


def load_catalog(args: argparse.Namespace, profile_name: str) -> tuple[Profile, ControlCatalog, list[ActiveControl]]:
    load_all(args.checks_dir)
    catalog = builtin_controls(args.controls_dir)
    profile = load_profile(profile_name)
    return profile, catalog, select_controls(profile, catalog)


def needed_types(active: list[ActiveControl], family: str) -> set[str]:
    return {a.control.resource_type for a in active if source_family(a.control.resource_type) == family}


def collect(args: argparse.Namespace, active: list[ActiveControl], progress: Callable[[str], None] | None) -> Inventory:
    source = make_source(args.source, args)
    return source.collect(needed_types(active, source.name), progress)


def auxiliary_inventories(plan: Plan) -> list[Inventory]:
    """Resources no target source collects: attestations for manual controls."""
    types = needed_types(plan.active, "manual")
    if not types:
        return []
    from .attestations import attestation_inventory

    return [attestation_inventory(plan.inputs.get("attestations"), plan.active, types, now_utc())]


def plan_scan(args: argparse.Namespace, inventory_source: str | None = None) -> Plan:
    formats = parse_formats(args.format)
    if len(formats) > 1 and not args.output_dir:
        raise InputError("--format", "several formats need --output-dir")
    for name in formats:
        get_format(name)
    profile, catalog, active = load_catalog(args, default_profile(args, inventory_source))
    plan = Plan(profile, catalog, active, formats)
    if getattr(args, "attestations", None):
        from .attestations import load_attestations

        plan.inputs["attestations"] = load_attestations(args.attestations, catalog.controls)
    from . import posture

    plan.inputs.update(posture.load_inputs(args, profile))
    return plan


def build_results(args: argparse.Namespace, plan: Plan, inventory: Inventory, findings: list[Finding],
                  started_at: str) -> Results:
    run = {
        "started_at": started_at,
        "finished_at": now_utc(),
        "collected_at": inventory.collected_at,
        "source": args.source,
        "target": inventory.metadata,
        "profile": {"id": plan.profile.id, "title": plan.profile.title, "chain": plan.profile.chain},
        "command": ["hipaacheck", *redact_command(getattr(args, "argv", []))],
    }
    controls = {}
    for active in plan.active:
        meta = active.control.to_dict()
        meta["severity"] = active.severity
        meta["params"] = active.params
        controls[active.id] = meta
    return Results(findings=findings, run=run, controls=controls)


def write_outputs(results: Results, formats: list[str], output_dir: Path | None,
                  keep: dict[str, Any] | None = None, pretty: bool = False) -> dict[str, Path]:
    """Write each format once, as it renders; ``keep`` (if given) receives filename → where the bytes
    now are (the file written, or a spooled copy of what went to stdout) for the evidence bundle."""
    from .atomic import atomic_writer
    from .evidence.bundle import spooled

    written: dict[str, Path] = {}
    for name in formats:
        fmt = get_format(name, pretty)
        if output_dir is not None:
            path = written[name] = output_dir / fmt.filename
            with atomic_writer(path) as handle:
                fmt.write(results, handle)
            if keep is not None:
                keep[fmt.filename] = path
            continue
        sys.stdout.flush()
        if keep is None:
            fmt.write(results, sys.stdout.buffer)
        else:
            copy = keep[fmt.filename] = spooled(lambda out: fmt.write(results, out))
            shutil.copyfileobj(copy, sys.stdout.buffer)
            copy.seek(0)
        sys.stdout.flush()
    return written


def run_scan(args: argparse.Namespace, progress: Callable[[str], None] | None = None) -> tuple[Results, int]:
    started_at = now_utc()
    if args.source == "snapshot":
        if not args.inventory:
            raise InputError("--inventory", "--source snapshot needs --inventory FILE")
        inventory = Inventory.load(args.inventory)
        plan = plan_scan(args, inventory.source)
    else:
        plan = plan_scan(args)
        inventory = collect(args, plan.active, progress)
    full = merge([inventory, *auxiliary_inventories(plan)])
    from .engine import evaluate

    findings = evaluate(plan.active, full)
    results = build_results(args, plan, inventory, findings, started_at)
    from . import posture

    posture.apply(results, plan.inputs, full)
    from .coverage import coverage_rows

    results.extra["coverage"] = coverage_rows(plan.active, results.findings)
    results.context = ScanContext(plan, inventory)
    return results, exit_code(results.findings, args.fail_on, getattr(args, "fail_on_new_only", False))


def write_evidence_bundle(args: argparse.Namespace, results: Results, reports: dict[str, Any],
                          sign_key: Any | None = None, extra_files: dict[str, Path] | None = None) -> None:
    """Write ``--evidence-bundle`` after the outputs, from the bytes they wrote (``reports``, as
    filled by :func:`write_outputs`): results, reports, inventory, controls, profile, run."""
    from .evidence.bundle import scan_contents, write_bundle
    from .gcpause import paused_gc

    context: ScanContext | None = results.context
    if extra_files is None and context is not None:
        from .attestations import attestation_evidence_files

        extra_files = attestation_evidence_files(context.plan.inputs.get("attestations"))
    with paused_gc():  # the inventory document is 100k small dicts at scale, none in a cycle
        contents = scan_contents(results, reports, context.inventory if context else None,
                                 context.plan if context else None, extra_files)
    write_bundle(args.evidence_bundle, contents, sign_key)
