"""A real OpenSSH sshd for tests: 127.0.0.1, a free port, a throwaway host key and client key.

Runs ``/usr/sbin/sshd -D`` (Debian's openssh-server; ``.ci/run`` installs it when missing) with its own
config in a temporary folder: public-key login only, for the user running the tests and, when that is root,
for ``nobody`` as an unprivileged SFTP-only login (``ForceCommand internal-sftp``, no shell needed).
"""
from __future__ import annotations

import getpass
import os
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

SSHD = Path("/usr/sbin/sshd")
SFTP_SERVER = next((p for p in ("/usr/lib/openssh/sftp-server", "/usr/libexec/openssh/sftp-server")
                    if Path(p).exists()), "internal-sftp")
UNPRIVILEGED = "nobody" if os.geteuid() == 0 else getpass.getuser()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def keygen(path: Path, kind: str = "ed25519") -> Path:
    subprocess.run(["ssh-keygen", "-q", "-t", kind, "-N", "", "-C", "test", "-f", str(path)], check=True)
    return path


@dataclass
class Sshd:
    folder: Path
    port: int
    client_key: Path
    host_key: Path
    process: subprocess.Popen

    @property
    def user(self) -> str:
        return getpass.getuser()

    def target(self, user: str | None = None) -> str:
        return f"{user or self.user}@127.0.0.1:{self.port}"

    def known_hosts(self, path: Path, host_key: Path | None = None) -> Path:
        kind, blob = (host_key or self.host_key).with_suffix(".pub").read_text().split()[:2]
        path.write_text(f"[127.0.0.1]:{self.port} {kind} {blob}\n")
        return path

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
        shutil.rmtree(self.folder, ignore_errors=True)


def start_sshd(listen: Sequence[str] = ("127.0.0.1",), extra: Sequence[str] = (), port: int | None = None,
               keys_from: Sshd | None = None) -> Sshd:
    """Start sshd on ``listen`` addresses (at most 16, sshd's limit) and ``port`` (default: a free one);
    ``extra`` config lines (Match blocks) go last; ``keys_from`` shares another server's keys."""
    folder = Path(tempfile.mkdtemp(prefix="hipaacheck-sshd-"))
    folder.chmod(0o755)  # the unprivileged login reads authorized_keys from here
    if keys_from is not None:
        host_key, client_key = (Path(shutil.copy(key, folder)) for key in (keys_from.host_key, keys_from.client_key))
        shutil.copy(keys_from.client_key.with_suffix(".pub"), folder)
        shutil.copy(keys_from.host_key.with_suffix(".pub"), folder)
    else:
        host_key, client_key = keygen(folder / "host_ed25519"), keygen(folder / "client_ed25519")
    authorized = folder / "authorized_keys"
    authorized.write_text(client_key.with_suffix(".pub").read_text())
    authorized.chmod(0o644)
    port = port or free_port()
    config = folder / "sshd_config"
    lines = [f"Port {port}", *(f"ListenAddress {address}" for address in listen), f"HostKey {host_key}",
             f"PidFile {folder}/sshd.pid",
             f"AuthorizedKeysFile {authorized}", "StrictModes no", "UsePAM no", "PasswordAuthentication no",
             "KbdInteractiveAuthentication no", "PubkeyAuthentication yes", "PermitRootLogin prohibit-password",
             f"Subsystem sftp {SFTP_SERVER}", "LogLevel ERROR", "MaxStartups 100:30:200", "MaxSessions 50"]
    if os.geteuid() == 0:
        Path("/run/sshd").mkdir(mode=0o755, exist_ok=True)  # privilege separation folder sshd requires as root
        lines += ["Match User nobody", "    ForceCommand internal-sftp"]
    lines += extra
    config.write_text("\n".join(lines) + "\n")
    process = subprocess.Popen([str(SSHD), "-D", "-e", "-f", str(config)], stdin=subprocess.DEVNULL,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    for _ in range(200):  # wait until it listens (not a timed assertion: it fails only if sshd never starts)
        if process.poll() is not None:
            raise RuntimeError(f"sshd exited: {process.stderr.read().decode() if process.stderr else ''}")
        try:
            socket.create_connection((listen[-1], port), timeout=1).close()
            break
        except OSError:
            time.sleep(0.05)
    return Sshd(folder, port, client_key, host_key, process)
