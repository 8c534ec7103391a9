"""Adversarial host configurations: each once made a non-compliant host report ``pass``."""
from __future__ import annotations

from pathlib import Path

from test_host_parsers import collect, run, tree

SSHD = "/etc/ssh/sshd_config"
SSHD_BIN = {"/usr/sbin/sshd": ""}


def statuses(outcomes: list) -> list[str]:
    return [o.status for o in outcomes]


def sshd(tmp_path: Path, text: str, **extra: str) -> object:
    return collect(tree(tmp_path, {SSHD: text, **SSHD_BIN, **extra}), "host.sshd")


# sshd ---------------------------------------------------------------------------------------------

def test_sshd_trailing_comment_does_not_hide_a_yes(tmp_path: Path) -> None:
    resource = sshd(tmp_path, "PasswordAuthentication yes # until the keys are rolled out\n"
                              "ClientAliveInterval 300 # five minutes\nClientAliveCountMax 1\n")
    assert resource.attributes["settings"]["passwordauthentication"] == "yes"
    assert resource.attributes["settings"]["clientaliveinterval"] == 300
    assert "fail" in statuses(run("host.sshd.no_password_only", resource))


def test_sshd_hash_inside_a_word_is_not_a_comment(tmp_path: Path) -> None:
    resource = sshd(tmp_path, "Banner /etc/issue#net\n")
    assert resource.attributes["settings"]["banner"] == "/etc/issue#net"


def test_sshd_challenge_response_is_an_alias_first_one_wins(tmp_path: Path) -> None:
    resource = sshd(tmp_path, "Include /etc/ssh/sshd_config.d/*.conf\nKbdInteractiveAuthentication no\n"
                              "PasswordAuthentication no\nUsePAM yes\n",
                    **{"/etc/ssh/sshd_config.d/00-legacy.conf": "ChallengeResponseAuthentication yes\n"})
    assert resource.attributes["settings"]["kbdinteractiveauthentication"] == "yes"
    assert "fail" in statuses(run("host.sshd.no_password_only", resource))


def test_sshd_match_block_weakening_authentication_methods_fails(tmp_path: Path) -> None:
    resource = sshd(tmp_path, "PasswordAuthentication yes\nAuthenticationMethods publickey,password\n"
                              "Match User vendor\n  AuthenticationMethods password\n")
    assert "fail" in statuses(run("host.sshd.no_password_only", resource))
    assert "fail" in statuses(run("host.sshd.second_factor", resource))


def test_sshd_match_block_turning_on_keyboard_interactive_fails(tmp_path: Path) -> None:
    resource = sshd(tmp_path, "PasswordAuthentication no\nKbdInteractiveAuthentication no\nUsePAM yes\n"
                              "Match Address 10.0.0.0/8\n  KbdInteractiveAuthentication yes\n")
    assert statuses(run("host.sshd.no_password_only", resource))[0] == "pass"
    assert "fail" in statuses(run("host.sshd.no_password_only", resource))


def test_sshd_match_block_keeping_two_factors_passes(tmp_path: Path) -> None:
    resource = sshd(tmp_path, "AuthenticationMethods publickey,keyboard-interactive\n"
                              "Match User ops\n  AuthenticationMethods publickey,password\n")
    assert set(statuses(run("host.sshd.second_factor", resource))) == {"pass"}
    assert set(statuses(run("host.sshd.no_password_only", resource))) == {"pass"}


# PAM ----------------------------------------------------------------------------------------------

def test_pam_nullok_secure_accepts_empty_passwords(tmp_path: Path) -> None:
    resource = collect(tree(tmp_path, {
        "/etc/pam.d/common-auth": "auth [success=1 default=ignore] pam_unix.so nullok_secure # Debian\n"
                                  "auth requisite pam_deny.so\n"}), "host.pam")
    assert statuses(run("host.pam.no_nullok", resource)) == ["fail"]


FAILLOCK_STACK = ("auth required pam_faillock.so preauth {args}\nauth sufficient pam_unix.so\n"
                  "auth [default=die] pam_faillock.so authfail {args}\naccount required pam_faillock.so\n")


def test_faillock_weaker_argument_in_one_stack_fails(tmp_path: Path) -> None:
    resource = collect(tree(tmp_path, {
        "/etc/security/faillock.conf": "deny = 3\n",
        "/etc/pam.d/password-auth": FAILLOCK_STACK.format(args="deny=20"),
        "/etc/pam.d/system-auth": FAILLOCK_STACK.format(args="deny=3"),
    }), "host.faillock")
    assert "fail" in statuses(run("host.faillock.deny", resource))


def test_faillock_config_value_applies_where_no_argument_overrides(tmp_path: Path) -> None:
    resource = collect(tree(tmp_path, {
        "/etc/security/faillock.conf": "deny = 0\n",
        "/etc/pam.d/password-auth": FAILLOCK_STACK.format(args=""),
        "/etc/pam.d/system-auth": FAILLOCK_STACK.format(args="deny=3"),
    }), "host.faillock")
    assert "fail" in statuses(run("host.faillock.deny", resource))


def test_faillock_all_lines_overriding_a_weak_config_pass(tmp_path: Path) -> None:
    resource = collect(tree(tmp_path, {
        "/etc/security/faillock.conf": "deny = 0\n",
        "/etc/pam.d/system-auth": FAILLOCK_STACK.format(args="deny=3"),
    }), "host.faillock")
    assert statuses(run("host.faillock.deny", resource)) == ["pass"]


# shell TMOUT --------------------------------------------------------------------------------------

def test_tmout_unset_later_fails(tmp_path: Path) -> None:
    resource = collect(tree(tmp_path, {
        "/etc/profile": "",
        "/etc/profile.d/00-tmout.sh": "TMOUT=900\nexport TMOUT\n",
        "/etc/profile.d/50-dev.sh": "[ \"$USER\" = dev ] && unset TMOUT\n",
        "/etc/profile.d/99-lock.sh": "readonly TMOUT\n",
    }), "host.shell_timeout")
    assert "fail" in statuses(run("host.shell.tmout", resource))


def test_tmout_semicolon_readonly_passes(tmp_path: Path) -> None:
    resource = collect(tree(tmp_path, {"/etc/profile": "TMOUT=900 ; readonly TMOUT ; export TMOUT\n"}),
                       "host.shell_timeout")
    assert statuses(run("host.shell.tmout", resource)) == ["pass"]


# accounts -----------------------------------------------------------------------------------------

def test_shadow_first_entry_wins_like_getspnam(tmp_path: Path) -> None:
    resource = collect(tree(tmp_path, {
        "/etc/passwd": "root:x:0:0:root:/root:/bin/bash\nalice:x:1000:1000::/home/alice:/bin/bash\n",
        "/etc/shadow": "root:!:19000::::::\nalice::19000::::::\nalice:!$6$salt$hash:19000::::::\n",
        "/etc/group": "root:x:0:\n",
    }), "host.accounts")
    assert statuses(run("host.accounts.no_empty_passwords", resource)) == ["fail"]


# audit rules --------------------------------------------------------------------------------------

def test_audit_delete_all_in_audit_rules_drops_earlier_watches(tmp_path: Path) -> None:
    resource = collect(tree(tmp_path, {"/etc/audit/audit.rules": "-w /etc/shadow -p wa -k identity\n-D\n"}),
                       "host.audit_rules")
    assert statuses(run("host.audit.watches", resource, paths=["/etc/shadow"])) == ["fail"]


def test_audit_rules_after_immutable_never_load(tmp_path: Path) -> None:
    resource = collect(tree(tmp_path, {"/etc/audit/audit.rules": "-e 2\n-w /etc/shadow -p wa -k identity\n"}),
                       "host.audit_rules")
    assert statuses(run("host.audit.watches", resource, paths=["/etc/shadow"])) == ["fail"]


def test_audit_removed_watch_is_not_counted(tmp_path: Path) -> None:
    resource = collect(tree(tmp_path, {
        "/etc/audit/rules.d/30-identity.rules": "-w /etc/shadow -p wa -k identity\n",
        "/etc/audit/rules.d/90-noise.rules": "-W /etc/shadow -p wa -k identity\n",
    }), "host.audit_rules")
    assert statuses(run("host.audit.watches", resource, paths=["/etc/shadow"])) == ["fail"]


def test_augenrules_moves_delete_first_and_enable_last(tmp_path: Path) -> None:
    resource = collect(tree(tmp_path, {
        "/etc/audit/rules.d/10-base.rules": "-e 2\n",
        "/etc/audit/rules.d/30-identity.rules": "-w /etc/shadow -p wa -k identity\n-D\n",
    }), "host.audit_rules")
    assert resource.attributes["enabled"] == 2 and resource.attributes["immutable_last"] is True
    assert statuses(run("host.audit.watches", resource, paths=["/etc/shadow"])) == ["pass"]


# logrotate ----------------------------------------------------------------------------------------

def logrotate(tmp_path: Path, block: str) -> object:
    return collect(tree(tmp_path, {"/etc/logrotate.conf": "weekly\nrotate 4\ninclude /etc/logrotate.d\n",
                                   "/etc/logrotate.d/rsyslog": f"/var/log/secure {{\n{block}}}\n"}), "host.logrotate")


def test_logrotate_size_after_period_has_no_time_bound(tmp_path: Path) -> None:
    resource = logrotate(tmp_path, "  monthly\n  rotate 13\n  size 10M\n")
    assert statuses(run("host.logrotate.retention", resource)) == ["fail"]


def test_logrotate_maxsize_rotates_early(tmp_path: Path) -> None:
    resource = logrotate(tmp_path, "  monthly\n  rotate 13\n  maxsize 10M\n")
    assert statuses(run("host.logrotate.retention", resource)) == ["fail"]


def test_logrotate_period_after_size_is_time_bound(tmp_path: Path) -> None:
    resource = logrotate(tmp_path, "  size 10M\n  monthly\n  rotate 13\n")
    assert statuses(run("host.logrotate.retention", resource)) == ["pass"]


def test_logrotate_rotate_minus_one_keeps_everything(tmp_path: Path) -> None:
    resource = logrotate(tmp_path, "  daily\n  rotate -1\n")
    assert statuses(run("host.logrotate.retention", resource)) == ["pass"]
    capped = logrotate(tmp_path / "capped", "  daily\n  rotate -1\n  maxage 30\n")
    assert statuses(run("host.logrotate.retention", capped)) == ["fail"]


def test_audit_delete_by_key_keeps_other_rules(tmp_path: Path) -> None:
    resource = collect(tree(tmp_path, {"/etc/audit/rules.d/10.rules": "-w /etc/shadow -p wa -k identity\n"
                                                                      "-w /etc/hosts -p wa -k net\n-D -k net\n"}),
                       "host.audit_rules")
    assert [w["target"] for w in resource.attributes["watches"]] == ["/etc/shadow"]


def test_audit_immutable_not_last_in_audit_rules_fails(tmp_path: Path) -> None:
    resource = collect(tree(tmp_path, {"/etc/audit/audit.rules": "-e 2\n-w /etc/shadow -p wa\n"}),
                       "host.audit_rules")
    assert resource.attributes["enabled"] == 2 and resource.attributes["immutable_last"] is False


def test_logrotate_maxage_does_not_bound_size_rotation(tmp_path: Path) -> None:
    resource = logrotate(tmp_path, "  size 1M\n  rotate 2\n  maxage 400\n")
    assert statuses(run("host.logrotate.retention", resource)) == ["fail"]
