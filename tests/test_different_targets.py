"""diff and --baseline refuse results of different targets unless --allow-different-targets."""
from __future__ import annotations

import json

from posture_fixtures import make_env, scan_args


def saved(cli, env, path, **target):
    doc = cli(*scan_args(env, "--format", "json")).json()
    doc["run"]["target"] = target or doc["run"]["target"]
    path.write_text(json.dumps(doc))
    return path


def test_diff_refuses_a_host_against_an_account(tmp_path, cli):
    env = make_env(tmp_path)
    host = saved(cli, env, tmp_path / "host.json", host="web-1")
    aws = saved(cli, env, tmp_path / "aws.json", account="123456789012")
    refused = cli("diff", host, aws)
    assert refused.code == 2 and refused.err.count("\n") == 1
    assert "aws:123456789012" in refused.err and "host:web-1" in refused.err and "--allow-different-targets" in refused.err
    allowed = cli("diff", host, aws, "--allow-different-targets")
    assert allowed.code == 0 and allowed.out.startswith("Drift: 0 new failures")
    same = cli("diff", host, saved(cli, env, tmp_path / "again.json", host="web-1"))
    assert same.code == 0


def test_scan_baseline_of_another_host_is_refused(tmp_path, cli):
    env = make_env(tmp_path)
    other = saved(cli, env, tmp_path / "other.json", host="db-7")
    refused = cli(*scan_args(env, "--format", "json", "--baseline", other))
    assert refused.code == 2 and "--baseline: compares host:" in refused.err and "host:db-7" in refused.err
    allowed = cli(*scan_args(env, "--format", "json", "--baseline", other, "--allow-different-targets"))
    assert allowed.code == 1 and allowed.json()["drift"]["counts"]["new"] == 0


def test_results_that_name_targets_compare_when_they_share_one():
    from hipaacheck.baseline import target_names

    merged = target_names({}, [{"account": "111111111111"}, {"account": "222222222222"}])
    assert merged == {"aws:111111111111", "aws:222222222222"}
    assert target_names({"target": {}}) == set()  # says nothing: not refused
