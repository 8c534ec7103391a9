"""The fleet examples work as written: the image workflow's commands parse and push only after the scan;
the nightly fleet script runs against a real sshd and a loopback moto server and merges both scans."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import FIXTURES
from sshd_server import SSHD, free_port, start_sshd
from test_examples import EXAMPLES, check_command, hipaacheck_commands, load_all

from hipaacheck.cli import build_parser
from hipaacheck.formats import get_format
from hipaacheck.sources.ssh.inventory import read_targets

FLEET = EXAMPLES / "fleet" / "hipaacheck-fleet.sh"


def test_image_workflow_scans_the_saved_image_before_pushing_it():
    workflow = load_all(EXAMPLES / "github-actions" / "image-scan.yml")[0]
    steps = workflow["jobs"]["build-scan-push"]["steps"]
    names = [step.get("name") for step in steps]
    build = steps[names.index("Build")]["run"]
    scan_step = steps[names.index("Scan the image")]
    [command] = hipaacheck_commands(scan_step["run"])
    check_command(command)
    scan = build_parser().parse_args(command[1:])
    assert scan.source == "image" and [str(p) for p in scan.image] == ["image.tar"]
    assert "docker save \"$IMAGE\" -o image.tar" in build
    assert "set +e" not in scan_step["run"] and "if" not in steps[names.index("Push (only after a passing scan)")]
    assert names.index("Build") < names.index("Scan the image") < names.index("Push (only after a passing scan)")
    upload = next(s for s in steps if s.get("uses", "").startswith("github/codeql-action/upload-sarif@"))
    assert upload["with"]["sarif_file"] == f"{scan.output_dir}/{get_format('sarif').filename}"


def test_fleet_example_inventory_and_commands():
    commands = hipaacheck_commands(FLEET.read_text())
    assert [c[1] for c in commands] == ["scan", "scan", "merge"]
    for command in commands:
        check_command(command)
    ssh, aws, merge = (build_parser().parse_args(c[1:]) for c in commands)
    assert (ssh.source, aws.source, ssh.limit) == ("ssh", "aws", "$GROUP")
    prod = read_targets(EXAMPLES / "fleet" / "inventory.ini", "prod")
    assert [h.name for h in prod] == ["web1.example.internal", "web2.example.internal", "db1.example.internal"]
    assert {h.user for h in prod} == {"audit"} and prod[2].port == 2222
    assert [str(p) for p in merge.results] == [f"$OUT/{part}/hipaacheck-results.json" for part in ("hosts", "aws")]


@pytest.mark.slow
@pytest.mark.skipif(not SSHD.exists() and not os.environ.get("CI"), reason="needs openssh-server")
def test_fleet_script_merges_hosts_and_aws_into_one_posture(tmp_path, moto_endpoint):
    sshd = start_sshd()
    try:
        home = tmp_path / "home"
        (home / ".ssh").mkdir(parents=True)
        sshd.known_hosts(home / ".ssh" / "known_hosts")
        (home / ".ssh" / "config").write_text(
            f"Host web1\n  HostName 127.0.0.1\n  Port {sshd.port}\n  IdentityFile {sshd.client_key}\n"
            f"Host db1\n  HostName 127.0.0.1\n  Port {free_port()}\n")
        inventory = tmp_path / "inventory.ini"
        inventory.write_text(f"bastion ansible_user=nobody\n[prod]\nweb1 ansible_user={sshd.user}\ndb1\n")
        env = {**os.environ, "HOME": str(home), "STATE_DIRECTORY": str(tmp_path / "state"),
               "INVENTORY": str(inventory), "REMOTE_ROOT": str(FIXTURES / "host" / "compliant"),
               "AWS_ENDPOINT_URL": moto_endpoint, "AWS_REGIONS": "us-east-1",
               "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
        run = subprocess.run(["sh", str(FLEET)], env=env, capture_output=True, timeout=600)
    finally:
        sshd.stop()
    assert run.returncode in (1, 3), run.stderr
    [posture] = (tmp_path / "state" / "fleet").glob("*/posture/hipaacheck-results.json")
    merged = json.loads(posture.read_text())
    targets = {(t["kind"], t["name"]): t for t in merged["targets"]}
    assert {kind for kind, _ in targets} == {"ssh", "aws-account"}
    assert ("ssh", "bastion") not in targets  # not in --limit prod
    web1, db1 = targets[("ssh", "web1")], targets[("ssh", "db1")]
    assert db1["status"] == "error" and db1["reason"] == "unreachable: connection refused"
    if os.geteuid() == 0:  # root's sudo -n needs no password
        assert web1["status"] == "scanned"
    else:
        assert web1["status"] == "error" and web1["reason"].startswith("sudo -n failed")
    assert set(merged["summary"]["by_target"]) == {f"{t['kind']}:{t['id']}" for t in merged["targets"]}
