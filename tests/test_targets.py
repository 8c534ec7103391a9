"""The targets core: Target values, results 1.1 (targets, by_target, finding target), a source of several
targets through the pipeline (one inventory at a time, a failed target as error findings), 1.0 files."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Iterator

import pytest

from hipaacheck.inventory import Inventory
from hipaacheck.request import ScanRequest
from hipaacheck.results import RESULTS_SCHEMA_VERSION, Results
from hipaacheck.sources import SourceSpec
from hipaacheck.sources.host.source import HostSource
from hipaacheck.targets import Target, TargetStatus, status_of, target_of

FIXTURES = Path(__file__).resolve().parent / "fixtures"
HOSTS = FIXTURES / "host"


class TwoHostsAndADeadOne:
    """Several host targets: the compliant and non-compliant trees, then one that cannot be reached."""

    name = "host"
    family = "host"
    run_target = {"fleet": "test"}

    def __init__(self) -> None:
        self.alive = 0  # inventories handed out and not yet released when the next is collected
        self.max_alive = 0

    def collect(self, resource_types: set[str], progress: Any = None, *, attributes: Any = None) -> Inventory:
        raise AssertionError("a source of several targets is scanned through collect_targets")

    def collect_targets(self, resource_types: set[str], progress: Any = None, *,
                        attributes: Any = None) -> Iterator[tuple[Target, Inventory | None]]:
        import weakref

        for name in ("compliant", "noncompliant"):
            inventory = HostSource(HOSTS / name).collect(resource_types, progress, attributes=attributes)
            status, reason = status_of(inventory)
            self.alive += 1
            self.max_alive = max(self.max_alive, self.alive)
            weakref.finalize(inventory, self._released)
            yield Target("host", name, name, status, reason, {"root": name}), inventory
            del inventory
        yield Target("host", "dead", "dead", TargetStatus.ERROR, "ssh: connection refused"), None

    def _released(self) -> None:
        self.alive -= 1


@pytest.fixture
def several(monkeypatch) -> TwoHostsAndADeadOne:
    source = TwoHostsAndADeadOne()
    monkeypatch.setattr("hipaacheck.pipeline.build_source", lambda spec, plan=None: source)
    return source


def scan(tmp_path: Path | None = None) -> Results:
    from hipaacheck.pipeline import run_scan
    from hipaacheck.request import OutputSpec

    output = OutputSpec(evidence_bundle=tmp_path / "b.zip") if tmp_path else OutputSpec()
    results, _ = run_scan(ScanRequest(source=SourceSpec.of("host", {"root": HOSTS / "compliant"}), output=output))
    return results


def test_target_round_trip_and_key() -> None:
    target = Target("aws-account", "111122223333", "prod", TargetStatus.PARTIAL, "2 collection errors",
                    {"regions": ["us-east-1"]})
    assert target.key == "aws-account:111122223333"
    assert target.slot == "111122223333"
    assert Target("ssh", "ops@db:22", "db", TargetStatus.SCANNED).slot == "ssh:ops@db:22"
    assert Target.from_dict(json.loads(json.dumps(target.to_dict()))) == target


def test_one_target_scan_lists_its_target_and_stamps_its_findings() -> None:
    from hipaacheck.pipeline import run_scan

    results, _ = run_scan(ScanRequest(source=SourceSpec.of("host", {"root": HOSTS / "noncompliant"})))
    [target] = results.targets
    assert target.kind == "host" and target.status == TargetStatus.SCANNED
    host = [f for f in results.findings if f.resource["type"].startswith("host.")]
    assert host and all(f.target == target.key for f in host)
    assert all("account" not in f.resource for f in host), "one-target identities are unchanged"
    document = results.to_dict()
    assert document["schema_version"] == RESULTS_SCHEMA_VERSION == "1.1"
    assert document["targets"] == [target.to_dict()]
    assert document["summary"]["by_target"][target.key]["fail"] == sum(f.status == "fail" for f in host)


def test_several_targets_one_at_a_time_with_a_failed_one(several: TwoHostsAndADeadOne, tmp_path: Path) -> None:
    results = scan(tmp_path)
    assert several.max_alive == 1, "the previous target's inventory was still held when the next was collected"
    assert [(t.id, t.status) for t in results.targets] == [
        ("compliant", "scanned"), ("noncompliant", "scanned"), ("dead", "error")]
    by_target = results.summary()["by_target"]
    assert by_target["host:compliant"]["fail"] < by_target["host:noncompliant"]["fail"]
    dead = [f for f in results.findings if f.target == "host:dead"]
    host_controls = {a for a, meta in results.controls.items() if meta["resource_type"].startswith("host.")}
    assert {f.control_id for f in dead} == host_controls
    assert all(f.status == "error" and f.message == "ssh: connection refused" and f.resource["id"] == "*"
               for f in dead)
    compliant, noncompliant = ({f.identity for f in results.findings if f.target == f"host:{name}"}
                               for name in ("compliant", "noncompliant"))
    assert compliant and not compliant & noncompliant, "findings of different hosts collide"
    assert all(f.resource.get("account", "").startswith("host:") for f in results.findings
               if f.target is not None)
    assert results.run["target"] == {"fleet": "test", "targets": 3}


def test_several_targets_bundle_holds_each_inventory(several: TwoHostsAndADeadOne, tmp_path: Path) -> None:
    import zipfile

    from hipaacheck.pipeline import write_evidence_bundle

    results = scan(tmp_path)
    write_evidence_bundle(tmp_path / "b.zip", results, {})
    names = zipfile.ZipFile(tmp_path / "b.zip").namelist()
    assert "inventory/host-compliant.json" in names and "inventory/host-noncompliant.json" in names
    assert "inventory/host-dead.json" not in names and "inventory.json" not in names
    member = json.loads(zipfile.ZipFile(tmp_path / "b.zip").read("inventory/host-compliant.json"))
    assert member["resources"] and all(r["account"] == "host:compliant" for r in member["resources"])


def test_results_round_trip_keeps_targets_and_finding_targets(several: TwoHostsAndADeadOne,
                                                               tmp_path: Path) -> None:
    results = scan()
    path = tmp_path / "r.json"
    path.write_text(json.dumps(results.to_dict()))
    loaded = Results.load(path)
    assert loaded.targets == results.targets
    assert [f.target for f in loaded.findings] == [f.target for f in results.findings]


def test_version_1_0_file_still_loads_with_its_target() -> None:
    loaded = Results.load(FIXTURES / "results" / "mixed.json")
    [target] = loaded.targets
    assert target == target_of("aws" if loaded.run["source"] == "aws" else "host", loaded.run["target"])
