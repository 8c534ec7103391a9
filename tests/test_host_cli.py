"""End-to-end host scans through the CLI: exit codes, no secrets in any output, snapshot parity, speed."""
from __future__ import annotations

import json
import time
import zipfile

import pytest

from hipaacheck.formats import FORMATS
from test_host_trees import SECRET_MARKER, host_tree, needs_root

STABLE = ("control_id", "check_id", "status", "severity", "resource", "citations", "message", "evidence", "location")


@pytest.fixture(scope="module")
def trees(tmp_path_factory):
    base = tmp_path_factory.mktemp("host-cli")
    return {name: host_tree(name, base) for name in ("compliant", "noncompliant")}


def _stable(findings: list[dict]) -> list[dict]:
    return [{k: f.get(k) for k in STABLE} for f in findings]


@needs_root
def test_compliant_scan_exits_0_with_only_passes(cli, trees):
    result = cli("scan", "--root", trees["compliant"], "--format", "json")
    assert result.code == 0, result.err
    findings = result.json()["findings"]
    assert findings and {f["status"] for f in findings} == {"pass"}
    assert result.json()["run"]["target"]["host"] == "compliant-host"


def test_noncompliant_scan_exits_1(cli, trees):
    result = cli("scan", "--root", trees["noncompliant"], "--format", "json")
    assert result.code == 1
    assert {f["status"] for f in result.json()["findings"]} == {"fail"}


def test_host_findings_point_at_file_lines(cli, trees):
    findings = cli("scan", "--root", trees["noncompliant"], "--format", "json").json()["findings"]
    root_login = next(f for f in findings if f["control_id"] == "host.sshd.permit_root_login")
    assert root_login["location"] == {"path": "/etc/ssh/sshd_config", "line": 1}
    toor = next(f for f in findings if f["control_id"] == "host.accounts.uid0_only_root")
    assert toor["resource"]["item"] == "toor" and toor["location"] == {"path": "/etc/passwd", "line": 2}


@pytest.mark.parametrize("tree", ["compliant", "noncompliant"])
def test_password_hashes_reach_no_output(cli, trees, tmp_path, tree):
    root = trees[tree]
    assert SECRET_MARKER in (root / "etc" / "shadow").read_text()
    outputs = []
    for fmt in ("json", "table"):
        outputs.append(cli("scan", "--root", root, "--format", fmt).out)
    out_dir = tmp_path / "reports"
    every = cli("scan", "--root", root, "--format", ",".join(sorted(FORMATS)), "--output-dir", out_dir,
                "--evidence-bundle", tmp_path / "bundle.zip")
    assert every.code in (0, 1), every.err
    written = [p for p in out_dir.rglob("*") if p.is_file()]
    assert len(written) >= len(FORMATS)
    outputs += [p.read_bytes().decode("utf-8", "replace") for p in written]
    inventory = tmp_path / "inv.json"
    collected = cli("collect", "host", "--root", root, "-o", inventory)
    assert collected.code == 0, collected.err
    outputs += [collected.out, collected.err, inventory.read_text()]
    with zipfile.ZipFile(tmp_path / "bundle.zip") as bundle:
        outputs += [bundle.read(name).decode("utf-8", "replace") for name in bundle.namelist()]
    for text in outputs:
        assert SECRET_MARKER not in text and "seedsalt" not in text


def test_inventory_keeps_password_status_not_hash(cli, trees, tmp_path):
    inventory = tmp_path / "inv.json"
    assert cli("collect", "host", "--root", trees["noncompliant"], "-o", inventory).code == 0
    data = json.loads(inventory.read_text())
    (accounts,) = [r for r in data["resources"] if r["type"] == "host.accounts"]
    assert accounts["attributes"]["passwords"]["toor"] == {"status": "hashed", "algorithm": "md5", "line": 2}
    assert accounts["attributes"]["passwords"]["guest"]["status"] == "empty"


@pytest.mark.parametrize("tree", ["compliant", "noncompliant"])
def test_snapshot_scan_matches_live_scan(cli, trees, tmp_path, tree):
    inventory = tmp_path / "inv.json"
    assert cli("collect", "host", "--root", trees[tree], "-o", inventory).code == 0
    live = cli("scan", "--root", trees[tree], "--format", "json")
    offline = cli("scan", "--source", "snapshot", "--inventory", inventory, "--format", "json")
    assert offline.code == live.code
    assert _stable(offline.json()["findings"]) == _stable(live.json()["findings"])


def test_full_host_scan_is_fast(trees):
    from hipaacheck.registry import load_all
    from hipaacheck.sources.host.source import HostSource

    load_all()
    source = HostSource(trees["compliant"])
    started = time.perf_counter()
    inventory = source.collect(source.supported_types())
    elapsed = time.perf_counter() - started
    assert not inventory.errors
    assert elapsed < 0.5, f"host collection took {elapsed:.2f}s"
