"""--deadline: an unattended scan stops calling AWS on time and still reports what it could not see."""
from __future__ import annotations

import time

from aws_helpers import hook_events


def test_calls_after_the_deadline_become_error_findings_and_the_run_ends(aws, cli, tmp_path, monkeypatch):
    for i in range(3):
        aws.client("s3").create_bucket(Bucket=f"phi-{i}")
    calls = []

    def slow_s3(model=None, **_):
        calls.append(model.name)
        if model.service_model.service_name == "s3" and model.name != "ListBuckets" and len(calls) < 8:
            time.sleep(2.5)  # a slow API: reading the first bucket eats the time budget

    hook_events(monkeypatch, "before-call", slow_s3)
    profile = tmp_path / "p.yaml"
    profile.write_text("id: p\ntitle: p\nextends: hipaa-base\ncontrols: {include: [aws.s3.*, aws.iam.password_policy]}\n")
    started = time.monotonic()
    result = cli("scan", "--source", "aws", "--regions", "us-east-1", "--profile", profile, "--format", "json",
                 "--deadline", "2", "--max-workers", "1")
    elapsed = time.monotonic() - started
    findings = result.json()["findings"]
    assert result.code == (1 if any(f["status"] == "fail" for f in findings) else 3), result.err
    late = [f for f in findings if "DeadlineExceeded" in f["message"]]
    assert late, [f["message"] for f in findings]
    assert all(f["status"] == "error" for f in late)
    assert "--deadline of 2 s passed" in late[0]["message"]
    unseen = {f["resource"]["id"] for f in late}
    assert not any(f["status"] == "pass" and f["resource"]["id"] in unseen for f in findings)
    assert elapsed < 30  # bounded, not hung (generous: this is about termination, not speed)
