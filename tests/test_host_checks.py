"""Every host control on three inputs: a compliant tree, a non-compliant tree, and one it cannot read.

The unreadable trees are the compliant tree with one source file replaced by a
folder or by content its parser rejects (chmod 000 does not stop root).
"""
from __future__ import annotations

import os
from collections import defaultdict
from pathlib import Path

import pytest

from hipaacheck.controls import builtin_controls
from hipaacheck.registry import load_all
from test_host_trees import host_tree, make_dir, needs_root, write

load_all()
HOST_CONTROLS = {c.id: c for c in builtin_controls().sorted() if c.source == "host"}


def _loop(root: Path, host_path: str) -> None:
    """A symlink pointing at itself: stat fails with ELOOP, even as root."""
    path = root / host_path.lstrip("/")
    path.unlink()
    os.symlink(path.name, path)


BREAK = {  # resource type → how to make its input unreadable or unparsable
    "host.sshd": lambda r: make_dir(r, "/etc/ssh/sshd_config.d/10-hipaa.conf"),
    "host.pam": lambda r: make_dir(r, "/etc/pam.d/password-auth"),
    "host.faillock": lambda r: write(r, "/etc/security/faillock.conf", "deny = many\n"),
    "host.pwquality": lambda r: write(r, "/etc/security/pwquality.conf.d/50-complexity.conf", "minclass = four\n"),
    "host.login_defs": lambda r: make_dir(r, "/etc/login.defs"),
    "host.shell_timeout": lambda r: make_dir(r, "/etc/profile.d/tmout.sh"),
    "host.logind": lambda r: write(r, "/etc/systemd/logind.conf.d/50-idle.conf", "[Login]\nStopIdleSessionSec=soon\n"),
    "host.journald": lambda r: write(r, "/etc/systemd/journald.conf", "[Journal\nStorage=persistent\n"),
    "host.auditd": lambda r: write(r, "/etc/audit/auditd.conf", "max_log_file = big\nmax_log_file_action = keep_logs\n"),
    "host.audit_rules": lambda r: write(r, "/etc/audit/rules.d/60-bad.rules", "watch /etc/passwd\n"),
    "host.logrotate": lambda r: write(r, "/etc/logrotate.d/rsyslog", "/var/log/messages {\n  rotate 99\n"),
    "host.log_forwarding": lambda r: make_dir(r, "/etc/rsyslog.d/90-forward.conf"),
    "host.storage": lambda r: write(r, "/etc/fstab", "/dev/mapper/luks-root\n"),
    "host.crypto_policy": lambda r: write(r, "/etc/crypto-policies/config", "DEFAULT\nFUTURE\n"),
    "host.time_sync": lambda r: make_dir(r, "/etc/chrony.conf"),
    "host.auto_updates": lambda r: write(r, "/etc/dnf/automatic.conf", "[commands\napply_updates = yes\n"),
    "host.accounts": lambda r: write(r, "/etc/passwd", "root:x:0:0:root:/root\n"),
    "host.sudoers": lambda r: make_dir(r, "/etc/sudoers.d/operators"),
    "host.file_modes": lambda r: [_loop(r, p) for p in ("/etc/shadow", "/etc/passwd", "/etc/ssh/sshd_config",
                                                           "/etc/ssh/ssh_host_ed25519_key")],
}


def by_control(result) -> dict[str, list[dict]]:
    grouped: dict[str, list[dict]] = defaultdict(list)
    for finding in result.json()["findings"]:
        grouped[finding["control_id"]].append(finding)
    return grouped


@pytest.fixture(scope="module")
def trees(tmp_path_factory):
    base = tmp_path_factory.mktemp("host")
    return {name: host_tree(name, base) for name in ("compliant", "noncompliant")}


def test_there_are_at_least_30_host_controls_and_every_type_has_an_unreadable_case():
    assert len(HOST_CONTROLS) >= 30
    assert {c.resource_type for c in HOST_CONTROLS.values()} <= set(BREAK)


@needs_root
def test_compliant_tree_passes_every_host_control(cli, trees):
    grouped = by_control(cli("scan", "--root", trees["compliant"], "--format", "json"))
    assert set(grouped) == set(HOST_CONTROLS)
    bad = {cid: [f["message"] for f in fs if f["status"] != "pass"] for cid, fs in grouped.items()}
    assert {cid: msgs for cid, msgs in bad.items() if msgs} == {}


def test_noncompliant_tree_fails_every_host_control(cli, trees):
    grouped = by_control(cli("scan", "--root", trees["noncompliant"], "--format", "json"))
    assert set(grouped) == set(HOST_CONTROLS)
    assert sorted(cid for cid, fs in grouped.items() if not any(f["status"] == "fail" for f in fs)) == []
    assert not any(f["status"] == "pass" for fs in grouped.values() for f in fs)


@pytest.mark.parametrize("resource_type", sorted(BREAK))
def test_unreadable_input_errors_and_never_passes(cli, tmp_path, resource_type):
    root = host_tree("compliant", tmp_path)
    BREAK[resource_type](root)
    grouped = by_control(cli("scan", "--root", root, "--format", "json"))
    affected = [cid for cid, c in HOST_CONTROLS.items() if c.resource_type == resource_type]
    assert affected
    for cid in affected:
        statuses = [f["status"] for f in grouped[cid]]
        assert "error" in statuses, (cid, grouped[cid])
        assert "fail" not in statuses, (cid, grouped[cid])


def test_unreadable_whole_file_error_names_file_and_line(cli, tmp_path):
    root = host_tree("compliant", tmp_path)
    BREAK["host.faillock"](root)
    grouped = by_control(cli("scan", "--root", root, "--format", "json"))
    (finding,) = grouped["host.faillock.deny"]
    assert finding["status"] == "error"
    assert "/etc/security/faillock.conf:1" in finding["message"] and "deny" in finding["message"]


def test_unreadable_shadow_errors_password_checks_only(cli, tmp_path):
    root = host_tree("compliant", tmp_path)
    make_dir(root, "/etc/shadow")
    grouped = by_control(cli("scan", "--root", root, "--format", "json"))
    assert [f["status"] for f in grouped["host.accounts.no_empty_passwords"]] == ["error"]
    assert [f["status"] for f in grouped["host.accounts.password_hashes"]] == ["error"]
    assert {f["status"] for f in grouped["host.accounts.unique_uids"]} == {"pass"}
