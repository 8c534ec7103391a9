"""No name or e-mail from the roster reaches any output byte: every format, the log, the evidence bundle.

The bundle keeps the roster as ids, roles, dates and accounts with the original file's SHA-256, and the
register as given; ``evidence verify`` accepts it.
"""
from __future__ import annotations

import hashlib
import json
import zipfile

import pytest
import yaml
from test_workforce import USERS, host_tree

from hipaacheck.formats import FORMATS, get_format

PRIVATE = ["Zebulon Quarterfield", "zq.private@hospital.example", "Philippa Oyelaran-Voss", "pov@clinic.example"]


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch):
    monkeypatch.setattr("hipaacheck.clock.now_utc", lambda: "2026-12-01T12:00:00Z")


def test_no_roster_name_or_email_in_any_output(cli, tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text(
        "id,role,name,email,hire_date,termination_date,last_training_date,accounts\n"
        f"E1,nurse,{PRIVATE[0]},{PRIVATE[1]},2024-01-02,2026-11-01,2025-01-01,host:live\n"
        f"E2,admin,{PRIVATE[2]},{PRIVATE[3]},2024-01-02,,2026-06-01,host:admin;aws:boss\n")
    incidents = tmp_path / "incidents.yaml"
    incidents.write_text(yaml.safe_dump({"version": 1, "incidents": [
        {"id": "INC-1", "discovered": "2026-10-01", "assessment": {"date": "2026-10-02", "by": "E2", "breach": True},
         "affected": {"total": 900, "by_state": {"CA": 900}}}]}))
    out, bundle, log = tmp_path / "out", tmp_path / "bundle.zip", tmp_path / "scan.log"
    result = cli("scan", "--root", host_tree(tmp_path / "h", USERS), "--profile", "hipaa-full",
                 "--workforce", roster, "--incidents", incidents, "--format", ",".join(FORMATS),
                 "--output-dir", out, "--evidence-bundle", bundle, "--log-level", "debug", "--log-file", log)
    assert result.code == 1, result.err
    outputs = {path.name: path.read_bytes() for path in out.iterdir()}
    assert set(outputs) == {get_format(name).filename for name in FORMATS}
    with zipfile.ZipFile(bundle) as archive:
        outputs.update({f"bundle:{name}": archive.read(name) for name in archive.namelist()})
        roster_copy = json.loads(archive.read("workforce/roster.json"))
        assert archive.read("incidents/incidents.yaml") == incidents.read_bytes()
    outputs.update(stdout=result.out.encode(), stderr=result.err.encode(), log=log.read_bytes())
    results = json.loads(outputs["hipaacheck-results.json"])
    assert any(f["control_id"] == "workforce.termination.access_removed" and f["status"] == "fail"
               for f in results["findings"])  # the roster was used, not ignored
    for name, data in outputs.items():
        for secret in PRIVATE:
            for form in (secret, secret.lower(), json.dumps(secret)[1:-1]):
                assert form.encode() not in data, f"{secret!r} in {name}"
    assert roster_copy["sha256"] == hashlib.sha256(roster.read_bytes()).hexdigest()
    assert [sorted(p) for p in roster_copy["people"]] == [
        ["accounts", "hire_date", "id", "last_training_date", "role", "termination_date"],
        ["accounts", "hire_date", "id", "last_training_date", "role"]]
    assert cli("evidence", "verify", bundle).code == 0
