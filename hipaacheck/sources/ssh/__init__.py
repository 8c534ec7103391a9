"""The SSH source (``--source ssh``): Linux hosts scanned agentless and read-only over SSH.

Targets come from ``--target [USER@]HOST[:PORT]`` (repeatable) or ``--targets FILE`` (one a line, or an
Ansible inventory in INI or YAML form, ``--limit GROUP``). For each host, :mod:`.fetch` copies over SFTP
exactly the files the host collectors ask for into a private temporary root (links resolved inside
``--remote-root``, regular files only, byte caps), the host collectors run on it, and it is removed.
Host keys are always verified (:mod:`.connect`). The implementation is in :mod:`.source`.
"""
from __future__ import annotations

from pathlib import Path

from .. import SourceInfo, SourceOption
from ..option_types import positive_count, positive_seconds

SOURCE = SourceInfo(
    name="ssh",
    help="Linux hosts over SSH (agentless, read-only): --target or --targets",
    factory="hipaacheck.sources.ssh.source:build",
    families=("host",),
    options=(
        SourceOption("--target", "ssh: [USER@]HOST[:PORT] to scan; repeatable", metavar="[USER@]HOST[:PORT]",
                     action="append"),
        SourceOption("--targets", "ssh: file of targets, one a line, or an Ansible inventory (INI or YAML)",
                     type=Path, metavar="FILE"),
        SourceOption("--limit", "ssh: only this group of the --targets inventory", metavar="GROUP"),
        SourceOption("--ssh-key", "ssh: private key file (default: agent and ~/.ssh keys)", type=Path, metavar="KEY"),
        SourceOption("--ssh-config", "ssh: OpenSSH client config (default: ~/.ssh/config)", type=Path,
                     metavar="FILE"),
        SourceOption("--known-hosts", "ssh: known_hosts file (default: ~/.ssh/known_hosts)", type=Path,
                     metavar="FILE"),
        SourceOption("--accept-new-host-keys", "ssh: record the keys of hosts not yet known (changed keys are "
                                               "still refused)", action="store_true"),
        SourceOption("--ssh-sudo", "ssh: read root-only files through 'sudo -n'", action="store_true"),
        SourceOption("--remote-root", "ssh: folder on the targets to scan as / (default: /)", default="/",
                     metavar="DIR"),
        SourceOption("--host-workers", "ssh: hosts scanned in parallel (default: 8)", type=positive_count, default=8,
                     metavar="N"),
        SourceOption("--ssh-timeout", "ssh: seconds to connect and log in, and per request (default: 15)",
                     type=positive_seconds, default=15.0, metavar="SECONDS"),
        SourceOption("--deadline", "ssh: start no host after this many seconds", type=positive_seconds, metavar="SECONDS"),
    ),
)
