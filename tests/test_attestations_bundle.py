"""Attestation evidence travels in the evidence bundle, hashed in its manifest."""
from __future__ import annotations

import hashlib
import json
import zipfile
from pathlib import Path

import yaml


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
