"""Command-line filters narrow a profile's selection; a profile that extends another can narrow it too."""
from __future__ import annotations

import json

import pytest

from hipaacheck.controls import builtin_controls
from hipaacheck.profiles import load_profile, select_controls
from hipaacheck.registry import load_all
from assertions import input_error
from posture_fixtures import make_env, scan_args, statuses


def ids_listed(result) -> list[str]:
    assert result.code == 0, result.err
    return [line.split()[0] for line in result.out.splitlines()[2:]]


def test_scan_filters_narrow_the_profile(tmp_path, cli):
    env = make_env(tmp_path)  # posture.max_days (high, fails), min_days (medium, fails), warn_age (low, passes)
    doc = cli(*scan_args(env, "--format", "json", "--controls", "posture.m*")).json()
    assert set(statuses(doc)) == {"posture.max_days", "posture.min_days"}
    doc = cli(*scan_args(env, "--format", "json", "--skip-controls", "posture.max_days")).json()
    assert set(statuses(doc)) == {"posture.min_days", "posture.warn_age"}
    only_high = cli(*scan_args(env, "--format", "json", "--min-severity", "high"))
    assert set(statuses(only_high.json())) == {"posture.max_days"}
    assert cli(*scan_args(env, "--format", "json", "--services", "login_defs")).code == 1


def test_services_narrow_to_the_resource_types_second_part(cli):
    listed = json.loads(cli("controls", "list", "--profile", "hipaa-host", "--format", "json").out)
    sshd = json.loads(cli("controls", "list", "--profile", "hipaa-host", "--services", "sshd,pam",
                          "--format", "json").out)
    assert 0 < len(sshd) < len(listed)
    assert {c["resource_type"].split(".")[1] for c in sshd} == {"sshd", "pam"}
    assert {c["id"] for c in sshd} == {c["id"] for c in listed if c["resource_type"].split(".")[1] in ("sshd", "pam")}


@pytest.mark.parametrize("flags, fragment", [
    (["--controls", "posture.nope*"], "--controls: 'posture.nope*' matches none of the 3 controls"),
    (["--services", "s3"], "--services: no selected control has service 's3' (known: login_defs)"),
    (["--tags", "ssh"], "--tags: no selected control has tag 'ssh'"),
    (["--controls", "posture.max_days", "--skip-controls", "posture.max_days"], "leave none of the 3 controls"),
])
def test_a_filter_that_selects_nothing_is_refused(tmp_path, cli, flags, fragment):
    result = cli(*scan_args(make_env(tmp_path), *flags))
    input_error(result, fragment)


def test_controls_list_takes_the_same_filters(cli):
    sshd = ids_listed(cli("controls", "list", "--services", "sshd"))
    assert sshd and all(cid.startswith("host.sshd.") for cid in sshd)
    high_s3 = ids_listed(cli("controls", "list", "--profile", "hipaa-aws", "--services", "s3,iam",
                             "--min-severity", "high"))
    assert high_s3 and all(cid.split(".")[1] in ("s3", "iam") for cid in high_s3)
    assert "aws.s3.bucket_public_access_block" in high_s3
    tagged = ids_listed(cli("controls", "list", "--tags", "mfa"))
    assert tagged and all(cid.startswith(("aws.", "host.", "manual.")) for cid in tagged)
    input_error(cli("controls", "list", "--services", "s3x"), "s3x")


def test_filters_come_from_the_config_file_as_lists(tmp_path, cli, monkeypatch):
    env = make_env(tmp_path)
    (tmp_path / "scan.yaml").write_text("controls: [posture.warn_age, posture.min_days]\n")
    doc = cli(*scan_args(env, "--format", "json", "--config", tmp_path / "scan.yaml")).json()
    assert set(statuses(doc)) == {"posture.warn_age", "posture.min_days"}


def profile_ids(path) -> set[str]:
    load_all()
    return {a.id for a in select_controls(load_profile(str(path)), builtin_controls())}


def test_a_child_include_narrows_its_parent_and_add_adds(tmp_path):
    child = tmp_path / "sshd-only.yaml"
    child.write_text("id: sshd-only\ntitle: SSH only\nextends: hipaa-host\ncontrols:\n  include: ['host.sshd.*']\n")
    selected = profile_ids(child)
    assert selected and all(cid.startswith("host.sshd.") for cid in selected)
    assert len(selected) < len(profile_ids("hipaa-host"))
    plus = tmp_path / "plus.yaml"
    plus.write_text("id: plus\ntitle: Plus\nextends: sshd-only.yaml\ncontrols:\n  add: ['aws.s3.default_encryption']\n"
                    "  exclude: [host.sshd.kex]\n")
    plus.write_text(plus.read_text().replace("sshd-only.yaml", str(child)))
    assert profile_ids(plus) == (selected - {"host.sshd.kex"}) | {"aws.s3.default_encryption"}


def test_include_outside_a_parent_does_not_add(tmp_path):
    child = tmp_path / "c.yaml"
    child.write_text("id: c\ntitle: C\nextends: hipaa-host\ncontrols:\n  include: ['host.sshd.*', 'aws.s3.*']\n")
    assert not any(cid.startswith("aws.") for cid in profile_ids(child))
