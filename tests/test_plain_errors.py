"""Plain-language errors for common schema failures; --root that is not a Linux root; YAML without anchors."""
from __future__ import annotations

import pytest

from assertions import input_error
from posture_fixtures import make_env, scan_args

WAIVER = """waivers:
  - control: posture.max_days
    justification: {justification}
    approver: Dana Lee
    expires: {expires}
{more}"""


@pytest.mark.parametrize("fields, fragment", [
    ({"justification": "too long"}, "$.waivers[0].justification: justification must be at least 10 characters"),
    ({"more": "    colour: red\n"}, "$.waivers[0]: unknown field colour (allowed: approver, control,"),
    ({"more": "    ticket: 42\n"}, "$.waivers[0].ticket: ticket must be text, not a whole number"),
    ({"expires": "soon"}, "$.waivers[0].expires: expires must be a date written YYYY-MM-DD"),
])
def test_waiver_schema_failures_read_as_what_to_fix(tmp_path, cli, fields, fragment):
    values = {"justification": "accepted until the migration lands", "expires": "2099-01-01", "more": "", **fields}
    waivers = tmp_path / "waivers.yaml"
    waivers.write_text(WAIVER.format(**values))
    result = cli(*scan_args(make_env(tmp_path), "--waivers", waivers))
    input_error(result, fragment)
    assert "is too short" not in result.err and "Additional properties" not in result.err


def test_missing_field_and_wrong_choice(tmp_path, cli):
    profile = tmp_path / "p.yaml"
    profile.write_text("title: no id\n")
    result = cli("scan", "--root", make_env(tmp_path)["root"], "--profile", profile)
    input_error(result, "id is required here")
    profile.write_text("id: p\ntitle: p\nseverity: {host.sshd.kex: extreme}\n")
    result = cli("profiles", "show", profile)
    input_error(result, "must be one of: critical, high, medium, low, info")


def test_root_without_etc_is_not_a_linux_root(tmp_path, cli):
    result = cli("scan", "--root", tmp_path)
    assert input_error(result) == f"hipaacheck: error: --root: {tmp_path}: not a Linux root (it has no etc/ folder)"
    input_error(cli("collect", "host", "--root", tmp_path, "-o", tmp_path / "i.json"), "not a Linux root")


def test_profiles_show_prints_no_yaml_anchors(cli):
    shown = cli("profiles", "show", "hipaa-full")
    assert shown.code == 0 and "controls_selected:" in shown.out
    assert "&id" not in shown.out and "*id" not in shown.out
