"""Host fixture trees, copied with the file modes git cannot store, plus tests of the trees themselves.

Other host test modules import :func:`host_tree` from here.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

HOST_FIXTURES = Path(__file__).resolve().parent / "fixtures" / "host"
# Git keeps only the executable bit, so sensitive-file modes are applied at copy time.
MODES = {
    "compliant": {"etc/shadow": 0o000, "etc/gshadow": 0o000, "etc/passwd": 0o644, "etc/group": 0o644,
                  "etc/ssh/sshd_config": 0o600, "etc/ssh/ssh_host_ed25519_key": 0o600, "etc/sudoers": 0o440},
    "noncompliant": {"etc/shadow": 0o644, "etc/gshadow": 0o666, "etc/passwd": 0o666, "etc/group": 0o664,
                     "etc/ssh/sshd_config": 0o644, "etc/ssh/ssh_host_rsa_key": 0o644, "etc/sudoers": 0o644},
}
SECRET_MARKER = "SECRETHASHVALUE"
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0
needs_root = pytest.mark.skipif(not IS_ROOT, reason="file owner checks expect root-owned fixture files")


def host_tree(name: str, dest: Path) -> Path:
    """Copy fixture tree ``name`` under ``dest`` and apply its file modes; returns the new root."""
    root = dest / name
    shutil.copytree(HOST_FIXTURES / name, root, symlinks=True)
    for relative, mode in MODES.get(name, {}).items():
        os.chmod(root / relative, mode)
    return root


def write(root: Path, host_path: str, text: str) -> Path:
    """Write ``text`` at ``host_path`` under ``root`` (replacing a file or folder there)."""
    path = root / host_path.lstrip("/")
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def make_dir(root: Path, host_path: str) -> None:
    """Put a folder where a file is expected: reading it fails, even as root."""
    path = root / host_path.lstrip("/")
    if path.exists():
        path.unlink()
    path.mkdir(parents=True)


def test_fixture_shadow_seeds_a_hash_so_leak_tests_mean_something():
    for name in MODES:
        assert SECRET_MARKER in (HOST_FIXTURES / name / "etc" / "shadow").read_text()


def test_host_tree_applies_modes(tmp_path):
    root = host_tree("compliant", tmp_path)
    assert (root / "etc" / "shadow").stat().st_mode & 0o777 == 0
    assert (root / "etc" / "ssh" / "sshd_config").stat().st_mode & 0o777 == 0o600
