"""Attestation evidence travels in the evidence bundle, hashed in its manifest."""
from __future__ import annotations

import hashlib
import json
import zipfile
from pathlib import Path

import yaml
from assertions import input_error


def test_bundle_carries_the_attestations_file_and_its_evidence(cli, tmp_path: Path):
    evidence = tmp_path / "risk-analysis-2026.pdf"
    evidence.write_bytes(b"%PDF-1.7 risk analysis\n")
    att = tmp_path / "att.yaml"
    assert cli("attest", "manual.risk.analysis", "--by", "Dana Lee", "--role", "Security Officer",
               "--statement", "Risk analysis performed and reviewed", "--evidence", evidence,
               "--file", att).code == 0
    profile = tmp_path / "profile.yaml"
    profile.write_text(yaml.safe_dump({"id": "t", "title": "t", "extends": "hipaa-base",
                                       "controls": {"include": ["manual.risk.analysis"]}}))
    bundle = tmp_path / "evidence.zip"
    result = cli("scan", "--root", tmp_path, "--profile", profile, "--attestations", att, "--format", "json",
                 "--evidence-bundle", bundle)
    assert result.code == 0, result.err
    assert result.json()["findings"][0]["status"] == "pass"
    with zipfile.ZipFile(bundle) as archive:
        names = archive.namelist()
        manifest = json.loads(archive.read("manifest.json"))
        [member] = [n for n in names if n.startswith("attestations/") and n.endswith(evidence.name)]
        assert archive.read(member) == evidence.read_bytes()
    listed = {f["path"]: f for f in manifest["files"]} if isinstance(manifest["files"], list) else manifest["files"]
    assert listed[member]["sha256"] == hashlib.sha256(evidence.read_bytes()).hexdigest()
    assert f"attestations/{att.name}" in names
    assert cli("evidence", "verify", bundle).code == 0


# ---- hostile attestations files ---------------------------------------------------------------------------

def _scan_with(cli, tmp_path: Path, att: Path, *extra: object):
    profile = tmp_path / "profile.yaml"
    profile.write_text(yaml.safe_dump({"id": "t", "title": "t", "extends": "hipaa-base",
                                       "controls": {"include": ["manual.risk.analysis"]}}))
    bundle = tmp_path / "evidence.zip"
    return cli("scan", "--root", tmp_path, "--profile", profile, "--attestations", att, "--format", "json",
               "--evidence-bundle", bundle, *extra), bundle


def _attestations(path: Path, *evidence: str) -> Path:
    path.write_text(yaml.safe_dump({"version": 1, "attestations": [
        {"control": "manual.risk.analysis", "by": "Eve", "role": "Officer", "date": "2026-01-15",
         "evidence": [{"path": p, "sha256": "0" * 64} for p in evidence]}]}))
    return path


def test_evidence_named_outside_the_attestations_folder_is_refused(cli, tmp_path: Path):
    secret = tmp_path / "host-secret.txt"
    secret.write_text("root:$6$hash-of-the-scanning-machine\n")
    checkout = tmp_path / "checkout"
    checkout.mkdir()
    (checkout / "innocent.pdf").symlink_to(secret)  # a link inside the folder counts where it leads
    for named in (str(secret), "../host-secret.txt", "innocent.pdf"):
        att = _attestations(checkout / "att.yaml", named)
        result, bundle = _scan_with(cli, tmp_path, att)
        input_error(result, f"att.yaml:2: $.attestations[0].evidence[0].path: '{named}' is outside the evidence root")
        assert "hash-of-the-scanning-machine" not in result.err
        assert not bundle.exists()


def test_evidence_root_widens_where_evidence_may_live(cli, tmp_path: Path):
    (tmp_path / "records").mkdir()
    evidence = tmp_path / "records" / "plan.pdf"
    evidence.write_bytes(b"plan")
    folder = tmp_path / "compliance"
    folder.mkdir()
    att = folder / "att.yaml"
    refused = cli("attest", "manual.risk.analysis", "--by", "Dana", "--role", "Officer", "--evidence", evidence,
                  "--file", att)
    input_error(refused, "outside the evidence root")
    assert not att.exists()
    assert cli("attest", "manual.risk.analysis", "--by", "Dana", "--role", "Officer", "--evidence", evidence,
               "--file", att, "--evidence-root", tmp_path).code == 0
    input_error(_scan_with(cli, tmp_path, att)[0], "outside the evidence root")  # the scan must be told the same root
    result, bundle = _scan_with(cli, tmp_path, att, "--evidence-root", tmp_path)
    assert result.code == 0, result.err
    with zipfile.ZipFile(bundle) as archive:
        assert archive.read("attestations/evidence/records/plan.pdf") == b"plan"


def test_a_fifo_as_evidence_is_not_read(cli, tmp_path: Path):
    import os

    os.mkfifo(tmp_path / "evidence.pdf")  # opening it for reading would wait for a writer forever
    att = _attestations(tmp_path / "att.yaml", "evidence.pdf")
    result, _ = _scan_with(cli, tmp_path, att)
    [finding] = result.json()["findings"]
    assert finding["status"] == "error" and "unreadable" in json.dumps(finding), finding


def test_concurrent_attest_runs_keep_every_entry(tmp_path: Path):
    import os
    import subprocess
    import sys

    att = tmp_path / "att.yaml"
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parent.parent))
    runs = [subprocess.Popen([sys.executable, "-m", "hipaacheck", "attest", "manual.risk.analysis", "--by",
                              f"Person {n}", "--role", "Officer", "--file", str(att)],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env) for n in range(8)]
    outputs = [run.communicate() for run in runs]
    assert [run.returncode for run in runs] == [0] * 8, outputs
    entries = yaml.safe_load(att.read_text())["attestations"]
    assert sorted(e["by"] for e in entries) == [f"Person {n}" for n in range(8)]
