"""An option that implies a source selects it (with a note); an option that does not apply is refused."""
from __future__ import annotations

import pytest

from assertions import input_error
from posture_fixtures import make_env, scan_args


def test_inventory_implies_snapshot_and_says_so(tmp_path, cli):
    env = make_env(tmp_path)
    inv = tmp_path / "inventory.json"
    assert cli("collect", "host", "--root", env["root"], "--controls-dir", env["controls"],
               "--profile", env["profile"], "-o", inv, "-q").code == 0
    result = cli("scan", "--inventory", inv, "--controls-dir", env["controls"], "--profile", env["profile"],
                 "--format", "json")
    assert result.code == 1
    assert "--inventory implies --source snapshot" in result.err
    assert result.json()["run"]["source"] == "snapshot"
    quiet = cli("scan", "--inventory", inv, "--controls-dir", env["controls"], "--profile", env["profile"],
                "--format", "json", "-q")
    assert "implies" not in quiet.err


def test_regions_imply_aws_without_source(cli):
    from hipaacheck.cli import build_parser
    from hipaacheck.cli.request import scan_source

    args = build_parser().parse_args(["scan", "--regions", "us-east-1"])
    assert scan_source(args) == ("aws", "--regions implies --source aws")
    assert scan_source(build_parser().parse_args(["scan"])) == ("host", None)


@pytest.mark.parametrize("args, fragments", [
    (["scan", "--source", "host", "--regions", "us-east-1"], ["--regions", "aws source", "does not apply to host"]),
    (["scan", "--source", "snapshot", "--inventory", "x.json", "--root", "/srv"], ["--root", "does not apply to snapshot"]),
    (["scan", "--root", "/srv", "--regions", "us-east-1"], ["--source", "--root (host)", "--regions (aws)"]),
    (["collect", "host", "--regions", "us-east-1", "-o", "x.json"], ["--regions", "does not apply to host"]),
    (["collect", "aws", "--root", "/srv", "-o", "x.json"], ["--root", "does not apply to aws"]),
    (["collect", "host", "--inventory", "x.json", "-o", "y.json"], ["--inventory"]),
])
def test_option_of_another_source_is_refused(cli, args, fragments):
    input_error(cli(*args), *fragments)


def test_securityhub_import_takes_aws_options_beside_a_host_scan(tmp_path, cli):
    from hipaacheck.cli import build_parser
    from hipaacheck.cli.request import scan_source

    env = make_env(tmp_path)
    args = build_parser().parse_args(scan_args(env, "--securityhub-import", "--regions", "us-east-1"))
    assert scan_source(args) == ("host", None)
