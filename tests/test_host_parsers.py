"""Host parsers and checks on small trees built in tmp_path: the sshd, PAM, audit, logrotate... rules that matter."""
from __future__ import annotations

from pathlib import Path

import pytest

from hipaacheck.engine import run_check
from hipaacheck.model import Resource
from hipaacheck.registry import get_check, load_all
from hipaacheck.sources.host.registry import load_collectors as _load_collectors
from hipaacheck.sources.host.accounts import password_status
from hipaacheck.sources.host.files import HostContext
from hipaacheck.sources.host.parsing import parse_time_span
from hipaacheck.sources.host.sshd import convtime
from hipaacheck.sources.host.updates import parse_apt_conf
from test_host_trees import write

load_all()


def tree(root: Path, files: dict[str, str]) -> Path:
    for host_path, text in files.items():
        write(root, host_path, text)
    return root


def collect(root: Path, resource_type: str) -> Resource:
    (resource,) = _load_collectors()[resource_type](HostContext(root))
    return resource


def run(check_id: str, resource: Resource, **params) -> list:
    spec = get_check(check_id)

    class Active:  # the engine needs only the control's check id and the effective params
        control = type("C", (), {"check": check_id})()

    Active.params = {**spec.defaults(), **params}
    return run_check(Active, resource)


def statuses(outcomes) -> list[str]:
    return [o.status for o in outcomes]


# --- sshd -----------------------------------------------------------------------------------------

def test_sshd_include_is_read_in_place_so_it_wins_over_a_later_main_line(tmp_path):
    root = tree(tmp_path, {
        "/etc/ssh/sshd_config": "Include sshd_config.d/*.conf\nPermitRootLogin yes\n",
        "/etc/ssh/sshd_config.d/50-root.conf": "permitrootlogin NO\n",
    })
    sshd = collect(root, "host.sshd")
    assert sshd.attributes["settings"]["permitrootlogin"] == "no"
    assert sshd.attributes["locations"]["permitrootlogin"] == {"path": "/etc/ssh/sshd_config.d/50-root.conf", "line": 1}
    (outcome,) = run("host.sshd.option_in", sshd, keyword="permitrootlogin", allowed=["no"], default="prohibit-password")
    assert outcome.status == "pass" and outcome.location.path.endswith("50-root.conf")


def test_sshd_main_line_before_include_wins_first_value(tmp_path):
    root = tree(tmp_path, {
        "/etc/ssh/sshd_config": "MaxAuthTries=3\nInclude /etc/ssh/sshd_config.d/*.conf\n",
        "/etc/ssh/sshd_config.d/50.conf": "MaxAuthTries 9\n",
    })
    assert collect(root, "host.sshd").attributes["settings"]["maxauthtries"] == 3


def test_sshd_commented_directive_does_not_count(tmp_path):
    root = tree(tmp_path, {"/etc/ssh/sshd_config": "# PermitRootLogin no\n  #PermitRootLogin no\n",
                           "/usr/sbin/sshd": ""})
    sshd = collect(root, "host.sshd")
    assert "permitrootlogin" not in sshd.attributes["settings"]
    (outcome,) = run("host.sshd.option_in", sshd, keyword="permitrootlogin", allowed=["no"], default="prohibit-password")
    assert outcome.status == "fail" and "prohibit-password (default)" in outcome.message


def test_sshd_match_block_settings_are_not_global(tmp_path):
    root = tree(tmp_path, {"/etc/ssh/sshd_config": "PermitRootLogin no\nMatch User backup\n"
                                                   "  ClientAliveInterval 300\n  ClientAliveCountMax 1\n"
                                                   "  PermitRootLogin yes\n"})
    sshd = collect(root, "host.sshd")
    assert sshd.attributes["settings"] == {"permitrootlogin": "no"}
    assert sshd.attributes["match_blocks"][0]["criteria"] == "User backup"
    assert statuses(run("host.sshd.idle_timeout", sshd, max_seconds=900)) == ["fail"]
    # the global value passes, but the Match block that re-enables root login fails the control
    outcomes = run("host.sshd.option_in", sshd, keyword="permitrootlogin", allowed=["no"], default="x")
    assert statuses(outcomes) == ["pass", "fail"] and outcomes[1].location.line == 2


def test_sshd_match_inside_an_included_file_ends_with_that_file(tmp_path):
    root = tree(tmp_path, {"/etc/ssh/sshd_config": "Include extra.conf\nMaxAuthTries 2\n",
                           "/etc/ssh/extra.conf": "Match Group admins\n  MaxAuthTries 8\n"})
    sshd = collect(root, "host.sshd")
    assert sshd.attributes["settings"]["maxauthtries"] == 2
    assert sshd.attributes["match_blocks"][0]["settings"] == {"maxauthtries": 8}


def test_sshd_missing_config_uses_defaults_when_installed_and_skips_when_not(tmp_path):
    installed = tree(tmp_path / "a", {"/usr/sbin/sshd": ""})
    sshd = collect(installed, "host.sshd")
    assert statuses(run("host.sshd.idle_timeout", sshd)) == ["fail"]
    assert statuses(run("host.sshd.option_in", sshd, keyword="permitemptypasswords", allowed=["no"],
                        default="no")) == ["pass"]
    assert statuses(run("host.sshd.algorithms", sshd, keyword="macs")) == ["fail"]  # default MACs include SHA-1
    assert statuses(run("host.sshd.algorithms", sshd, keyword="ciphers")) == ["pass"]
    (tmp_path / "b").mkdir()
    assert statuses(run("host.sshd.idle_timeout", collect(tmp_path / "b", "host.sshd"))) == ["skip"]


@pytest.mark.parametrize("text, problem", [
    ("MaxAuthTries\n", "missing argument"),
    ("ClientAliveInterval soon\n", "number"),
    ("Include loop.conf\n", "deeper"),
])
def test_sshd_malformed_config_makes_resource_unreadable(tmp_path, text, problem):
    files = {"/etc/ssh/sshd_config": text}
    if "loop" in text:
        files["/etc/ssh/loop.conf"] = "Include loop.conf\n"
    sshd = collect(tree(tmp_path, files), "host.sshd")
    assert problem in sshd.unreadable["*"]
    (outcome,) = run("host.sshd.option_in", sshd, keyword="permitrootlogin", allowed=["no"], default="x")
    assert outcome.status == "error"


def test_sshd_time_and_algorithm_list_modifiers(tmp_path):
    assert convtime("1h30m") == 5400 and convtime("300") == 300
    with pytest.raises(ValueError):
        convtime("5 minutes")
    sshd = collect(tree(tmp_path, {"/etc/ssh/sshd_config": "Ciphers +aes128-cbc\nMACs -*sha1*,umac-64*\n"}),
                   "host.sshd")
    (ciphers,) = run("host.sshd.algorithms", sshd, keyword="ciphers")
    assert ciphers.status == "fail" and ciphers.evidence["weak"] == ["aes128-cbc"]
    assert statuses(run("host.sshd.algorithms", sshd, keyword="macs")) == ["pass"]


@pytest.mark.parametrize("config, expected", [
    ("PasswordAuthentication no\nKbdInteractiveAuthentication no\n", "pass"),
    ("PasswordAuthentication no\n", "pass"),  # UsePAM defaults to no, so keyboard-interactive has no password
    ("PasswordAuthentication no\nUsePAM yes\n", "fail"),
    ("AuthenticationMethods publickey password\n", "fail"),
    ("AuthenticationMethods publickey,password\n", "pass"),
])
def test_sshd_no_password_only(tmp_path, config, expected):
    sshd = collect(tree(tmp_path, {"/etc/ssh/sshd_config": config}), "host.sshd")
    assert statuses(run("host.sshd.no_password_only", sshd))[0] == expected


def test_sshd_second_factor_through_pam(tmp_path):
    config = ("PasswordAuthentication no\nPubkeyAuthentication no\nKbdInteractiveAuthentication yes\nUsePAM yes\n")
    root = tree(tmp_path, {"/etc/ssh/sshd_config": config,
                           "/etc/pam.d/sshd": "auth include common-auth\n",
                           "/etc/pam.d/common-auth": "auth required pam_unix.so\nauth required pam_u2f.so\n"})
    (outcome,) = run("host.sshd.second_factor", collect(root, "host.sshd"))
    assert outcome.status == "pass" and outcome.location.path == "/etc/pam.d/common-auth"
    write(root, "/etc/pam.d/common-auth", "auth required pam_unix.so\n")
    assert statuses(run("host.sshd.second_factor", collect(root, "host.sshd"))) == ["fail"]


# --- PAM, faillock, pwquality ------------------------------------------------------------------------

def test_pam_include_substack_and_at_include_expand_with_origin(tmp_path):
    root = tree(tmp_path, {
        "/etc/pam.d/login": "auth substack system-auth\n@include common-session\naccount include system-auth\n",
        "/etc/pam.d/system-auth": "auth\trequired\tpam_faillock.so preauth\naccount required pam_unix.so\n"
                                  "password requisite pam_pwquality.so\n",
        "/etc/pam.d/common-session": "session [success=ok default=bad] pam_unix.so \\\n  quiet\n",
    })
    stack = collect(root, "host.pam").attributes["services"]["login"]
    assert [(e["type"], e["module"], e["path"]) for e in stack] == [
        ("auth", "pam_faillock.so", "/etc/pam.d/system-auth"),
        ("session", "pam_unix.so", "/etc/pam.d/common-session"),
        ("account", "pam_unix.so", "/etc/pam.d/system-auth"),
    ]
    assert stack[1]["control"] == "[success=ok default=bad]" and stack[1]["args"] == ["quiet"]


def test_pam_bad_line_and_include_loop_mark_only_that_service(tmp_path):
    root = tree(tmp_path, {"/etc/pam.d/bad": "authenticate required pam_unix.so\n",
                           "/etc/pam.d/loop": "auth include loop\n",
                           "/etc/pam.d/good": "auth required pam_unix.so\n"})
    pam = collect(root, "host.pam")
    assert "unknown PAM type" in pam.unreadable["services.bad"]
    assert "deeper" in pam.unreadable["services.loop"]
    assert "good" in pam.attributes["services"]
    assert statuses(run("host.pam.no_nullok", pam)) == ["error"]


def test_pam_arguments_keep_only_flags_and_known_policy_values(tmp_path):
    root = tree(tmp_path, {"/etc/pam.d/sshd": "auth required pam_mysql.so user=pam passwd=hunter2 host=db\n"
                                              "auth required pam_faillock.so preauth deny=4 dir=/run/faillock\n"})
    first, second = collect(root, "host.pam").attributes["services"]["sshd"]
    assert first["args"] == ["user=<redacted>", "passwd=<redacted>", "host=<redacted>"]
    assert second["args"] == ["preauth", "deny=4", "dir=/run/faillock"]


def test_faillock_pam_argument_overrides_file_and_unused_module_fails(tmp_path):
    root = tree(tmp_path, {"/etc/security/faillock.conf": "deny = 3\n",
                           "/etc/pam.d/system-auth": "auth required pam_faillock.so preauth deny=8\n"
                                                     "auth [default=die] pam_faillock.so authfail deny=8\n"
                                                     "account required pam_faillock.so\n"})
    resource = collect(root, "host.faillock")
    outcomes = run("host.faillock.deny", resource, max_deny=5)
    assert [(o.status, o.evidence["deny"], o.location.path, o.location.line) for o in outcomes] == [
        ("fail", 8, "/etc/pam.d/system-auth", 1), ("fail", 8, "/etc/pam.d/system-auth", 2)]
    write(root, "/etc/pam.d/system-auth", "auth required pam_unix.so\n")
    (outcome,) = run("host.faillock.deny", collect(root, "host.faillock"), max_deny=5)
    assert outcome.status == "fail" and "no PAM stack" in outcome.message


def test_pwquality_dropin_wins_over_main_file(tmp_path):
    root = tree(tmp_path, {"/etc/security/pwquality.conf": "minlen = 8\n",
                           "/etc/security/pwquality.conf.d/50.conf": "minlen = 15\n",
                           "/etc/pam.d/system-auth": "password requisite pam_pwquality.so\n"})
    (outcome,) = run("host.pwquality.minimum", collect(root, "host.pwquality"), setting="minlen", min=14, default=8)
    assert outcome.status == "pass" and outcome.location.path.endswith("50.conf")


# --- shell, systemd ------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("TMOUT=600; readonly TMOUT; export TMOUT\n", ["pass"]),
    ("declare -rx TMOUT=600\n", ["pass"]),
    ("TMOUT=600\nexport TMOUT\n", ["fail"]),                      # not readonly
    ("readonly TMOUT=600\n# TMOUT=99999\n", ["pass"]),             # comment ignored
    ("readonly TMOUT=600\nif true; then TMOUT=3600; fi\n", ["fail"]),
    ("readonly TMOUT=${T:-600}\n", ["fail"]),
])
def test_shell_tmout(tmp_path, text, expected):
    root = tree(tmp_path, {"/etc/profile.d/timeout.sh": text})
    assert statuses(run("host.shell.tmout", collect(root, "host.shell_timeout"), max_seconds=900)) == expected


def test_time_spans():
    assert parse_time_span("15min") == 900 and parse_time_span("1h 30min") == 5400 and parse_time_span("600") == 600
    assert parse_time_span("infinity") is None
    with pytest.raises(ValueError):
        parse_time_span("soon")


def test_logind_dropin_overrides_main_and_etc_overrides_usr_lib(tmp_path):
    root = tree(tmp_path, {"/etc/systemd/logind.conf": "[Login]\nStopIdleSessionSec=300\n",
                           "/usr/lib/systemd/logind.conf.d/10-x.conf": "[Login]\nStopIdleSessionSec=5\n",
                           "/etc/systemd/logind.conf.d/10-x.conf": "[Login]\nStopIdleSessionSec=2h\n"})
    logind = collect(root, "host.logind")
    assert logind.attributes["stop_idle_session_sec"] == 7200
    assert logind.attributes["locations"]["StopIdleSessionSec"]["path"] == "/etc/systemd/logind.conf.d/10-x.conf"


# --- audit, logs -----------------------------------------------------------------------------------------

def test_audit_rules_d_preferred_and_watch_forms_normalised(tmp_path):
    root = tree(tmp_path, {
        "/etc/audit/audit.rules": "-w /etc/shadow -p wa\n-e 2\n",
        "/etc/audit/rules.d/a.rules": "-a always,exit -F arch=b64 -F path=/etc/shadow -F perm=wa -k id\n"
                                      "-w /etc/sudoers.d/ -p w\n-e 2\n-w /etc/passwd -p wa\n",
    })
    rules = collect(root, "host.audit_rules")
    assert rules.attributes["source"] == "rules.d"
    # augenrules emits the last -e at the end, so the rule after it in a.rules still loads
    assert rules.attributes["enabled"] == 2 and rules.attributes["immutable_last"] is True
    assert [w["target"] for w in rules.attributes["watches"]][-1] == "/etc/passwd"
    outcomes = run("host.audit.watches", rules, paths=["/etc/shadow", "/etc/sudoers.d/admins", "/etc/group"], perms="wa")
    assert statuses(outcomes) == ["pass", "fail", "fail"]  # sudoers.d only for w; group not watched


def test_logrotate_retention_days(tmp_path):
    root = tree(tmp_path, {
        "/etc/logrotate.conf": "daily\nrotate 7\ninclude /etc/logrotate.d\n/var/log/wtmp {\n monthly\n}\n",
        "/etc/logrotate.d/syslog": '"/var/log/messages" /var/log/secure {\n    weekly\n    rotate 60\n    maxage 400\n}\n',
        "/etc/logrotate.d/syslog.rpmsave": "/var/log/messages {\n rotate 1\n}\n",
        "/etc/logrotate.d/auth": "/var/log/auth.log {\n    size 10M\n    nodaily\n}\n",
    })
    lr = collect(root, "host.logrotate")
    assert [b["days"] for b in lr.attributes["blocks"]] == [None, 400, 210]  # size after daily: size-based
    outcomes = run("host.logrotate.retention", lr, min_days=365)
    assert [(o.item, o.status) for o in outcomes] == [("/var/log/auth.log", "fail"),
                                                      ("/var/log/messages, /var/log/secure", "pass")]


def test_log_forwarding_forms(tmp_path):
    root = tree(tmp_path, {
        "/etc/rsyslog.conf": "#*.* @@commented:514\n$ActionSendStreamDriverMode 1\n*.* @@(o)tcp.example:6514\n",
        "/etc/rsyslog.d/a.conf": 'auth.* action(type="omfwd"\n  Target="udp.example" Port="514")\n',
    })
    forwards = collect(root, "host.log_forwarding").attributes["forwards"]
    assert [(f["target"], f["protocol"], f["tls"], f["line"]) for f in forwards] == [
        ("tcp.example", "tcp", True, 3), ("udp.example", "udp", False, 1)]


def test_log_forwarding_commented_only_fails(tmp_path):
    root = tree(tmp_path, {"/etc/rsyslog.conf": "# *.* @@loghost:514\n"})
    assert collect(root, "host.log_forwarding").attributes["forwards"] == []


def test_journald_auto_depends_on_journal_folder(tmp_path):
    from hipaacheck.controls import builtin_controls

    control = builtin_controls().controls["host.journald.persistent"]
    root = tree(tmp_path, {"/etc/systemd/journald.conf": "[Journal]\n#Storage=auto\n"})
    params = control.params
    assert statuses(run("attribute", collect(root, "host.journald"), **params)) == ["fail"]
    (root / "var/log/journal").mkdir(parents=True)
    assert statuses(run("attribute", collect(root, "host.journald"), **params)) == ["pass"]


# --- storage, updates, accounts, sudo ------------------------------------------------------------------------

def test_storage_classification(tmp_path):
    root = tree(tmp_path, {
        "/etc/fstab": "/dev/mapper/vg--data-lv_home /home xfs defaults 0 0\n/dev/nvme0n1p3 /srv ext4 defaults 0 0\n"
                      "UUID=abcd /var xfs defaults 0 0\n/dev/mapper/luks-x /opt xfs defaults 0 0\n",
        "/etc/crypttab": "luks-x UUID=1 none luks\nluks-pv UUID=2 none\n",
        "/etc/lvm/backup/vg-data": 'vg {\n  pv0 {\n    device = "/dev/mapper/luks-pv"\n  }\n}\n',
    })
    outcomes = run("host.storage.encrypted", collect(root, "host.storage"), kind="filesystems")
    assert sorted((o.item, o.status) for o in outcomes) == [
        ("/home", "pass"), ("/opt", "pass"), ("/srv", "fail"), ("/var", "error")]


def test_apt_conf_nested_and_flat():
    text = 'APT { Periodic { Unattended-Upgrade "1"; }; };\n// APT::Periodic::Unattended-Upgrade "0";\n'
    assert parse_apt_conf(text, "/x")["apt::periodic::unattended-upgrade"]["value"] == "1"
    with pytest.raises(ValueError):
        parse_apt_conf("APT {", "/x")


def test_apt_unattended_needs_the_package(tmp_path):
    root = tree(tmp_path, {"/etc/apt/apt.conf.d/20auto-upgrades": 'APT::Periodic::Unattended-Upgrade "1";\n'})
    assert statuses(run("host.updates.automatic", collect(root, "host.auto_updates"))) == ["fail"]
    write(root, "/usr/bin/unattended-upgrade", "")
    assert statuses(run("host.updates.automatic", collect(root, "host.auto_updates"))) == ["pass"]


@pytest.mark.parametrize("field, expected", [
    ("", {"status": "empty", "algorithm": None}),
    ("!!", {"status": "locked", "algorithm": None}),
    ("*", {"status": "locked", "algorithm": None}),
    ("!$6$salt$hash", {"status": "locked", "algorithm": "sha512"}),
    ("$y$j9T$salt$hash", {"status": "hashed", "algorithm": "yescrypt"}),
    ("$1$salt$hash", {"status": "hashed", "algorithm": "md5"}),
    ("abcdefghijklm", {"status": "hashed", "algorithm": "des"}),
])
def test_password_status_keeps_no_hash(field, expected):
    assert password_status(field) == expected


def test_sudoers_includes_and_findings(tmp_path):
    root = tree(tmp_path, {
        "/etc/sudoers": "Defaults env_reset, timestamp_timeout=30\n#includedir /etc/sudoers.d\n"
                        "# bob ALL=(ALL) NOPASSWD: ALL\n",
        "/etc/sudoers.d/ops": "ops ALL=(ALL) \\\n  NOPASSWD: /bin/ls\nDefaults:ops !authenticate\n",
        "/etc/sudoers.d/skip.conf": "eve ALL=(ALL) NOPASSWD: ALL\n",
        "/etc/sudoers.d/old~": "eve ALL=(ALL) NOPASSWD: ALL\n",
    })
    sudo = collect(root, "host.sudoers")
    assert sudo.attributes["files"] == ["/etc/sudoers", "/etc/sudoers.d/ops"]
    (nopasswd,) = run("host.sudo.no_nopasswd", sudo)
    assert nopasswd.status == "fail" and (nopasswd.location.path, nopasswd.location.line) == ("/etc/sudoers.d/ops", 1)
    assert statuses(run("host.sudo.authenticate", sudo)) == ["fail"]
    assert statuses(run("host.sudo.timestamp_timeout", sudo, max_minutes=15)) == ["fail"]


def test_file_modes_group_exception_for_ssh_keys(tmp_path):
    import os

    root = tree(tmp_path, {"/etc/group": "root:x:0:\nssh_keys:x:998:\n", "/etc/passwd": "root:x:0:0::/root:/bin/sh\n",
                           "/etc/ssh/ssh_host_rsa_key": "placeholder\n"})
    key = root / "etc/ssh/ssh_host_rsa_key"
    os.chmod(key, 0o640)
    params = {"paths": ["/etc/ssh/ssh_host_*_key"], "max_mode": "0600", "group_max_modes": {"ssh_keys": "0640"},
              "owners": [str(os.geteuid()), "root"], "groups": ["root", str(os.getegid())]}
    assert statuses(run("host.files.mode", collect(root, "host.file_modes"), **params)) == ["fail"]
    if os.geteuid() == 0:
        os.chown(key, 0, 998)
        assert statuses(run("host.files.mode", collect(root, "host.file_modes"), **params)) == ["pass"]


def test_pwquality_credit_arguments_are_policy_not_secrets():
    from hipaacheck.sources.host.redaction import pam_arg, pam_args

    assert pam_arg("dcredit=-1") == "dcredit=-1" and pam_arg("ocredit=-2") == "ocredit=-2"
    assert pam_arg("bindpw=hunter2") == "bindpw=<redacted>" and pam_arg("credentials=x") == "credentials=<redacted>"
    assert pam_arg("nullok") == "nullok" and pam_arg("/usr/local/bin/hook") == "<redacted>"
    assert pam_arg("uri=ldaps://u:pw@ldap") == "uri=<redacted>" and pam_arg("dir=/var/run/faillock") == "dir=/var/run/faillock"
    assert pam_args(["quiet", "/usr/bin/hook", "lowercasetoken", "debug"]) == ["quiet"] + ["<redacted>"] * 3
