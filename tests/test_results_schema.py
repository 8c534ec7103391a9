"""The shipped results schema describes what a scan with every posture option writes."""
from __future__ import annotations

from datetime import date, timedelta

import jsonschema

from hipaacheck.validation import packaged_schema
from posture_fixtures import make_env, scan_args


def test_results_with_waivers_baseline_history_and_coverage_match_the_schema(cli, tmp_path):
    env = make_env(tmp_path)
    baseline = tmp_path / "baseline.json"
    baseline.write_text(cli(*scan_args(env, "--format", "json")).out)
    waivers = tmp_path / "waivers.yaml"
    expires = (date.today() + timedelta(days=30)).isoformat()
    waivers.write_text(f"waivers:\n  - control: posture.max_days\n    justification: legacy host, ticket open\n"
                       f"    approver: CISO\n    expires: {expires}\n  - control: posture.nothing\n"
                       f"    justification: stale on purpose\n    approver: CISO\n    expires: {expires}\n")
    result = cli(*scan_args(env, "--format", "json", "--waivers", waivers, "--baseline", baseline,
                            "--history", tmp_path / "history.db"))
    data = result.json()
    jsonschema.validate(data, packaged_schema("results"))
    statuses = {f["control_id"]: (f["status"], f.get("drift")) for f in data["findings"]}
    assert statuses["posture.max_days"] == ("waived", "unchanged")
    assert data["stale_waivers"] and data["trend"] and "drift" in data
    broken = dict(data, trend=[{"pass_rate": 0.5}])  # a trend row without its date is not a valid document
    assert not jsonschema.Draft202012Validator(packaged_schema("results")).is_valid(broken)
