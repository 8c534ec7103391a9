"""The SSH source: hosts scanned in parallel, each into a private temporary root read by the host collectors.

For one host: log in (:mod:`.connect`), open SFTP (through ``sudo -n`` with ``--ssh-sudo``), then run the
host collectors on an empty staged tree, fetch what they asked for (:mod:`.fetch`), and run them again until
they ask for nothing new: the files fetched are exactly those the selected collectors read, includes and
drop-ins found in the files included. A host that cannot be reached or logged in to is an ``error``
target with the reason; the others go on. Results are yielded in the order the targets were given.
"""
from __future__ import annotations

import stat
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Iterator, Mapping

from ...errors import InputError
from ...inventory import Inventory
from .. import ProgressCallback, SourcePlan, Wanted
from ..deadline import Deadline
from ..parallel import in_order
from ..one_target import only_inventory
from ..staged import Asks, StagedContext, StagedTree, collect_staged
from .connect import Endpoint, LoginError, SshOptions, connect, open_sftp, resolve
from .fetch import RemoteFetcher
from .inventory import HostSpec, targets_from

if TYPE_CHECKING:
    from ...targets import Target

MAX_ROUNDS = 8  # collectors run, fetch, run again: includes of includes are a few rounds deep


class SshSource:
    name = "ssh"
    family = "host"

    def __init__(self, hosts: list[HostSpec], options: SshOptions, remote_root: str = "/", workers: int = 8,
                 deadline: float | None = None) -> None:
        if not remote_root.startswith("/"):
            raise InputError("--remote-root", f"must be an absolute path, got {remote_root[:80]!r}")
        for flag, path in (("--ssh-key", options.key), ("--ssh-config", options.config)):
            if path is not None and not path.is_file():
                raise InputError(flag, f"{path}: no such file")
        self.hosts, self.options, self.remote_root = hosts, options, remote_root
        self.workers, self.deadline = workers, deadline

    def collect_targets(self, resource_types: set[str], progress: ProgressCallback | None = None, *,
                        attributes: Wanted | None = None) -> Iterator[tuple[Target, Inventory | None]]:
        from ..host.registry import load_collectors

        load_collectors()  # imported once here, not raced by the workers
        deadline = Deadline.from_seconds(self.deadline)
        # bounded look-ahead: at most twice the workers' inventories held at once
        for result in in_order(lambda host: self._scan(host, resource_types, deadline), list(self.hosts),
                               self.workers, ahead=2 * self.workers, name="ssh"):
            if progress:
                progress(f"ssh {result[0].name}")
            yield result

    def collect(self, resource_types: set[str], progress: ProgressCallback | None = None, *,
                attributes: Wanted | None = None) -> Inventory:
        """The one host of ``collect ssh`` (an inventory is one target); scans use :meth:`collect_targets`."""
        return only_inventory(self.collect_targets(resource_types, progress, attributes=attributes), len(self.hosts),
                              "--target")

    def _scan(self, host: HostSpec, resource_types: set[str], deadline: Deadline) -> tuple[Target, Inventory | None]:
        from ...targets import Target, TargetStatus, status_of

        endpoint = Endpoint(host.host or host.name, host.port or 22, host.user or "?")
        details: dict[str, Any] = {"remote_root": self.remote_root, "sudo": self.options.sudo}
        try:
            endpoint = resolve(host, self.options)
            details.update(address=endpoint.host, port=endpoint.port, user=endpoint.user)
            if deadline.passed():
                raise LoginError("not scanned: the --deadline passed first")
            inventory = self._fetch_and_collect(endpoint, host, resource_types, details)
        except LoginError as exc:
            return Target("ssh", endpoint.key, host.name, TargetStatus.ERROR, str(exc),
                          MappingProxyType(details)), None
        status, reason = status_of(inventory)
        return Target("ssh", endpoint.key, host.name, status, reason, MappingProxyType(details)), inventory

    def _fetch_and_collect(self, endpoint: Endpoint, host: HostSpec, resource_types: set[str],
                           details: dict[str, Any]) -> Inventory:
        client, counting, recorded = connect(endpoint, self.options)
        details["host_key_recorded"] = recorded
        try:
            sftp = open_sftp(client, self.options)
            try:
                root = sftp.stat(self.remote_root)
            except OSError:
                root = None
            if root is None or not stat.S_ISDIR(root.st_mode or 0):
                raise LoginError(f"remote root {self.remote_root}: no such folder")
            with StagedTree("hipaacheck-ssh-") as tree:
                fetcher = RemoteFetcher(sftp, self.remote_root, tree, self.options.sudo)
                metadata = {"host": host.name, "target": endpoint.key, "remote_root": self.remote_root}
                inventory = _collect_until_settled(tree, fetcher, resource_types, metadata)
                details.update(files_fetched=fetcher.fetched_files, bytes_fetched=fetcher.fetched_bytes)
        except OSError as exc:  # the connection dropped or a request timed out mid-way
            raise LoginError(f"connection lost: {exc.strerror or type(exc).__name__}") from None
        finally:
            client.close()
        if counting is not None:
            details.update(bytes_sent=counting.sent, bytes_received=counting.received)
        return inventory


def _collect_until_settled(tree: StagedTree, fetcher: RemoteFetcher, resource_types: set[str],
                           metadata: dict[str, str]) -> Inventory:
    """Run the collectors, fetch what they asked for, again until they ask for nothing new. A path still
    not fetched after the last round reads as an error ("not fetched"), never as a pass."""
    done = Asks()
    for _ in range(MAX_ROUNDS):
        asks = Asks()
        inventory = collect_staged(tree, resource_types, metadata, asks)
        new = Asks(asks.paths - done.paths, asks.contents - done.contents, asks.globs - done.globs)
        if not (new.paths or new.contents or new.globs):
            return inventory
        fetcher.fetch(new.globs, new.paths, new.contents)
        done.paths |= new.paths
        done.contents |= new.contents
        done.globs |= new.globs
    # Rounds exhausted: what the collectors still ask for was never fetched, and must not read as absent.
    asks = Asks()
    collect_staged(tree, resource_types, metadata, asks)
    StagedContext(tree).mark_unfetched((asks.paths - done.paths) | (asks.contents - done.contents),
                                       f"not fetched: includes nest deeper than {MAX_ROUNDS} rounds")
    return collect_staged(tree, resource_types, metadata)


def build(values: Mapping[str, Any], plan: SourcePlan | None = None) -> SshSource:
    hosts = targets_from(values.get("target"), values.get("targets"), values.get("limit"))
    options = SshOptions(key=values.get("ssh_key"), config=values.get("ssh_config"),
                         known_hosts=values.get("known_hosts"), accept_new=bool(values.get("accept_new_host_keys")),
                         sudo=bool(values.get("ssh_sudo")), timeout=values.get("ssh_timeout", SshOptions.timeout))
    return SshSource(hosts, options, str(values.get("remote_root") or "/"), values.get("host_workers", 8),
                     values.get("deadline"))


__all__ = ["SshSource", "build"]
