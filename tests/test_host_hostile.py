"""Hostile host trees, built as an attacker would: link chains out of the root, FIFOs and devices where
configs belong, include fan-outs, unlistable drop-in folders, files sshd would refuse, secrets in free text.

Each test asserts what must hold (issue 10): nothing outside the root is read, nothing hangs, nothing
unreadable passes, no file content beyond a sanitised keyword is quoted, no secret reaches any byte written.
"""
from __future__ import annotations

import os
import shutil
import socket
import stat
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import pytest

from hipaacheck.formats import FORMATS
from hipaacheck.sources.host import files as host_files
from hipaacheck.sources.host.files import MAX_FILE_BYTES, MAX_LINE_BYTES, MAX_LINKS, HostContext, read_capped
from test_host_parsers import collect, run, statuses, tree
from test_host_trees import IS_ROOT, SECRET_MARKER, host_tree, write

REPO = Path(__file__).resolve().parent.parent
SECRET = "Zq9SeededSecretXy7"  # distinctive: found in an output only if it leaked


def findings_by_control(result) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for finding in result.json()["findings"]:
        out.setdefault(finding["control_id"], []).append(finding)
    return out


def everything_written(cli, root: Path, work: Path) -> tuple[list[bytes], object]:
    """Scan ``root`` with every format, a bundle and a debug log, and collect it: every byte written, and
    the JSON run (for what the checks decided)."""
    out_dir, bundle, log = work / "reports", work / "bundle.zip", work / "debug.log"
    scan = cli("scan", "--root", root, "--format", ",".join(sorted(FORMATS)), "--output-dir", out_dir,
               "--evidence-bundle", bundle, "--log-level", "debug", "--log-file", log)
    assert scan.code in (0, 1, 3), scan.err
    inventory = work / "inventory.json"
    collected = cli("collect", "host", "--root", root, "-o", inventory)
    assert collected.code == 0, collected.err
    as_json = cli("scan", "--root", root, "--format", "json")
    blobs = [p.read_bytes() for p in out_dir.rglob("*") if p.is_file()]
    assert len(blobs) >= len(FORMATS)
    with zipfile.ZipFile(bundle) as archive:
        blobs += [archive.read(name) for name in archive.namelist()]
    blobs += [log.read_bytes(), inventory.read_bytes()]
    blobs += [text.encode() for text in (scan.out, scan.err, collected.out, collected.err, as_json.out, as_json.err)]
    return blobs, as_json


def assert_nowhere(blobs: list[bytes], *secrets: str) -> None:
    for secret in secrets:
        leaks = [blob[max(0, blob.find(secret.encode()) - 80):][:200] for blob in blobs if secret.encode() in blob]
        assert not leaks, leaks


# --- confinement ------------------------------------------------------------------------------------

def test_a_50_link_chain_out_of_the_root_is_an_error_and_reads_nothing_outside(cli, tmp_path):
    outside = tmp_path / "scanner" / "environ"
    outside.parent.mkdir()
    outside.write_text(f"AWS_SECRET_ACCESS_KEY={SECRET}\n")
    root = host_tree("compliant", tmp_path)
    ssh = root / "etc" / "ssh"
    (ssh / "sshd_config").unlink()
    links = 50
    for i in range(links):  # sshd_config -> l0 -> l1 ... -> l49 -> ../../../scanner/environ (outside the root)
        target = f"l{i + 1}" if i + 1 < links else os.path.relpath(outside, ssh)
        (ssh / f"l{i}").symlink_to(target)
    (ssh / "sshd_config").symlink_to("l0")
    read = HostContext(root).read("/etc/ssh/sshd_config")
    assert read.error == f"more than {MAX_LINKS} symbolic links" and read.text is None
    blobs, result = everything_written(cli, root, tmp_path)
    assert_nowhere(blobs, SECRET)
    root_login = findings_by_control(result)["host.sshd.permit_root_login"]
    assert [f["status"] for f in root_login] == ["error"]
    assert "symbolic links" in root_login[0]["message"]


def test_links_resolve_inside_the_root_absolute_ones_re_rooted_and_dotdot_clamped(tmp_path, monkeypatch):
    monkeypatch.setenv("HIPAACHECK_TEST_SECRET", SECRET)  # what /proc/self/environ would show of the scanner
    root = tree(tmp_path / "root", {"/etc/real.conf": "PermitRootLogin no\n"})
    etc = root / "etc"
    (etc / "abs").symlink_to("/etc/real.conf")  # re-rooted: the root's /etc/real.conf, not the scanner's
    (etc / "dotdot").symlink_to("../../../../../../etc/real.conf")  # ".." stops at the root
    (etc / "environ").symlink_to("/proc/self/environ")
    (etc / "environ_rel").symlink_to("../../../../../../../../proc/self/environ")
    ctx = HostContext(root)
    assert ctx.read("/etc/abs").text == ctx.read("/etc/dotdot").text == "PermitRootLogin no\n"
    for name in ("environ", "environ_rel"):  # the root has no /proc: missing, never the scanner's environment
        assert not ctx.read(f"/etc/{name}").exists
    assert ctx.real("/etc/../../../etc/real.conf") == root / "etc" / "real.conf"


def test_a_glob_through_a_linked_folder_stays_inside_the_root(tmp_path):
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "evil.conf").write_text("PermitRootLogin yes\n")
    root = tree(tmp_path / "root", {"/etc/ssh/sshd_config": "Include /etc/ssh/sshd_config.d/*.conf\n"
                                                            "PermitRootLogin no\n",
                                    "/usr/sbin/sshd": ""})
    (root / "etc" / "ssh" / "sshd_config.d").symlink_to(outside)  # absolute: re-rooted, so nothing there
    sshd = collect(root, "host.sshd")
    assert sshd.attributes["settings"]["permitrootlogin"] == "no"
    assert sshd.attributes["files"] == ["/etc/ssh/sshd_config"]


def test_a_hard_link_to_a_secret_file_leaks_nothing(cli, tmp_path):
    """A hard link cannot be told from a file of the tree; what holds is that no content is quoted."""
    outside = tmp_path / "shadow-of-scanner"
    outside.write_text(f"root:$6$salt${SECRET}:19000:0:99999:7:::\n")
    root = host_tree("compliant", tmp_path)
    for config in ("etc/ssh/sshd_config", "etc/login.defs", "etc/sudoers"):
        (root / config).unlink()
        os.link(outside, root / config)
    blobs, _ = everything_written(cli, root, tmp_path)
    assert_nowhere(blobs, SECRET)


# --- only regular files, bounded reads ------------------------------------------------------------------

def test_fifo_socket_folder_and_device_are_errors_not_hangs(tmp_path, monkeypatch):
    root = tree(tmp_path, {"/etc/hostname": "h\n"})
    os.mkfifo(root / "etc" / "fifo")  # opening it for reading without O_NONBLOCK blocks for ever
    (root / "etc" / "folder").mkdir()
    monkeypatch.chdir(root / "etc")  # a socket path must be short: bind it by its relative name
    with socket.socket(socket.AF_UNIX) as server:
        server.bind("sock")
        ctx = HostContext(root)
        assert ctx.read("/etc/fifo").error == "not a regular file (a FIFO)"
        assert ctx.read("/etc/sock").error == "not a regular file (a socket)"
        assert ctx.read("/etc/folder").error == "is a directory"
    if IS_ROOT:  # /dev/zero's node: stat size 0, endless content
        os.mknod(root / "etc" / "zero", stat.S_IFCHR | 0o666, os.makedev(1, 5))
        assert ctx.read("/etc/zero").error == "not a regular file (a character device)"


def test_a_fifo_as_sshd_config_ends_the_scan_with_an_error(tmp_path):
    root = host_tree("compliant", tmp_path)
    (root / "etc" / "ssh" / "sshd_config").unlink()
    os.mkfifo(root / "etc" / "ssh" / "sshd_config")
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run([sys.executable, "-m", "hipaacheck", "scan", "--root", str(root), "--format", "json"],
                          capture_output=True, text=True, env=env, timeout=120)  # a hang fails here
    import json

    findings = [f for f in json.loads(done.stdout)["findings"] if f["control_id"] == "host.sshd.permit_root_login"]
    assert [f["status"] for f in findings] == ["error"] and "FIFO" in findings[0]["message"]


def test_reads_are_capped_by_bytes_read_not_by_stat(tmp_path):
    reader, writer = os.pipe()  # a pipe's stat size is 0, as a device's
    os.write(writer, b"x" * 100)
    assert read_capped(reader, 10) == b"x" * 10
    os.close(reader)
    os.close(writer)
    big = tmp_path / "etc" / "login.defs"
    big.parent.mkdir()
    with big.open("wb") as handle:
        handle.truncate(MAX_FILE_BYTES + 1)  # sparse: costs no disk
    assert HostContext(tmp_path).read("/etc/login.defs").error == f"larger than {MAX_FILE_BYTES} bytes"


def test_a_line_no_config_has_is_an_error_not_minutes_of_parsing(tmp_path):
    root = tree(tmp_path, {"/etc/ssh/sshd_config": "PermitRootLogin no\nBanner " + "x" * (4 * 1024 * 1024 - 64) + "\n",
                           "/usr/sbin/sshd": ""})  # one 4 MiB line: shlex took minutes over it
    sshd = collect(root, "host.sshd")
    assert sshd.unreadable["*"] == f"/etc/ssh/sshd_config: line 2 is longer than {MAX_LINE_BYTES} bytes"


def test_a_scan_stops_reading_past_its_total_byte_budget(tmp_path, monkeypatch):
    monkeypatch.setattr(host_files, "MAX_SCAN_BYTES", 100)
    root = tree(tmp_path, {"/etc/a": "x" * 80 + "\n", "/etc/b": "y" * 80 + "\n", "/etc/c": "z\n"})
    ctx = HostContext(root)
    assert ctx.read("/etc/a").ok and ctx.read("/etc/b").ok
    assert ctx.read("/etc/c").error == "not read: this scan has read more than 100 bytes"


# --- include budget ------------------------------------------------------------------------------------

def _fan_out(levels: int, fan: int, name, line) -> dict[str, str]:
    """Files name(level, i); each file of a level includes every file of the next one."""
    files = {}
    for level in range(levels):
        for i in range(fan):
            files[name(level, i)] = line(level + 1) if level + 1 < levels else ""
    return files


@pytest.mark.parametrize("resource_type, files", [
    ("host.sshd", {"/etc/ssh/sshd_config": "Include /etc/ssh/f0_*.conf\n", "/usr/sbin/sshd": "",
                   **_fan_out(15, 4, lambda d, i: f"/etc/ssh/f{d}_{i}.conf",
                              lambda d: f"Include /etc/ssh/f{d}_*.conf\n")}),
    ("host.sudoers", {"/etc/sudoers": "#includedir /etc/s0\n",
                      **_fan_out(15, 4, lambda d, i: f"/etc/s{d}/f{i}", lambda d: f"#includedir /etc/s{d}\n")}),
    ("host.logrotate", {"/etc/logrotate.conf": "include /etc/r0\n",
                        **_fan_out(15, 4, lambda d, i: f"/etc/r{d}/f{i}", lambda d: f"include /etc/r{d}\n")}),
])
def test_an_include_fan_out_of_4_over_15_levels_is_an_error_not_endless(tmp_path, resource_type, files):
    resource = collect(tree(tmp_path, files), resource_type)
    # sudo and logrotate stop at depth 8 first; sshd allows 16, so only the budget ends its 4**15 files
    assert "more than 1000 files" in resource.unreadable["*"] or "nested deeper than 8" in resource.unreadable["*"]
    if resource_type == "host.sshd":
        assert "more than 1000 files" in resource.unreadable["*"]


def test_the_budget_ends_a_fan_out_that_stays_within_the_depth_limit(tmp_path):
    files = {"/etc/sudoers": "#includedir /etc/s0\n",
             **_fan_out(8, 4, lambda d, i: f"/etc/s{d}/f{i}", lambda d: f"#includedir /etc/s{d}\n")}
    sudoers = collect(tree(tmp_path, files), "host.sudoers")
    assert "more than 1000 files" in sudoers.unreadable["*"]
    assert statuses(run("host.sudo.no_nopasswd", sudoers)) == ["error"]


def test_a_pam_include_fan_out_is_an_error_for_that_stack(tmp_path):
    files = {f"/etc/pam.d/p{d}": "".join(f"auth include p{d + 1}\n" for _ in range(4)) for d in range(14)}
    files["/etc/pam.d/p14"] = "auth required pam_unix.so\n"
    files["/etc/pam.d/system-auth"] = "auth include p0\n"
    pam = collect(tree(tmp_path, files), "host.pam")
    assert "more than 5000 files" in pam.unreadable["services.system-auth"]
    assert statuses(run("host.pam.no_nullok", pam)) == ["error"]


# --- deadline -------------------------------------------------------------------------------------------

def test_host_deadline_turns_what_was_not_collected_into_errors(cli, tmp_path, monkeypatch):
    import hipaacheck.sources.deadline as deadline

    clock = iter(range(0, 10**9, 1))  # a clock that moves one second per look: the deadline passes mid-scan

    class FakeTime:
        @staticmethod
        def monotonic() -> float:
            return float(next(clock))

    monkeypatch.setattr(deadline, "time", FakeTime)
    root = host_tree("compliant", tmp_path)
    result = cli("scan", "--root", root, "--format", "json", "--deadline", "30")
    findings = result.json()["findings"]
    late = [f for f in findings if "--deadline of 30 s passed" in f["message"]]
    assert late and all(f["status"] == "error" for f in late)
    assert result.code in (1, 3)
    late_types = {f["resource"]["type"] for f in late}
    assert not any(f["status"] == "pass" and f["resource"]["type"] in late_types for f in findings)


# --- unlistable folders (as a non-root user) -------------------------------------------------------------

def _world_readable_tree() -> Path:
    """A tree another user can read (pytest's tmp_path sits in a 0700 folder of root's)."""
    base = Path(tempfile.mkdtemp(prefix="hipaacheck-hostile-"))
    os.chmod(base, 0o755)
    root = host_tree("compliant", base)
    write(root, "/etc/ssh/sshd_config", "Include /etc/ssh/sshd_config.d/*.conf\nPermitRootLogin no\n")
    write(root, "/etc/ssh/sshd_config.d/10-hipaa.conf", "PermitRootLogin yes\n")  # wins, if it is seen
    write(root, "/etc/sudoers.d/operators", "ops ALL=(ALL) NOPASSWD: ALL\n")
    write(root, "/etc/pam.d/system-auth", "auth sufficient pam_unix.so nullok\n")
    for folder, _, names in os.walk(root):
        os.chmod(folder, 0o755)
        for name in names:
            if not os.path.islink(os.path.join(folder, name)):
                os.chmod(os.path.join(folder, name), 0o644)
    return root


def _scan_json(root: Path, as_nobody: bool) -> tuple[int, dict]:
    """``scan --root ROOT --format json`` in a forked child, as ``nobody`` if asked: (exit code, results).

    A fork, not a new interpreter: the test's interpreter may sit where nobody can run it (under
    /root). The child first scans an empty tree as itself, so every module the scan needs is loaded
    before it gives up its privileges.
    """
    import json
    import pwd

    reader, writer = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns to pytest
        code = 70
        try:
            os.close(reader)
            from hipaacheck.cli import main

            warm = Path(tempfile.mkdtemp())
            sys.stdout = open(os.devnull, "w")
            main(["scan", "--root", str(warm), "--format", "json", "--quiet"])
            if as_nobody:
                nobody = pwd.getpwnam("nobody")
                os.setgroups([])
                os.setgid(nobody.pw_gid)
                os.setuid(nobody.pw_uid)
            sys.stdout = os.fdopen(writer, "w")
            code = main(["scan", "--root", str(root), "--format", "json"])
            sys.stdout.flush()
        finally:
            os._exit(code)
    os.close(writer)
    with os.fdopen(reader) as stream:
        out = stream.read()
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status), json.loads(out)


@pytest.mark.parametrize("folder, control, when_open", [
    ("etc/ssh/sshd_config.d", "host.sshd.permit_root_login", "fail"),  # its drop-in allows root logins
    ("etc/sudoers.d", "host.sudo.no_nopasswd", "fail"),  # its drop-in has NOPASSWD
    ("etc/pam.d", "host.pam.no_nullok", "fail"),  # system-auth has nullok
    ("etc/audit/rules.d", "host.audit.identity_files", "pass"),  # its rules are the watches
    ("etc/profile.d", "host.shell.tmout", "pass"),  # TMOUT is set there
    ("etc/security/pwquality.conf.d", "host.pwquality.minlen", "pass"),
    ("etc/systemd/logind.conf.d", "host.logind.stop_idle_session", "pass"),
])
def test_a_folder_that_cannot_be_listed_makes_its_controls_error_never_pass(folder, control, when_open):
    root = _world_readable_tree()
    closed = root / folder
    try:
        code, before = _scan_json(root, as_nobody=IS_ROOT)
        assert {f["status"] for f in before["findings"] if f["control_id"] == control} == {when_open}
        os.chmod(closed, 0o700 if IS_ROOT else 0)  # root's and scanned as nobody, or our own and closed to us
        try:
            os.listdir(closed)
            readable = not IS_ROOT  # as root it is still readable here; nobody's child is what matters
        except PermissionError:
            readable = False
        if readable:
            pytest.skip("this user can list any folder (CAP_DAC_OVERRIDE?)")
        code, results = _scan_json(root, as_nobody=IS_ROOT)
        assert code in (1, 3)
        findings = [f for f in results["findings"] if f["control_id"] == control]
        assert findings and {f["status"] for f in findings} == {"error"}, findings
        assert any(f"/{folder}" in f["message"] and "cannot list" in f["message"] for f in findings), findings
    finally:
        os.chmod(closed, 0o755)
        shutil.rmtree(root.parent)


# --- files sshd would refuse, content never quoted --------------------------------------------------------

@pytest.mark.parametrize("text, problem", [
    ("PermitRootLogin no\nPermitRootLogn yes\n", "sshd_config:2: unknown keyword 'PermitRootLogn'"),
    ("PermitRootLogin no\n\x89PNG\r\n\x1a\n\x1b[2Jgarbage\n", "sshd_config:2: unknown keyword: sshd would refuse"),
    ("PermitRootLogin no\nMaxAuthTries 3\x00\x01\x02\n", "binary content"),
])
def test_a_file_sshd_would_refuse_is_no_settings_so_defaults_do_not_pass(tmp_path, text, problem):
    root = tree(tmp_path, {"/usr/sbin/sshd": ""})
    (root / "etc" / "ssh").mkdir(parents=True)
    (root / "etc" / "ssh" / "sshd_config").write_bytes(text.encode("latin-1"))
    sshd = collect(root, "host.sshd")
    assert problem in sshd.unreadable["*"]
    assert "PNG" not in sshd.unreadable["*"] and "garbage" not in sshd.unreadable["*"]
    assert statuses(run("host.sshd.option_max", sshd, keyword="maxauthtries", max=4, default=6)) == ["error"]
    assert statuses(run("host.sshd.option_in", sshd, keyword="permitemptypasswords", allowed=["no"],
                        default="no")) == ["error"]


def test_binary_content_in_any_parsed_config_is_an_error(tmp_path):
    root = tree(tmp_path, {"/etc/hostname": "h\n"})
    (root / "etc" / "login.defs").write_bytes(b"PASS_MAX_DAYS 90\n\x00\x00\x7fELF")
    login_defs = collect(root, "host.login_defs")
    assert "binary content" in login_defs.unreadable["*"]


def test_shadow_linked_as_every_config_is_quoted_nowhere(cli, tmp_path):
    root = host_tree("compliant", tmp_path)
    assert SECRET_MARKER in (root / "etc" / "shadow").read_text()
    configs = ["etc/ssh/sshd_config", "etc/login.defs", "etc/sudoers", "etc/pam.d/system-auth", "etc/fstab",
               "etc/crypttab", "etc/rsyslog.conf", "etc/logrotate.conf", "etc/audit/auditd.conf",
               "etc/audit/rules.d/50-identity.rules", "etc/crypto-policies/config", "etc/profile", "etc/hostname",
               "etc/security/pwquality.conf", "etc/security/faillock.conf", "etc/chrony.conf",
               "etc/dnf/automatic.conf", "etc/passwd", "etc/group", "etc/systemd/logind.conf"]
    for config in configs:
        path = root / config
        if path.exists() or path.is_symlink():
            path.unlink()
        path.parent.mkdir(parents=True, exist_ok=True)
        path.symlink_to("/etc/shadow")  # inside the root: the image's own shadow file
    blobs, result = everything_written(cli, root, tmp_path)
    assert_nowhere(blobs, SECRET_MARKER, "seedsalt")
    by_control = findings_by_control(result)
    assert {f["status"] for f in by_control["host.sshd.permit_root_login"]} == {"error"}
    assert result.json()["run"]["target"]["host"] == root.name  # not the first line of shadow


# --- secrets in free text ------------------------------------------------------------------------------

def test_secrets_in_free_text_reach_no_byte_written(cli, tmp_path):
    root = host_tree("compliant", tmp_path)
    write(root, "/etc/fstab", (root / "etc/fstab").read_text()
          + f"//files/phi /mnt/phi cifs username=svc,password={SECRET},credentials=/root/{SECRET}.cred 0 0\n"
          + f"//svc:{SECRET}@files/x /mnt/x cifs defaults 0 0\n")
    write(root, "/etc/pam.d/system-auth", (root / "etc/pam.d/system-auth").read_text()
          + f"auth sufficient pam_ldap.so bindpw={SECRET} uri=ldaps://admin:{SECRET}@ldap.example try_first_pass\n"
          + f"session optional pam_exec.so /usr/local/bin/hook --token {SECRET}\n")
    write(root, "/etc/sudoers", (root / "etc/sudoers").read_text()
          + f'Defaults mailto="{SECRET}@example.org"\nDefaults env_keep += "{SECRET}"\n'
          + f"Defaults:ops lecture_file=/etc/{SECRET}, timestamp_timeout=5\n")
    write(root, "/etc/login.defs", (root / "etc/login.defs").read_text() + f"SITE_LDAP_BIND_PASSWORD {SECRET}\n")
    write(root, "/etc/rsyslog.d/90-more.conf", f"*.* @@svc:{SECRET}@logs.example:514\n"
          + f'*.* action(type="omfwd" target="svc:{SECRET}@logs2.example" port="6514" protocol="tcp")\n')
    write(root, "/etc/ssh/sshd_config.d/20-env.conf", f"SetEnv API_TOKEN={SECRET}\n"
          + f"AuthorizedKeysCommand /usr/bin/keys --secret {SECRET}\n")
    blobs, result = everything_written(cli, root, tmp_path)
    assert_nowhere(blobs, SECRET)
    by_control = findings_by_control(result)
    assert {f["status"] for f in by_control["host.logs.forwarded"]} == {"pass"}  # what checks need survives
    assert {f["status"] for f in by_control["host.sudo.timestamp_timeout"]} == {"pass"}
    assert {f["status"] for f in by_control["host.pam.no_nullok"]} == {"pass"}


def test_a_collector_bug_names_its_place_not_the_text_it_choked_on(tmp_path, monkeypatch):
    from hipaacheck.sources.host import login_defs
    from hipaacheck.sources.host.source import HostSource

    def choke(text: str, **_):
        return {}[text.split()[1]]  # KeyError: '<the content>'

    monkeypatch.setattr(login_defs, "parse_key_value", choke)
    root = tree(tmp_path, {"/etc/login.defs": f"SITE_KEY {SECRET}\n"})
    (error,) = HostSource(root).collect({"host.login_defs"}).errors
    assert SECRET not in error.message and "KeyError at test_host_hostile.py:" in error.message
