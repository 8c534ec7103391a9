"""Waivers: matching (control and resource globs, tags), expiry, stale, malformed and too-long files."""
from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from hipaacheck.errors import InputError
from hipaacheck.model import Finding, Resource
from hipaacheck.waivers import Waiver, apply_waivers, load_waivers, tags_by_resource
from assertions import input_error
from posture_fixtures import make_env, scan_args, statuses

TODAY = date(2026, 6, 15)


def finding(control: str, rid: str, status: str = "fail", **ref: str) -> Finding:
    return Finding(control, "attribute", status, "high", {"type": "aws.s3.bucket", "id": rid, **ref},
                   ["164.312(a)(2)(iv)"], "bucket is not encrypted")


def waiver(control: str, expires: date = date(2026, 12, 31), **more) -> Waiver:
    return Waiver(control=control, justification="accepted for the migration", approver="ciso",
                  expires=expires, source="w.yaml:2", **more)


def test_control_and_resource_globs_waive_only_matching_failures():
    findings = [finding("aws.s3.encryption", "arn:aws:s3:::logs-1"),
                finding("aws.s3.encryption", "arn:aws:s3:::phi-data"),
                finding("aws.s3.versioning", "arn:aws:s3:::logs-2"),
                finding("aws.s3.encryption", "arn:aws:s3:::logs-3", status="pass"),
                finding("aws.s3.encryption", "arn:aws:s3:::logs-4", status="error")]
    report = apply_waivers(findings, [waiver("aws.s3.*", resource="arn:aws:s3:::logs-*")], TODAY)
    assert [f.status for f in findings] == ["waived", "fail", "waived", "pass", "error"]
    assert findings[0].extra["waiver"]["approver"] == "ciso"
    assert findings[0].extra["waiver"]["source"] == "w.yaml:2"
    assert "waiver" not in findings[1].extra
    assert report.stale == []


def test_item_glob_and_exact_control():
    findings = [finding("host.users.uid0", "/etc/passwd", item="toor"),
                finding("host.users.uid0", "/etc/passwd", item="root2")]
    apply_waivers(findings, [waiver("host.users.uid0", item="to*")], TODAY)
    assert [f.status for f in findings] == ["waived", "fail"]


def test_tags_match_only_resources_that_carry_them():
    findings = [finding("aws.s3.encryption", "arn:aws:s3:::a"), finding("aws.s3.encryption", "arn:aws:s3:::b"),
                finding("aws.s3.encryption", "arn:aws:s3:::c")]
    resources = [Resource("aws.s3.bucket", "arn:aws:s3:::a", {"tags": {"env": "dev-1", "team": "x"}}),
                 Resource("aws.s3.bucket", "arn:aws:s3:::b", {"tags": [{"Key": "env", "Value": "prod"}]}),
                 Resource("aws.s3.bucket", "arn:aws:s3:::c", {})]
    tags = tags_by_resource(resources)
    apply_waivers(findings, [waiver("aws.s3.*", tags={"env": "dev-*"})], TODAY, tags)
    assert [f.status for f in findings] == ["waived", "fail", "fail"]


def test_expired_waiver_no_longer_waives_and_says_so():
    findings = [finding("aws.s3.encryption", "arn:aws:s3:::a")]
    report = apply_waivers(findings, [waiver("aws.s3.*", expires=date(2026, 6, 14))], TODAY)
    assert findings[0].status == "fail"
    assert findings[0].message.endswith("(waiver expired on 2026-06-14)")
    assert findings[0].extra["waiver_expired"]["expires"] == "2026-06-14"
    assert [w.expires for w in report.expired] == [date(2026, 6, 14)]
    assert report.stale == []


def test_waiver_is_valid_through_its_expiry_day():
    findings = [finding("aws.s3.encryption", "arn:aws:s3:::a")]
    apply_waivers(findings, [waiver("aws.s3.*", expires=TODAY)], TODAY)
    assert findings[0].status == "waived"


def test_first_valid_waiver_wins_and_unused_ones_are_stale():
    findings = [finding("aws.s3.encryption", "arn:aws:s3:::a")]
    old = waiver("aws.s3.*", expires=date(2026, 1, 1))
    good = waiver("aws.s3.encryption", ticket="SEC-1")
    unused = waiver("host.*")
    passing_only = waiver("aws.s3.versioning")
    report = apply_waivers(findings + [finding("aws.s3.versioning", "x", status="pass")],
                           [old, good, unused, passing_only], TODAY)
    assert findings[0].extra["waiver"]["ticket"] == "SEC-1"
    assert report.stale == [old, unused, passing_only]  # old matched but a valid waiver applied instead
    assert report.to_extra()["stale_waivers"][1]["control"] == "host.*"


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "waivers.yaml"
    path.write_text(text)
    return path


GOOD = """\
waivers:
  - control: host.sshd.*
    resource: /etc/ssh/*
    justification: Bastion replaced in Q3, tracked in SEC-9.
    approver: ciso@example.org
    created: 2026-06-01
    expires: 2026-09-30
    ticket: SEC-9
  - control: aws.s3.encryption
    tags: {env: dev}
    justification: Development buckets hold no PHI.
    approver: ciso@example.org
    expires: "2026-07-01"
"""


def test_load_waivers_reads_dates_globs_and_lines(tmp_path):
    waivers = load_waivers(write(tmp_path, GOOD), 365, TODAY)
    assert [w.control for w in waivers] == ["host.sshd.*", "aws.s3.encryption"]
    assert waivers[0].created == date(2026, 6, 1) and waivers[0].expires == date(2026, 9, 30)
    assert waivers[1].tags == {"env": "dev"} and waivers[1].created is None
    assert waivers[0].source.endswith("waivers.yaml:2") and waivers[1].source.endswith("waivers.yaml:9")


@pytest.mark.parametrize("text, where, problem", [
    (GOOD.replace("    approver: ciso@example.org\n    created", "    created"), ":2", "approver is required here"),
    (GOOD.replace("Development buckets hold no PHI.", "ok"), ":11", "justification must be at least 10 characters"),
    (GOOD.replace("expires: 2026-09-30", "expires: '2026-02-30'"), ":7", "expires must be a date written YYYY-MM-DD"),
    (GOOD.replace("expires: 2026-09-30", "expires: 2026-13-01"), ":7", "invalid date '2026-13-01'"),
    (GOOD.replace("expires: 2026-09-30", "expires: soon"), ":7", "expires must be a date written YYYY-MM-DD"),
    (GOOD.replace("ticket: SEC-9", "tikcet: SEC-9"), ":2", "unknown field tikcet (allowed: "),
    (GOOD.replace("waivers:", "waiver:"), ":1", "waivers is required here"),
    (GOOD.replace("  - control: host.sshd.*", "  - control: [x"), ":", "YAML syntax error"),
])
def test_malformed_waivers_name_file_and_line(tmp_path, text, where, problem):
    path = write(tmp_path, text)
    with pytest.raises(InputError) as exc:
        load_waivers(path, 365, TODAY)
    assert exc.value.where.startswith(f"{path}{where}")
    assert problem in exc.value.problem


def test_waiver_longer_than_profile_maximum_is_refused(tmp_path):
    path = write(tmp_path, GOOD)
    with pytest.raises(InputError) as exc:
        load_waivers(path, 90, TODAY)  # 2026-06-01 .. 2026-09-30 is 121 days
    assert exc.value.where == f"{path}:7"
    assert "121 days" in exc.value.problem and "waiver_max_days (90)" in exc.value.problem


def test_waiver_without_created_is_measured_from_today(tmp_path):
    path = write(tmp_path, GOOD.split("  - control: aws.s3.encryption")[0].replace("    created: 2026-06-01\n", ""))
    assert load_waivers(path, 107, TODAY)[0].expires == date(2026, 9, 30)  # 107 days from 2026-06-15
    with pytest.raises(InputError, match="lasts 117 days from 2026-06-05"):
        load_waivers(path, 107, TODAY - timedelta(days=10))


def test_scan_waives_reports_stale_and_expired(tmp_path, cli):
    env = make_env(tmp_path)
    today = date.today()
    path = write(tmp_path, f"""\
waivers:
  - control: posture.max_*
    resource: /etc/login.defs
    justification: Legacy image, replaced by the new golden image.
    approver: ciso@example.org
    expires: {today + timedelta(days=30)}
  - control: posture.min_days
    justification: Was accepted until the rollout last month.
    approver: ciso@example.org
    created: {today - timedelta(days=60)}
    expires: {today - timedelta(days=1)}
  - control: posture.nothing_*
    justification: Matches no control at all any more.
    approver: ciso@example.org
    expires: {today + timedelta(days=30)}
""")
    result = cli(*scan_args(env, "--waivers", path, "--format", "json"))
    doc = result.json()
    assert statuses(doc) == {"posture.max_days": "waived", "posture.min_days": "fail", "posture.warn_age": "pass"}
    assert result.code == 1  # the expired waiver no longer covers min_days
    expired = next(f for f in doc["findings"] if f["control_id"] == "posture.min_days")
    assert f"waiver expired on {today - timedelta(days=1)}" in expired["message"]
    assert [w["control"] for w in doc["stale_waivers"]] == ["posture.nothing_*"]
    assert doc["summary"]["by_status"]["waived"] == 1
    assert f"stale waiver at {path}:12" in result.err


def test_scan_refuses_bad_waivers_before_scanning(tmp_path, cli, monkeypatch):
    from hipaacheck.sources.host import source

    def must_not_collect(*_args):
        raise AssertionError("collected before the waivers were checked")

    monkeypatch.setattr(source.HostSource, "collect", must_not_collect)
    env = make_env(tmp_path, waiver_max_days=30)
    path = write(tmp_path, GOOD)
    result = cli(*scan_args(env, "--waivers", path))
    assert input_error(result) == (f"hipaacheck: error: {path}:7: $.waivers[0].expires: waiver lasts 121 days "
                                   "from 2026-06-01, longer than the profile's waiver_max_days (30)")
    assert result.out == ""
