"""No name or e-mail from the roster reaches any output byte: every format, the log, the evidence bundle.

The bundle keeps the roster as ids, roles, dates and accounts with the original file's SHA-256, and the
register as given; ``evidence verify`` accepts it.
"""
from __future__ import annotations

import hashlib
import json
import zipfile

from test_workforce import USERS, host_tree

from hipaacheck.formats import FORMATS, get_format

PRIVATE = ["Zebulon Quarterfield", "zq.private@hospital.example", "Philippa Oyelaran-Voss", "pov@clinic.example"]


def test_no_roster_name_or_email_in_any_output(cli, records, tmp_path):
    roster = records.roster([
        {"id": "E1", "role": "nurse", "name": PRIVATE[0], "email": PRIVATE[1], "hire_date": "2024-01-02",
         "termination_date": "2026-11-01", "last_training_date": "2025-01-01", "accounts": ["host:live"]},
        {"id": "E2", "role": "admin", "name": PRIVATE[2], "email": PRIVATE[3], "hire_date": "2024-01-02",
         "last_training_date": "2026-06-01", "accounts": ["host:admin", "aws:boss"]}], "csv")
    incidents = records.register(
        {"id": "INC-1", "discovered": "2026-10-01", "assessment": {"date": "2026-10-02", "by": "E2", "breach": True},
         "affected": {"total": 900, "by_state": {"CA": 900}}})
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
