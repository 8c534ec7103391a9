"""diff and --baseline refuse results of different targets unless --allow-different-targets."""
from __future__ import annotations

import json

from conftest import FIXTURES
from assertions import input_error
from posture_fixtures import make_env, scan_args


def saved(cli, env, path, host=None, account=None):
    """A scan's results, said to be of ``host`` or ``account`` (in its targets, as the checks read them)."""
    doc = cli(*scan_args(env, "--format", "json")).json()
    kind, ident = ("host", host) if host else ("aws-account", account)
    if ident:
        doc["targets"] = [{**doc["targets"][0], "kind": kind, "id": ident, "name": ident}]
    path.write_text(json.dumps(doc))
    return path


def test_diff_refuses_a_host_against_an_account(tmp_path, cli):
    env = make_env(tmp_path)
    host = saved(cli, env, tmp_path / "host.json", host="web-1")
    aws = saved(cli, env, tmp_path / "aws.json", account="123456789012")
    refused = cli("diff", host, aws)
    input_error(refused, "aws:123456789012", "host:web-1", "--allow-different-targets")
    allowed = cli("diff", host, aws, "--allow-different-targets")
    assert allowed.code == 0 and allowed.out.startswith("Drift: 0 new failures")
    same = cli("diff", host, saved(cli, env, tmp_path / "again.json", host="web-1"))
    assert same.code == 0


def test_scan_baseline_of_another_host_is_refused(tmp_path, cli):
    env = make_env(tmp_path)
    other = saved(cli, env, tmp_path / "other.json", host="db-7")
    refused = cli(*scan_args(env, "--format", "json", "--baseline", other))
    input_error(refused, "--baseline: compares host:", "host:db-7")
    allowed = cli(*scan_args(env, "--format", "json", "--baseline", other, "--allow-different-targets"))
    assert allowed.code == 1 and allowed.json()["drift"]["counts"]["new"] == 0


def test_results_name_each_of_their_targets():
    from hipaacheck.baseline import target_names
    from hipaacheck.results import Results

    merged = Results.load(FIXTURES / "results" / "org.json")
    assert {"aws:001864325094", "aws:123456789012"} <= target_names(merged)
    assert target_names(Results(findings=[], run={})) == set()  # says nothing: not refused
