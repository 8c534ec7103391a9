"""Logging in as OpenSSH users expect, with host keys always verified.

Settings come from ``--ssh-config`` (else ``~/.ssh/config``): ``HostName``, ``User``, ``Port``,
``IdentityFile``, ``ProxyCommand``, ``ProxyJump`` (through the system ``ssh -W``, in batch mode, with the
same config, key and known hosts), ``UserKnownHostsFile``; the inventory's user and port win over them.
Keys: ``--ssh-key``, the config's identity files, the agent and ``~/.ssh/id_*``. Host keys are checked
against ``--known-hosts`` (else the config's or ``~/.ssh/known_hosts``) and ``/etc/ssh/ssh_known_hosts``
(OpenSSH's global file) alone: the user's own ``~/.ssh/known_hosts`` is not trusted beside another file named;
an unknown key is refused unless ``--accept-new-host-keys`` (then appended, as OpenSSH's
``StrictHostKeyChecking=accept-new``); a changed key is always refused. ``StrictHostKeyChecking no`` in a
config file does not turn checking off.
"""
from __future__ import annotations

import getpass
import shlex
import socket
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ...text import one_line
from .inventory import HostSpec
from .parsed_files import ParsedFiles

if TYPE_CHECKING:
    import paramiko

SUDO_SFTP = ("for p in /usr/lib/openssh/sftp-server /usr/libexec/openssh/sftp-server /usr/lib/ssh/sftp-server "
             "/usr/libexec/sftp-server /usr/lib/sftp-server; do if [ -x \"$p\" ]; then exec \"$p\"; fi; done; "
             "echo 'no sftp-server found' >&2; exit 127")
_KNOWN_HOSTS_LOCK = threading.Lock()
GLOBAL_KNOWN_HOSTS = Path("/etc/ssh/ssh_known_hosts")


def _ssh_config(path: str) -> Any:
    import paramiko

    return paramiko.SSHConfig.from_path(path)


def _host_keys(path: str) -> Any:
    import paramiko

    return paramiko.HostKeys(path)


SSH_CONFIGS: ParsedFiles[Any] = ParsedFiles(_ssh_config)
KNOWN_HOSTS: ParsedFiles[Any] = ParsedFiles(_host_keys)


class LoginError(Exception):
    """The host could not be reached or logged in to; the message is the target's reason (no secrets)."""


@dataclass(frozen=True)
class SshOptions:
    key: Path | None = None
    config: Path | None = None
    known_hosts: Path | None = None
    accept_new: bool = False
    sudo: bool = False
    timeout: float = 15.0


@dataclass(frozen=True)
class Endpoint:
    """Where and as whom to log in, after the SSH config."""

    host: str
    port: int
    user: str
    identity_files: tuple[str, ...] = ()
    proxy_command: str | None = None
    known_hosts: Path | None = None

    @property
    def key(self) -> str:
        return f"{self.user}@{self.host}:{self.port}"


class CountingSocket(socket.socket):
    """A TCP socket that counts the bytes it carries (the figure a fleet scan reports per host)."""

    sent = received = 0

    def recv(self, size: int, *args: Any) -> bytes:
        data = super().recv(size, *args)
        self.received += len(data)
        return data

    def send(self, data: Any, *args: Any) -> int:
        count = super().send(data, *args)
        self.sent += count
        return count


def resolve(spec: HostSpec, options: SshOptions) -> Endpoint:
    """The endpoint of ``spec``: inventory values, then the SSH config, then OpenSSH's defaults."""
    import paramiko

    found: dict[str, Any] = {}
    config_path = options.config or Path.home() / ".ssh" / "config"
    if options.config or config_path.is_file():
        try:
            found = SSH_CONFIGS.get(config_path).lookup(spec.host or spec.name)
        except (OSError, paramiko.SSHException) as exc:
            raise LoginError(f"ssh config {config_path}: {exc}") from None
    known = options.known_hosts
    if known is None and found.get("userknownhostsfile"):
        known = Path(str(found["userknownhostsfile"]).split()[0]).expanduser()
    host = spec.host or str(found.get("hostname") or spec.name)
    port = spec.port or int(found.get("port") or 22)
    known = known or Path.home() / ".ssh" / "known_hosts"
    proxy = found.get("proxycommand")
    if not proxy and found.get("proxyjump") and str(found["proxyjump"]).lower() != "none":
        proxy = jump_command(str(found["proxyjump"]), host, port, options, known)
    return Endpoint(host, port, spec.user or str(found.get("user") or getpass.getuser()),
                    tuple(str(Path(p).expanduser()) for p in found.get("identityfile") or ()), proxy, known)


def jump_command(jumps: str, host: str, port: int, options: SshOptions, known: Path) -> str:
    """``ProxyJump a,b`` as the system client's ``ssh -W host:port -J a b``: it logs in to the jump hosts
    (batch mode: no prompt; host keys checked strictly against the same known hosts)."""
    hops = [hop.strip() for hop in jumps.split(",") if hop.strip()]
    command = ["ssh", "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=yes", "-o", f"UserKnownHostsFile={known}",
               "-o", f"ConnectTimeout={max(1, int(options.timeout))}", "-W", f"{host}:{port}"]
    if options.config:
        command += ["-F", str(options.config)]
    if options.key:
        command += ["-i", str(options.key), "-o", "IdentitiesOnly=yes"]
    if len(hops) > 1:
        command += ["-J", ",".join(hops[:-1])]
    last = hops[-1] if hops[-1].startswith("ssh://") or ":" not in hops[-1] else f"ssh://{hops[-1]}"
    return shlex.join([*command, "--", last])  # a destination takes a port only as a URI


class _HostKeyPolicy:
    """Unknown host key: refused, or recorded with ``accept_new``. (A changed key never reaches a policy:
    paramiko raises BadHostKeyException for it.)"""

    def __init__(self, known_hosts: Path, accept_new: bool) -> None:
        self.known_hosts, self.accept_new = known_hosts, accept_new
        self.recorded = False

    def missing_host_key(self, client: paramiko.SSHClient, hostname: str, key: paramiko.PKey) -> None:
        if not self.accept_new:
            raise LoginError(f"unknown host key ({key.get_name()} {key.fingerprint}); add it to "
                             f"{self.known_hosts} or pass --accept-new-host-keys")
        with _KNOWN_HOSTS_LOCK:
            self.known_hosts.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            with self.known_hosts.open("a", encoding="utf-8") as out:
                out.write(f"{hostname} {key.get_name()} {key.get_base64()}\n")
        self.recorded = True


def connect(endpoint: Endpoint, options: SshOptions) -> tuple[paramiko.SSHClient, CountingSocket | None, bool]:
    """A logged-in client, the counting socket under it (None behind a ProxyCommand), and whether a new
    host key was recorded; :class:`LoginError` says why not."""
    import paramiko

    client = paramiko.SSHClient()
    policy = _HostKeyPolicy(endpoint.known_hosts or Path.home() / ".ssh" / "known_hosts", options.accept_new)
    # paramiko's load_system_host_keys() would read ~/.ssh/known_hosts, not the global file: the two key sets
    # are set here instead, parsed once for the fleet and shared read-only (paramiko only looks them up)
    client._system_host_keys = _known_hosts(GLOBAL_KNOWN_HOSTS)
    client._host_keys = _known_hosts(policy.known_hosts)
    client._host_keys_filename = None  # never rewrite the user's known_hosts wholesale
    client.set_missing_host_key_policy(policy)
    sock: Any = None
    counting: CountingSocket | None = None
    try:
        if endpoint.proxy_command:
            sock = paramiko.ProxyCommand(endpoint.proxy_command)
        else:
            raw = socket.create_connection((endpoint.host, endpoint.port), timeout=options.timeout)
            counting = sock = CountingSocket(raw.family, raw.type, raw.proto, fileno=raw.detach())
            sock.settimeout(options.timeout)
        keys = [str(options.key)] if options.key else list(endpoint.identity_files)
        client.connect(endpoint.host, endpoint.port, endpoint.user, sock=sock, timeout=options.timeout,
                       banner_timeout=options.timeout, auth_timeout=options.timeout, key_filename=keys or None,
                       look_for_keys=not options.key, allow_agent=not options.key)
    except LoginError:
        client.close()
        raise
    except paramiko.BadHostKeyException as exc:
        client.close()
        raise LoginError(f"host key changed ({exc.key.get_name()} {exc.key.fingerprint} is not the one in "
                         f"known hosts): refused") from None
    except paramiko.AuthenticationException:
        client.close()
        raise LoginError(f"login failed as {endpoint.user} (authentication refused)") from None
    except (OSError, paramiko.SSHException, EOFError) as exc:
        client.close()
        raise LoginError(f"unreachable: {_why(exc)}") from None
    return client, counting, policy.recorded


def _known_hosts(path: Path) -> paramiko.HostKeys:
    """The host keys of a known_hosts file (none when it does not exist); :class:`LoginError` if unreadable."""
    import paramiko

    try:
        return KNOWN_HOSTS.get(path)
    except FileNotFoundError:
        return paramiko.HostKeys()
    except (OSError, paramiko.SSHException) as exc:
        raise LoginError(f"known hosts {path}: {exc}") from None


def open_sftp(client: paramiko.SSHClient, options: SshOptions) -> paramiko.SFTPClient:
    """An SFTP session: the login user's, or root's through ``sudo -n`` running the target's sftp-server."""
    import paramiko

    transport = client.get_transport()
    if transport is None:
        raise LoginError("connection closed")
    try:
        if not options.sudo:
            sftp = client.open_sftp()
        else:
            channel = transport.open_session(timeout=options.timeout)
            channel.settimeout(options.timeout)
            channel.exec_command("sudo -n sh -c " + _quote(SUDO_SFTP))
            try:
                sftp = paramiko.SFTPClient(channel)
            except (paramiko.SSHException, EOFError, OSError):
                message = channel.makefile_stderr("rb").read(400).decode("utf-8", "replace").strip()
                raise LoginError(f"sudo -n failed: {_printable(message) or 'no sftp session'}") from None
    except (paramiko.SSHException, OSError) as exc:
        raise LoginError(f"sftp failed: {_why(exc)}") from None
    sftp.get_channel().settimeout(options.timeout)
    return sftp


def _quote(text: str) -> str:
    return "'" + text.replace("'", "'\"'\"'") + "'"


def _printable(text: str) -> str:
    """The first line of a remote or library message, control characters escaped (text.one_line), bounded."""
    return one_line(text.splitlines()[0] if text else "")[:200]


def _why(exc: BaseException) -> str:
    if isinstance(exc, socket.timeout):
        return "timed out"
    if isinstance(exc, ConnectionRefusedError):
        return "connection refused"
    text = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
    return _printable(text)
