"""The SSH source against a real OpenSSH sshd on 127.0.0.1, scanning fixture trees through --remote-root."""
from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path
from types import SimpleNamespace

import pytest

from conftest import FIXTURES
from sshd_server import SSHD, UNPRIVILEGED, free_port, keygen, start_sshd

pytestmark = [pytest.mark.slow, pytest.mark.skipif(not SSHD.exists() and not os.environ.get("CI"),
                                                   reason="needs openssh-server (.ci/run installs it)")]
COMPLIANT, NONCOMPLIANT = FIXTURES / "host" / "compliant", FIXTURES / "host" / "noncompliant"


@pytest.fixture(scope="module")
def sshd():
    server = start_sshd()
    yield server
    server.stop()


@pytest.fixture
def world_tree():
    """A copy of the compliant tree that an unprivileged login can read (pytest's tmp_path is 0700)."""
    folder = Path(tempfile.mkdtemp(prefix="hipaacheck-tree-"))
    tree = folder / "root"
    shutil.copytree(COMPLIANT, tree, symlinks=True)
    for path in [folder, *folder.rglob("*")]:
        if not path.is_symlink():
            path.chmod(0o755 if path.is_dir() else 0o644)
    yield tree
    shutil.rmtree(folder)


def _ssh(cli, sshd, tmp_path, *args, known=True, target=None, key=None):
    known_hosts = tmp_path / "known_hosts"
    if known and not known_hosts.exists():
        sshd.known_hosts(known_hosts)
    config = tmp_path / "ssh_config"
    config.write_text("")  # the developer's own ~/.ssh/config must not steer the test
    result = cli("scan", "--source", "ssh", "--target", target or sshd.target(), "--ssh-key", key or sshd.client_key,
                 "--ssh-config", config, "--known-hosts", known_hosts, "--format", "json", *args)
    return result


def _comparable(findings: list[dict]) -> list[dict]:
    """Findings without what names the target (the account slot, the target key)."""
    out = []
    for finding in findings:
        resource = {k: v for k, v in finding["resource"].items() if k != "account"}
        out.append({**{k: v for k, v in finding.items() if k not in ("target", "resource")}, "resource": resource})
    return sorted(out, key=lambda f: json.dumps(f, sort_keys=True))


def _only_target(result) -> dict:
    [target] = result.json()["targets"]
    return target


@pytest.mark.parametrize("tree", [COMPLIANT, NONCOMPLIANT], ids=["compliant", "noncompliant"])
def test_findings_equal_a_root_scan_of_the_same_tree(cli, sshd, tmp_path, tree):
    remote = _ssh(cli, sshd, tmp_path, "--remote-root", tree)
    local = cli("scan", "--root", tree, "--format", "json")
    assert remote.code == local.code == 1, remote.err
    assert _comparable(remote.json()["findings"]) == _comparable(local.json()["findings"])
    target = _only_target(remote)
    assert (target["kind"], target["status"]) == ("ssh", "scanned")
    assert target["details"]["files_fetched"] > 10 and target["details"]["bytes_received"] > 0
    assert all(f["target"] == f"ssh:{sshd.target()}" for f in remote.json()["findings"])


def test_host_private_keys_are_stated_not_fetched(cli, sshd, tmp_path):
    tree = tmp_path / "root"
    shutil.copytree(COMPLIANT, tree)
    key = tree / "etc/ssh/ssh_host_ed25519_key"
    key.write_bytes(os.urandom(3 * 1024 * 1024))  # fetched, it would be most of the bytes received
    key.chmod(0o600)
    result = _ssh(cli, sshd, tmp_path, "--remote-root", tree)
    keys = [f for f in result.json()["findings"] if f["control_id"] == "host.files.ssh_host_keys"]
    assert keys and any("/etc/ssh/ssh_host_ed25519_key" in json.dumps(f) for f in keys)
    assert _only_target(result)["details"]["bytes_received"] < 1024 * 1024


def test_links_pointing_outside_the_remote_root_stay_inside_it(cli, sshd, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "login.defs").write_text("PASS_MAX_DAYS 99999  # outside-marker\n")
    (outside / "99-open.conf").write_text("PermitRootLogin yes  # outside-marker\n")
    tree = tmp_path / "root"
    shutil.copytree(COMPLIANT, tree)
    (tree / "etc/login.defs").unlink()
    (tree / "etc/login.defs").symlink_to(outside / "login.defs")  # absolute: confined to the root
    shutil.rmtree(tree / "etc/ssh/sshd_config.d")
    (tree / "etc/ssh/sshd_config.d").symlink_to("../../../../../../../../" + str(outside).lstrip("/"))
    remote = _ssh(cli, sshd, tmp_path, "--remote-root", tree)
    local = cli("scan", "--root", tree, "--format", "json")
    assert _comparable(remote.json()["findings"]) == _comparable(local.json()["findings"])
    assert "outside-marker" not in remote.out
    login_defs = [f for f in remote.json()["findings"] if f["resource"]["type"] == "host.login_defs"]
    assert login_defs and all(f["status"] != "pass" for f in login_defs)


def test_an_unknown_host_key_is_an_error_target_until_accepted(cli, sshd, tmp_path):
    refused = _ssh(cli, sshd, tmp_path, "--remote-root", COMPLIANT, known=False)
    target = _only_target(refused)
    assert target["status"] == "error" and target["reason"].startswith("unknown host key")
    assert {f["status"] for f in refused.json()["findings"] if f["resource"]["type"].startswith("host.")} == {"error"}
    assert refused.code == 3
    accepted = _ssh(cli, sshd, tmp_path, "--remote-root", COMPLIANT, "--accept-new-host-keys", known=False)
    assert _only_target(accepted)["status"] == "scanned"
    assert _only_target(accepted)["details"]["host_key_recorded"] is True
    assert f"[127.0.0.1]:{sshd.port} ssh-ed25519 " in (tmp_path / "known_hosts").read_text()
    again = _ssh(cli, sshd, tmp_path, "--remote-root", COMPLIANT)  # the recorded key now verifies
    assert _only_target(again)["status"] == "scanned" and _only_target(again)["details"]["host_key_recorded"] is False


def test_the_users_own_known_hosts_is_not_trusted_beside_the_file_named(cli, sshd, tmp_path, monkeypatch):
    home = tmp_path / "home"
    (home / ".ssh").mkdir(parents=True)
    sshd.known_hosts(home / ".ssh" / "known_hosts")  # the key is known to the user, not to --known-hosts
    monkeypatch.setenv("HOME", str(home))
    result = _ssh(cli, sshd, tmp_path, "--remote-root", COMPLIANT, known=False)
    target = _only_target(result)
    assert target["status"] == "error" and target["reason"].startswith("unknown host key"), target


def test_the_global_known_hosts_file_is_trusted(cli, sshd, tmp_path, monkeypatch):
    from hipaacheck.sources.ssh import connect

    monkeypatch.setattr(connect, "GLOBAL_KNOWN_HOSTS", sshd.known_hosts(tmp_path / "ssh_known_hosts"))
    result = _ssh(cli, sshd, tmp_path, "--remote-root", COMPLIANT, known=False)
    assert _only_target(result)["status"] == "scanned"


def test_known_hosts_and_config_are_parsed_once_for_a_fleet(cli, sshd, tmp_path, monkeypatch):
    import paramiko

    loads: list[str] = []
    original = paramiko.HostKeys.load
    monkeypatch.setattr(paramiko.HostKeys, "load", lambda self, path: (loads.append(path), original(self, path))[1])
    fleet = tmp_path / "fleet.ini"  # three names for the one loopback host
    fleet.write_text("[web]\n" + "".join(f"web{i} ansible_host=127.0.0.1 ansible_port={sshd.port} "
                                         f"ansible_user={sshd.user}\n" for i in range(3)))
    known_hosts = sshd.known_hosts(tmp_path / "known_hosts")
    config = tmp_path / "ssh_config"
    config.write_text("")
    result = cli("scan", "--source", "ssh", "--targets", fleet, "--ssh-key", sshd.client_key, "--ssh-config", config,
                 "--known-hosts", known_hosts, "--remote-root", COMPLIANT, "--format", "json", "--host-workers", "3")
    assert [t["status"] for t in result.json()["targets"]] == ["scanned"] * 3, result.err
    assert loads == [str(known_hosts)]


def test_a_changed_host_key_is_refused_even_with_accept_new(cli, sshd, tmp_path):
    sshd.known_hosts(tmp_path / "known_hosts", keygen(tmp_path / "other_host_key"))
    result = _ssh(cli, sshd, tmp_path, "--remote-root", COMPLIANT, "--accept-new-host-keys")
    target = _only_target(result)
    assert target["status"] == "error" and target["reason"].startswith("host key changed")
    assert result.code == 3


def test_a_key_the_host_does_not_accept_is_a_failed_login(cli, sshd, tmp_path):
    result = _ssh(cli, sshd, tmp_path, "--remote-root", COMPLIANT, key=keygen(tmp_path / "stranger"))
    target = _only_target(result)
    assert target["status"] == "error" and target["reason"].startswith("login failed as")


def test_two_hosts_in_parallel_one_unreachable(cli, sshd, tmp_path):
    dead = f"{sshd.user}@127.0.0.1:{free_port()}"
    result = _ssh(cli, sshd, tmp_path, "--remote-root", COMPLIANT, "--target", dead, "--host-workers", "2",
                  "--fail-on", "critical")
    targets = {t["id"]: t for t in result.json()["targets"]}
    assert targets[sshd.target()]["status"] == "scanned"
    assert targets[dead]["status"] == "error" and targets[dead]["reason"] == "unreachable: connection refused"
    by_target = result.json()["summary"]["by_target"]
    assert by_target[f"ssh:{dead}"]["error"] > 0 and by_target[f"ssh:{sshd.target()}"]["error"] == 0
    assert result.code == 3  # no failure at critical, but a host could not be seen


@pytest.mark.parametrize("jump", [0.0, 3600.0], ids=["in-time", "past"])
def test_no_host_is_started_after_the_deadline(cli, sshd, tmp_path, monkeypatch, jump):
    """The deadline's clock reads 0 when the scan starts, then ``jump``: no waiting, so no timing here."""
    from hipaacheck.sources import deadline

    looks = iter([0.0])
    monkeypatch.setattr(deadline, "time", SimpleNamespace(monotonic=lambda: next(looks, jump)))
    dead = f"{sshd.user}@127.0.0.1:{free_port()}"
    result = _ssh(cli, sshd, tmp_path, "--remote-root", COMPLIANT, "--target", dead, "--deadline", "60",
                  "--fail-on", "critical")
    targets = {t["id"]: t for t in result.json()["targets"]}
    if jump:
        assert [t["status"] for t in targets.values()] == ["error", "error"]
        assert {t["reason"] for t in targets.values()} == {"not scanned: the --deadline passed first"}
        assert {f["status"] for f in result.json()["findings"]} == {"error"}
    else:
        assert targets[sshd.target()]["status"] == "scanned"
        assert targets[dead]["reason"] == "unreachable: connection refused"
    assert result.code == 3


def test_root_only_files_are_errors_needing_root_without_sudo(cli, sshd, tmp_path, world_tree):
    shadow = world_tree / "etc/shadow"
    shadow.chmod(0o600 if os.geteuid() == 0 else 0)  # root-owned 0600: unreadable to the unprivileged login
    (world_tree / "etc/sudoers.d").chmod(0o700 if os.geteuid() == 0 else 0)  # a folder it may not list
    result = _ssh(cli, sshd, tmp_path, "--remote-root", world_tree, target=sshd.target(UNPRIVILEGED))
    assert _only_target(result)["status"] == "scanned", result.err
    accounts = {f["control_id"]: f for f in result.json()["findings"] if f["resource"]["type"] == "host.accounts"}
    for control in ("host.accounts.no_empty_passwords", "host.accounts.password_hashes"):  # read /etc/shadow
        finding = accounts.pop(control)
        assert finding["status"] == "error" and "/etc/shadow: needs root" in finding["message"]
    assert accounts and all(f["status"] == "pass" for f in accounts.values())  # /etc/passwd alone decides these
    sudoers = [f for f in result.json()["findings"] if f["resource"]["type"] == "host.sudoers"]
    assert sudoers and all(f["status"] == "error" and "needs root" in f["message"] for f in sudoers)
    modes = [f for f in result.json()["findings"] if f["control_id"] == "host.files.shadow"]
    assert modes and all(f["status"] != "error" for f in modes)  # a stat needs no read permission


def test_ssh_sudo_reads_through_sudo_n(cli, sshd, tmp_path):
    result = _ssh(cli, sshd, tmp_path, "--remote-root", COMPLIANT, "--ssh-sudo")
    target = _only_target(result)
    if os.geteuid() == 0:  # root's sudo -n needs no password: the scan equals one without sudo
        plain = _ssh(cli, sshd, tmp_path, "--remote-root", COMPLIANT)
        assert target["status"] == "scanned" and target["details"]["sudo"] is True
        assert _comparable(result.json()["findings"]) == _comparable(plain.json()["findings"])
    else:  # a developer without passwordless sudo: an error target that says so, never a pass
        assert target["status"] == "error" and target["reason"].startswith("sudo -n failed")


def test_a_remote_root_that_is_not_a_folder_is_an_error_target(cli, sshd, tmp_path):
    result = _ssh(cli, sshd, tmp_path, "--remote-root", tmp_path / "missing")
    assert _only_target(result)["reason"].endswith("no such folder")


def test_the_staged_root_is_removed_after_each_host(cli, sshd, tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "temp"))
    (tmp_path / "temp").mkdir()
    result = _ssh(cli, sshd, tmp_path, "--remote-root", COMPLIANT)
    assert _only_target(result)["status"] == "scanned"  # a root was staged, fetched into and scanned
    assert not any(p.name.startswith("hipaacheck-ssh-") for p in (tmp_path / "temp").iterdir())


def test_a_proxyjump_host_from_the_ssh_config_is_used_through_the_system_client(cli, sshd, tmp_path):
    config = tmp_path / "jump_config"
    config.write_text(f"Host behind-bastion\n  HostName 127.0.0.1\n  Port {sshd.port}\n  User {sshd.user}\n"
                      f"  ProxyJump {sshd.user}@127.0.0.1:{sshd.port}\n")
    sshd.known_hosts(tmp_path / "known_hosts")
    result = cli("scan", "--source", "ssh", "--target", "behind-bastion", "--ssh-key", sshd.client_key,
                 "--ssh-config", config, "--known-hosts", tmp_path / "known_hosts", "--remote-root", COMPLIANT,
                 "--format", "json")
    target = _only_target(result)
    assert target["status"] == "scanned", target.get("reason")
    assert target["id"] == sshd.target() and target["name"] == "behind-bastion"
    assert "bytes_received" not in target["details"]  # a proxied connection's bytes are the proxy's
    local = cli("scan", "--root", COMPLIANT, "--format", "json")
    assert _comparable(result.json()["findings"]) == _comparable(local.json()["findings"])


def test_includes_deeper_than_the_fetch_rounds_are_errors_never_a_pass(cli, sshd, tmp_path, monkeypatch):
    """With one fetch round, what the first fetch reveals (drop-ins, includes) is never fetched: each
    finding that then differs from a root scan of the same tree is an error naming why, never a verdict."""
    from hipaacheck.sources.ssh import source

    monkeypatch.setattr(source, "MAX_ROUNDS", 1)
    remote = _ssh(cli, sshd, tmp_path, "--remote-root", NONCOMPLIANT).json()["findings"]
    local = cli("scan", "--root", NONCOMPLIANT, "--format", "json").json()["findings"]
    expected = {(f["control_id"], f["resource"]["id"], f["resource"].get("item")): f["status"] for f in local}
    differing = [f for f in remote
                 if expected.get((f["control_id"], f["resource"]["id"], f["resource"].get("item"))) != f["status"]]
    assert differing, "one round must leave something unfetched in this tree"
    assert {f["status"] for f in differing} == {"error"}, [(f["control_id"], f["status"]) for f in differing]
    assert any("not fetched" in f["message"] for f in differing)
