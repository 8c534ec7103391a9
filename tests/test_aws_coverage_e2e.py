"""End to end over a loopback moto server: one good and one bad resource of every type the coverage
controls read (issue 12), scanned with ``hipaacheck scan --source aws`` and, collected, offline from the
snapshot: every new control passes a good resource and fails a bad one, with the same findings both ways.

Calls the server has no handler for are answered in-process (``aws_answers``), as in the unit tests.
"""
from __future__ import annotations

import boto3
from aws_coverage_seeds import seed_everything, trail
from test_aws_coverage import CASES

ALARM_AND_TRAIL = ("aws.cloudwatch.alarm_root_usage", "aws.cloudtrail.s3_data_events_read")


def test_every_new_control_passes_good_and_fails_bad_live_and_offline(cli, moto_endpoint, monkeypatch, tmp_path):
    monkeypatch.setenv("AWS_ENDPOINT_URL", moto_endpoint)  # the seeds' clients go to the server
    session = boto3.Session(region_name="us-east-1")
    trail(session, monkeypatch, log_group=True)
    seed_everything(session, monkeypatch)
    profile = tmp_path / "coverage.yaml"
    controls = sorted({c.control for c in CASES if {"pass", "fail"} <= set(c.expect.values())} | set(ALARM_AND_TRAIL))
    profile.write_text("id: coverage\ntitle: new controls\nextends: hipaa-base\ncontrols:\n  include: ["
                       + ", ".join(controls) + "]\n")
    args = ("--endpoint-url", moto_endpoint, "--regions", "us-east-1,eu-west-1", "--profile", profile, "--quiet")
    live = cli("scan", "--source", "aws", "--format", "json", *args)
    assert live.code == 1, live.err
    findings = live.json()["findings"]
    seen: dict[str, set[str]] = {}
    for finding in findings:
        seen.setdefault(finding["control_id"], set()).add(finding["status"])
    alarm, data = ALARM_AND_TRAIL
    assert seen.pop(alarm) == {"pass"} and seen.pop(data) == {"fail"}  # a tagged bucket only, not every bucket
    missing = {c: sorted(s) for c, s in seen.items() if not {"pass", "fail"} <= s}
    assert not missing, missing
    assert set(seen) == set(controls) - set(ALARM_AND_TRAIL)

    inventory = tmp_path / "inventory.json"
    assert cli("collect", "aws", "-o", inventory, *args).code == 0
    offline = cli("scan", "--source", "snapshot", "--inventory", inventory, "--profile", profile,
                  "--format", "json", "--quiet")
    assert offline.code == live.code
    assert offline.json()["findings"] == findings
    assert "not-a-real-secret" not in inventory.read_text() + live.out  # secret values are never collected
