"""Merging results documents (shards, accounts, hosts, AWS and host together) into one posture.

Rules:

- targets are united by key; the same target in two inputs of different runs (``run.started_at``) is bad
  input unless ``latest_wins``: then the input whose run started last keeps it, and the other input's
  findings of that target are dropped; the same target of the same run (the same file twice) is one;
- a 1.0 document's findings are given its one target (if its run names one);
- findings are deduplicated (same identity, target, status and message: an attestation finding every
  shard repeats is kept once) and put in the order a scan gives them; with several targets, findings that
  name no account get the target's slot, as a scan of several targets does (:mod:`hipaacheck.targets`);
- controls are united; coverage is recomputed over all findings; the summary is the usual one.

So the merge of every shard of a scan has the same findings and summary as the unsharded scan.
"""
from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Any, Iterable

from .errors import InputError
from .model import Finding, source_family
from .results import Results
from .targets import KIND_OF_FAMILY, Target, sort_targets

FAMILY_OF_KIND = {kind: family for family, kind in KIND_OF_FAMILY.items()}


@dataclass
class MergeInput:
    path: Path
    results: Results
    carried: dict[str, Path]  # what the merged evidence bundle carries of this input: member name -> file

    @property
    def run_id(self) -> str:
        return str(self.results.run.get("started_at") or "")


def load_inputs(paths: Iterable[Path], workdir: Path) -> list[MergeInput]:
    """Results documents, or evidence bundles (verified first; their results inside). ``workdir`` holds
    what is taken out of bundles while the merge runs."""
    paths = list(paths)
    if not paths:
        raise InputError("merge", "name at least one RESULTS.json")
    return [_load(index, path, workdir) for index, path in enumerate(paths)]


def _load(index: int, path: Path, workdir: Path) -> MergeInput:
    """A results file is carried as it is; a bundle by its manifest (and signature), which hash the rest."""
    import zipfile

    prefix = f"inputs/{index:02d}-"
    if not (path.is_file() and zipfile.is_zipfile(path)):
        return MergeInput(path, Results.load(path), {f"{prefix}{path.name}": path})
    from .evidence.bundle import MANIFEST, SIGNATURE
    from .evidence.verify import verify_bundle

    report = verify_bundle(path)
    if not report.ok:
        raise InputError(str(path), f"evidence bundle does not verify ({report.lines()[0]})")
    folder = workdir / f"{index:02d}"
    folder.mkdir(parents=True)
    with zipfile.ZipFile(path) as archive:
        names = set(archive.namelist())
        if "results.json" not in names:
            raise InputError(str(path), "evidence bundle holds no results.json")
        for name in ("results.json", MANIFEST, SIGNATURE):
            if name in names:
                with archive.open(name) as member, open(folder / name, "wb") as out:
                    shutil.copyfileobj(member, out)
    carried = {f"{prefix}{path.stem}/{name}": folder / name for name in (MANIFEST, SIGNATURE) if name in names}
    return MergeInput(path, Results.load(folder / "results.json"), carried)


def family_of(target: Target) -> str:
    return FAMILY_OF_KIND.get(target.kind, target.kind)


def claim_targets(inputs: list[MergeInput], latest_wins: bool) -> dict[str, MergeInput]:
    """Target key → the input whose findings of it are kept."""
    owner: dict[str, MergeInput] = {}
    for item in inputs:
        for target in item.results.targets:
            held = owner.get(target.key)
            if held is None or held.run_id == item.run_id:
                owner.setdefault(target.key, item)
                continue
            if not latest_wins:
                raise InputError(str(item.path), f"target {target.key} is also in {held.path}, from another run "
                                                 f"({held.run_id} and {item.run_id}); pass --latest-wins to keep "
                                                 "the later")
            if item.run_id > held.run_id:
                owner[target.key] = item
    return owner


def _adopt_single_target(item: MergeInput) -> None:
    """A 1.0 document's findings of its one target's family belong to that target."""
    if len(item.results.targets) != 1:
        return
    target = item.results.targets[0]
    family = family_of(target)
    for finding in item.results.findings:
        if finding.target is None and source_family(str(finding.resource.get("type", ""))) == family:
            finding.target = target.key


def merge_results(inputs: list[MergeInput], latest_wins: bool = False, command: list[str] | None = None) -> Results:
    from .engine import finding_order

    owner = claim_targets(inputs, latest_wins)
    targets: dict[str, Target] = {}
    slots: dict[str, str] = {}
    seen: set[tuple[Any, ...]] = set()
    findings: list[Finding] = []
    controls: dict[str, dict[str, Any]] = {}
    for item in inputs:
        _adopt_single_target(item)
        for target in item.results.targets:
            if owner[target.key] is item:
                targets.setdefault(target.key, target)
                slots[target.key] = target.slot
        for control_id, meta in item.results.controls.items():
            controls.setdefault(control_id, meta)
        for finding in item.results.findings:
            if finding.target is not None and owner.get(finding.target, item) is not item:
                continue  # that target's findings come from the later run
            key = (finding.identity, finding.target, str(finding.status), finding.message)
            if key not in seen:
                seen.add(key)
                findings.append(finding)
    if len(targets) > 1:
        for finding in findings:
            if finding.target in slots and "account" not in finding.resource:
                finding.resource = {**finding.resource, "account": slots[finding.target]}
    findings.sort(key=finding_order)
    results = Results(findings=findings, run=merged_run(inputs, len(targets), command), controls=controls,
                      targets=sort_targets(targets.values()))
    results.extra["coverage"] = recomputed_coverage(controls, findings)
    return results


def merged_run(inputs: list[MergeInput], targets: int, command: list[str] | None) -> dict[str, Any]:
    runs = [item.results.run for item in inputs]
    profiles = {str((run.get("profile") or {}).get("id")): run.get("profile") for run in runs}
    return {
        "started_at": min(str(run.get("started_at") or "") for run in runs),
        "finished_at": max(str(run.get("finished_at") or "") for run in runs),
        "collected_at": min(str(run.get("collected_at") or run.get("started_at") or "") for run in runs),
        "source": "merge",
        "target": {"targets": targets, "inputs": len(inputs)},
        "profile": next(iter(profiles.values())) if len(profiles) == 1 else
        {"id": "+".join(sorted(profiles)), "title": "merged profiles", "chain": sorted(profiles)},
        "command": ["hipaacheck", *(command or [])],
        "inputs": [{"path": item.path.name, "started_at": item.run_id, "source": item.results.run.get("source"),
                    "targets": [t.key for t in item.results.targets]} for item in inputs],
    }


def recomputed_coverage(controls: dict[str, dict[str, Any]], findings: list[Finding]) -> list[dict[str, Any]]:
    """Coverage rows over the united controls (their citations and checks, as the documents record them)."""
    from .coverage import coverage_rows

    active = [SimpleNamespace(control=SimpleNamespace(id=cid, citations=list(meta.get("citations") or []),
                                                      check=str(meta.get("check") or "")))
              for cid, meta in sorted(controls.items())]
    return coverage_rows(active, findings)


__all__ = ["MergeInput", "load_inputs", "merge_results"]
