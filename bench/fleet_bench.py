"""Fleet benchmark: fifty SSH targets on loopback, one scan (not a test; needs root and openssh-server).

Real sshd servers listen on 127.0.0.1 to 127.0.0.N (one port; sshd takes at most 16 listen addresses, so
one server per 16 targets, sharing keys); each address is a target whose SFTP session is chrooted
(``Match LocalAddress``) to its own copy of a fixture tree (compliant and noncompliant in turn), scanned
through ``--remote-root /tree``. For ``--host-workers`` 1 and 8 it reports the median wall
time over ``--runs``, the scan's peak RSS (``os.wait4``), and per host the files fetched and the bytes
the SSH connection carried both ways.

    PYTHONPATH=$PWD .venv/bin/python bench/fleet_bench.py --hosts 50 --runs 3
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

from _common import REPO, measure

sys.path.insert(0, str(REPO / "tests"))
from sshd_server import start_sshd  # noqa: E402

TREES = [REPO / "tests" / "fixtures" / "host" / "compliant", REPO / "tests" / "fixtures" / "host" / "noncompliant"]


def chroots(hosts: int) -> tuple[Path, dict[str, list[str]]]:
    """``hosts`` chroot folders (sshd wants every component root-owned and not writable by others: /run),
    with the Match block of each address."""
    base = Path(tempfile.mkdtemp(prefix="hipaacheck-fleet-bench-", dir="/run"))
    base.chmod(0o755)
    lines: dict[str, list[str]] = {}
    for number in range(1, hosts + 1):
        jail = base / f"host{number:02d}"
        jail.mkdir(mode=0o755)
        shutil.copytree(TREES[number % 2], jail / "tree", symlinks=True)
        lines[f"127.0.0.{number}"] = [f"Match LocalAddress 127.0.0.{number}", f"    ChrootDirectory {jail}",
                                      "    ForceCommand internal-sftp"]
    return base, lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hosts", type=int, default=50)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--workers", default="1,8")
    args = parser.parse_args()
    if os.geteuid() != 0:
        sys.exit("fleet_bench: needs root (sshd with a chroot per target)")
    base, matches = chroots(args.hosts)
    addresses = list(matches)
    servers = []
    for start in range(0, len(addresses), 16):
        group = addresses[start:start + 16]
        servers.append(start_sshd(listen=group, extra=[line for a in group for line in matches[a]],
                                  port=servers[0].port if servers else None,
                                  keys_from=servers[0] if servers else None))
    sshd = servers[0]
    work = Path(tempfile.mkdtemp(prefix="hipaacheck-fleet-out-"))
    try:
        known = work / "known_hosts"
        kind, blob = sshd.host_key.with_suffix(".pub").read_text().split()[:2]
        known.write_text("".join(f"[{a}]:{sshd.port} {kind} {blob}\n" for a in addresses))
        targets = work / "targets.txt"
        targets.write_text("".join(f"root@{a}:{sshd.port}\n" for a in addresses))
        (work / "ssh_config").write_text("")
        print(f"{args.hosts} targets, {len(servers)} sshd (port {sshd.port}), {args.runs} runs each; "
              f"{os.cpu_count()} CPUs")
        for workers in [int(w) for w in args.workers.split(",")]:
            out = work / f"out-{workers}"
            command = [sys.executable, "-m", "hipaacheck", "scan", "--source", "ssh", "--targets", targets,
                       "--ssh-key", sshd.client_key, "--ssh-config", work / "ssh_config", "--known-hosts", known,
                       "--remote-root", "/tree", "--host-workers", workers, "--format", "json",
                       "--output-dir", out, "--quiet"]
            usages = [measure(command, ok_codes=(1,)) for _ in range(args.runs)]
            results = json.loads((out / "hipaacheck-results.json").read_text())
            details = [t["details"] for t in results["targets"]]
            statuses = sorted({t["status"] for t in results["targets"]})
            wire = [d["bytes_sent"] + d["bytes_received"] for d in details]
            print(f"--host-workers {workers}: wall {statistics.median(u.wall for u in usages):.2f} s "
                  f"(runs {', '.join(f'{u.wall:.2f}' for u in usages)}), peak RSS "
                  f"{max(u.rss_mib for u in usages):.0f} MiB, targets {len(details)} {statuses}, "
                  f"findings {results['summary']['total']}")
            print(f"    per host: files fetched {min(d['files_fetched'] for d in details)}-"
                  f"{max(d['files_fetched'] for d in details)}, file bytes "
                  f"{statistics.mean(d['bytes_fetched'] for d in details):.0f} mean, SSH bytes both ways "
                  f"{statistics.mean(wire):.0f} mean ({min(wire)}-{max(wire)})")
    finally:
        for server in servers:
            server.stop()
        shutil.rmtree(base, ignore_errors=True)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
