"""Host judgements against what the software really does (issue 11): each test is an input that was judged
wrongly, laid out as Debian 12 or RHEL 9 ship it (``distro_layouts``), with the outcome the host really has."""
from __future__ import annotations

from pathlib import Path

import pytest

from distro_layouts import (AUDIT_RULES_UNIT, AUDIT_RULES_UNIT_PATH, AUDITD_UNIT, AUDITD_UNIT_AUDIT4,
                            AUDITD_UNIT_PATH, DEBIAN_CHRONY, DEBIAN_CHRONY_CONF, DEBIAN_COMMON_AUTH, DEBIAN_VERSION,
                            RHEL_SYSTEM_AUTH, debian_pam, rhel_pam)
from hipaacheck.sources.host.audit import version_key
from test_host_parsers import collect, run, statuses, tree

LOCKOUT = ("host.faillock.deny", "host.faillock.unlock_time")


def lockout_statuses(root: Path) -> dict[str, list[str]]:
    """Status of the three lockout controls' checks on the tree at ``root``."""
    found = {"host.pam.faillock_counts": statuses(run("host.pam.faillock_counts", collect(root, "host.pam")))}
    faillock = collect(root, "host.faillock")
    found.update({check: statuses(run(check, faillock)) for check in LOCKOUT})
    return found


# --- 1. pam_faillock must record failures --------------------------------------------------------

def test_debian_preauth_only_locks_nothing_and_fails_all_three_lockout_checks(tmp_path: Path) -> None:
    common_auth = "auth requisite pam_faillock.so preauth\n" + DEBIAN_COMMON_AUTH.split("\n", 2)[2].replace(
        "auth\t[default=die]\t\t\tpam_faillock.so authfail\nauth\tsufficient\t\t\tpam_faillock.so authsucc\n", "")
    account = "account\trequired\t\t\tpam_permit.so\n"
    root = tree(tmp_path, debian_pam(common_auth=common_auth, common_account=account))
    assert lockout_statuses(root) == {"host.pam.faillock_counts": ["fail"], "host.faillock.deny": ["fail"],
                                      "host.faillock.unlock_time": ["fail"]}
    (outcome,) = run("host.faillock.deny", collect(root, "host.faillock"))
    assert "no auth line with authfail records a failure" in outcome.message


def test_debian_documented_stack_with_common_account_passes(tmp_path: Path) -> None:
    assert set(sum(lockout_statuses(tree(tmp_path, debian_pam())).values(), [])) == {"pass"}


def test_debian_authsucc_form_without_an_account_line_passes(tmp_path: Path) -> None:
    """pam_faillock(8)'s second example: authsucc both refuses a locked account and resets the count."""
    auth = DEBIAN_COMMON_AUTH.replace("auth\trequisite\t\t\tpam_faillock.so preauth\n", "")
    root = tree(tmp_path, debian_pam(common_auth=auth, common_account="account required pam_unix.so\n"))
    assert set(sum(lockout_statuses(root).values(), [])) == {"pass"}


@pytest.mark.parametrize("drop, missing", [
    ("auth        required                                     pam_faillock.so authfail\n", "authfail"),
    ("auth        required                                     pam_faillock.so preauth silent\n", "preauth"),
    ("account     required                                     pam_faillock.so\n", "account line"),
])
def test_rhel_stack_missing_one_part_of_faillock_fails(tmp_path: Path, drop: str, missing: str) -> None:
    assert drop in RHEL_SYSTEM_AUTH
    root = tree(tmp_path, rhel_pam(RHEL_SYSTEM_AUTH.replace(drop, "")))
    outcomes = run("host.pam.faillock_counts", collect(root, "host.pam"))
    assert statuses(outcomes) == ["fail", "fail"] and all(missing in o.message for o in outcomes)
    assert statuses(run("host.faillock.deny", collect(root, "host.faillock"))) == ["fail"]


def test_rhel_authselect_with_faillock_passes(tmp_path: Path) -> None:
    found = lockout_statuses(tree(tmp_path, rhel_pam()))
    assert found["host.pam.faillock_counts"] == ["pass", "pass"]
    assert set(sum(found.values(), [])) == {"pass"}


def test_last_mode_word_of_a_line_is_its_mode(tmp_path: Path) -> None:
    """pam_faillock keeps the last mode word: ``authfail preauth`` is a preauth line that records nothing."""
    text = RHEL_SYSTEM_AUTH.replace("pam_faillock.so authfail", "pam_faillock.so authfail preauth")
    root = tree(tmp_path, rhel_pam(text))
    assert statuses(run("host.pam.faillock_counts", collect(root, "host.pam"))) == ["fail", "fail"]


def test_faillock_counts_unreadable_stack_is_an_error(tmp_path: Path) -> None:
    root = tree(tmp_path, rhel_pam())
    (root / "etc/pam.d/password-auth").unlink()
    (root / "etc/pam.d/password-auth").mkdir()  # a folder where a file is expected: unreadable, even as root
    assert "error" in statuses(run("host.pam.faillock_counts", collect(root, "host.pam")))


# --- 2, 3. chrony reads what sourcedir, confdir and include name ----------------------------------

NO_POOL = DEBIAN_CHRONY_CONF.replace("pool 2.debian.pool.ntp.org iburst\n", "")
NTP_SOURCES = {"/etc/chrony/sources.d/ntp.sources": "server 0.pool.ntp.org iburst\n"}


def time_sources(root: Path) -> tuple[str, list[str]]:
    resource = collect(root, "host.time_sync")
    (outcome,) = run("host.time_sync.configured", resource)
    return outcome.status, [s["host"] for s in resource.attributes.get("sources", [])]


def test_chrony_sources_d_named_by_no_sourcedir_is_not_read(tmp_path: Path) -> None:
    conf = "# sourcedir /etc/chrony/sources.d\ndriftfile /var/lib/chrony/chrony.drift\n"
    root = tree(tmp_path, {**DEBIAN_VERSION, DEBIAN_CHRONY: conf, **NTP_SOURCES})
    assert time_sources(root) == ("fail", [])


def test_chrony_debian_layout_reads_sources_d(tmp_path: Path) -> None:
    root = tree(tmp_path, {**DEBIAN_VERSION, DEBIAN_CHRONY: NO_POOL, **NTP_SOURCES})
    status, hosts = time_sources(root)
    assert status == "pass" and hosts == ["0.pool.ntp.org"]


def test_chrony_custom_sourcedir_is_followed(tmp_path: Path) -> None:
    conf = NO_POOL.replace("sourcedir /etc/chrony/sources.d", "sourcedir /etc/chrony/sources2.d")
    root = tree(tmp_path, {**DEBIAN_VERSION, DEBIAN_CHRONY: conf,
                           "/etc/chrony/sources2.d/custom.sources": "pool time.example.org iburst\n",
                           **NTP_SOURCES})  # sources.d is no longer named: not read
    assert time_sources(root) == ("pass", ["time.example.org"])


def test_chrony_confdir_and_include_are_followed_and_may_name_a_sourcedir(tmp_path: Path) -> None:
    conf = "confdir /etc/chrony/conf.d /usr/share/chrony/conf.d\ninclude /etc/chrony/extra/*.conf\n"
    root = tree(tmp_path, {**DEBIAN_VERSION, DEBIAN_CHRONY: conf,
                           "/etc/chrony/conf.d/10-site.conf": "sourcedir /srv/chrony\n",
                           "/usr/share/chrony/conf.d/10-site.conf": "server hidden.example.org\n",  # same name: hidden
                           "/usr/share/chrony/conf.d/20-vendor.conf": "server vendor.example.org\n",
                           "/etc/chrony/extra/a.conf": "! a comment\nserver extra.example.org\n",
                           "/srv/chrony/site.sources": "server site.example.org\n"})
    status, hosts = time_sources(root)
    assert status == "pass" and sorted(hosts) == ["extra.example.org", "site.example.org", "vendor.example.org"]


def test_chrony_reads_the_one_file_of_its_build(tmp_path: Path) -> None:
    """Debian's chronyd reads /etc/chrony/chrony.conf; a stray /etc/chrony.conf there is not read."""
    root = tree(tmp_path, {**DEBIAN_VERSION, DEBIAN_CHRONY: "driftfile /var/lib/chrony/drift\n",
                           "/etc/chrony.conf": "server stray.example.org\n"})
    assert time_sources(root) == ("fail", [])


def test_chrony_unreadable_sources_file_is_an_error(tmp_path: Path) -> None:
    root = tree(tmp_path, {**DEBIAN_VERSION, DEBIAN_CHRONY: NO_POOL})
    (root / "etc/chrony/sources.d/bad.sources").mkdir(parents=True)
    assert run("host.time_sync.configured", collect(root, "host.time_sync"))[0].status == "error"


# --- 4. audit rules: judge the set that loads ------------------------------------------------------

RULES_D_WATCH = {"/etc/audit/rules.d/30-identity.rules": "-w /etc/shadow -p wa -k identity\n"}


def shadow_watch(root: Path) -> tuple[str, dict]:
    (outcome,) = run("host.audit.watches", collect(root, "host.audit_rules"), paths=["/etc/shadow"])
    return outcome.status, outcome.evidence


def test_auditctl_in_an_etc_override_loads_audit_rules_not_rules_d(tmp_path: Path) -> None:
    override = AUDITD_UNIT.replace("ExecStartPost=-/sbin/augenrules --load\n#ExecStartPost=-/sbin/auditctl",
                                   "#ExecStartPost=-/sbin/augenrules --load\nExecStartPost=-/sbin/auditctl")
    root = tree(tmp_path, {AUDITD_UNIT_PATH: AUDITD_UNIT, "/etc/systemd/system/auditd.service": override,
                           "/etc/audit/audit.rules": "-w /etc/shadow -p wa -k identity\n",
                           "/etc/audit/rules.d/10-empty.rules": "-D\n"})
    status, evidence = shadow_watch(root)
    assert status == "pass" and "/etc/audit/audit.rules by auditctl -R /etc/audit/audit.rules" in evidence["rules"]
    assert "/etc/systemd/system/auditd.service:" in evidence["rules"]


def test_auditctl_drop_in_replacing_exec_start_post_loads_audit_rules(tmp_path: Path) -> None:
    dropin = "[Service]\nExecStartPost=\nExecStartPost=-/sbin/auditctl -R /etc/audit/audit.rules\n"
    root = tree(tmp_path, {AUDITD_UNIT_PATH: AUDITD_UNIT, "/etc/systemd/system/auditd.service.d/rules.conf": dropin,
                           "/etc/audit/audit.rules": "-w /etc/shadow -p wa\n", **RULES_D_WATCH})
    (root / "etc/audit/audit.rules").write_text("-w /etc/passwd -p wa\n")  # rules.d watches shadow; audit.rules not
    status, evidence = shadow_watch(root)
    assert status == "fail" and "auditctl -R" in evidence["rules"] and "rules.conf:3" in evidence["rules"]


def test_packaged_unit_with_augenrules_judges_rules_d(tmp_path: Path) -> None:
    root = tree(tmp_path, {AUDITD_UNIT_PATH: AUDITD_UNIT, "/etc/audit/audit.rules": "-D\n", **RULES_D_WATCH})
    status, evidence = shadow_watch(root)
    assert status == "pass" and evidence["rules"].startswith("/etc/audit/rules.d by augenrules --load")
    assert f"{AUDITD_UNIT_PATH}:26" in evidence["rules"]


def test_audit4_rules_unit_loads_with_augenrules(tmp_path: Path) -> None:
    root = tree(tmp_path, {AUDITD_UNIT_PATH: AUDITD_UNIT_AUDIT4, AUDIT_RULES_UNIT_PATH: AUDIT_RULES_UNIT,
                           **RULES_D_WATCH})
    status, evidence = shadow_watch(root)
    assert status == "pass" and AUDIT_RULES_UNIT_PATH in evidence["rules"]


def test_units_loading_no_rules_fail_saying_so(tmp_path: Path) -> None:
    root = tree(tmp_path, {AUDITD_UNIT_PATH: AUDITD_UNIT_AUDIT4, **RULES_D_WATCH})
    status, evidence = shadow_watch(root)
    assert status == "fail" and "auditd.service run neither augenrules --load nor auditctl -R" in evidence["rules"]


def test_unreadable_unit_makes_the_rules_unreadable(tmp_path: Path) -> None:
    root = tree(tmp_path, RULES_D_WATCH)
    (root / "etc/systemd/system/auditd.service").mkdir(parents=True)
    assert shadow_watch(root)[0] == "error"


def test_immutable_message_names_the_rules_that_load(tmp_path: Path) -> None:
    from aws_helpers import evaluate_control  # the engine path with the shipped control
    from hipaacheck.inventory import Inventory

    root = tree(tmp_path, {AUDITD_UNIT_PATH: AUDITD_UNIT, "/etc/audit/rules.d/99-finalize.rules": "-e 2\n"})
    inventory = Inventory("host", "2026-01-01T00:00:00+00:00", ["host.audit_rules"],
                          resources=[collect(root, "host.audit_rules")])
    (finding,) = evaluate_control("host.audit.immutable", inventory)
    assert finding.status == "pass" and "rules: /etc/audit/rules.d by augenrules --load" in finding.message


# --- 5. never rules, ls -v order, faillock dir= ---------------------------------------------------

@pytest.mark.parametrize("never, expected", [
    ("-a never,exit -F path=/etc/shadow", "fail"),
    ("-a never,exit -F dir=/etc -F perm=wa", "fail"),
    ("-a never,exit -F arch=b64 -S openat", "fail"),  # drops the openat records of every file, the watched one too
    ("-a never,exit -F dir=/var/log", "pass"),        # another folder
    ("-a never,exit -F path=/etc/shadow -F perm=r", "pass"),  # reads only: writes still recorded
    ("-a never,exit -F path=/etc/shadow -F auid=1000", "pass"),  # one user exempted: not counted
])
def test_never_rule_before_a_watch_suppresses_it(tmp_path: Path, never: str, expected: str) -> None:
    root = tree(tmp_path, {"/etc/audit/rules.d/10-never.rules": never + "\n", **RULES_D_WATCH})
    status, evidence = shadow_watch(root)
    assert status == expected
    if expected == "fail":
        assert evidence["suppressed_by"] == "/etc/audit/rules.d/10-never.rules:1"


def test_never_rule_after_a_watch_does_not_suppress_it_but_prepended_does(tmp_path: Path) -> None:
    root = tree(tmp_path, {"/etc/audit/rules.d/90-never.rules": "-a never,exit -F path=/etc/shadow\n",
                           **RULES_D_WATCH})
    assert shadow_watch(root)[0] == "pass"
    (root / "etc/audit/rules.d/90-never.rules").write_text("-A never,exit -F path=/etc/shadow\n")
    assert shadow_watch(root)[0] == "fail"


def test_rules_d_loads_in_ls_v_order(tmp_path: Path) -> None:
    """augenrules lists rules.d with ``ls -1v``: 9-... before 10-..., so the later -W removes the watch."""
    root = tree(tmp_path, {"/etc/audit/rules.d/9-identity.rules": "-w /etc/shadow -p wa -k identity\n",
                           "/etc/audit/rules.d/10-cleanup.rules": "-W /etc/shadow -p wa -k identity\n"})
    resource = collect(root, "host.audit_rules")
    assert resource.attributes["files"] == ["/etc/audit/rules.d/9-identity.rules",
                                            "/etc/audit/rules.d/10-cleanup.rules"]
    assert shadow_watch(root)[0] == "fail"
    assert sorted(["a10.rules", "a9.rules", "a9b.rules", "b.rules"], key=version_key) == [
        "a9.rules", "a9b.rules", "a10.rules", "b.rules"]


@pytest.mark.parametrize("conf, watched, expected", [
    ("", "/var/run/faillock", "pass"),
    ("dir = /var/lib/faillock\n", "/var/run/faillock", "fail"),
    ("dir = /var/lib/faillock\n", "/var/lib/faillock", "pass"),
])
def test_login_events_watch_the_faillock_dir_of_faillock_conf(tmp_path: Path, conf: str, watched: str,
                                                              expected: str) -> None:
    root = tree(tmp_path, {"/etc/security/faillock.conf": conf,
                           "/etc/audit/rules.d/50-login.rules": f"-w /var/log/lastlog -p wa\n-w {watched} -p wa\n"})
    outcomes = run("host.audit.watches", collect(root, "host.audit_rules"), paths=["/var/log/lastlog"],
                   paths_from=["faillock_dir"])
    assert statuses(outcomes) == ["pass", expected]


FAILLOCK_AUTH = ("auth required pam_faillock.so preauth {arg}\nauth [default=die] pam_faillock.so authfail {arg}\n"
                 "account required pam_faillock.so\n")


RUN, LIB = "/var/run/faillock", "/var/lib/faillock"


@pytest.mark.parametrize("arg, watched, expected", [
    ("", [RUN], [(RUN, "pass")]),
    (f"dir={LIB}", [RUN], [(LIB, "fail"), (RUN, "pass")]),  # the account line still uses the default
    (f"dir={LIB}", [RUN, LIB], [(LIB, "pass"), (RUN, "pass")]),
])
def test_login_events_watch_the_faillock_dir_a_pam_line_names(tmp_path: Path, arg: str, watched: list[str],
                                                               expected: list[tuple[str, str]]) -> None:
    rules = "".join(f"-w {path} -p wa\n" for path in watched)
    root = tree(tmp_path, {"/etc/pam.d/common-auth": FAILLOCK_AUTH.format(arg=arg),
                           "/etc/audit/rules.d/50-login.rules": rules})
    outcomes = run("host.audit.watches", collect(root, "host.audit_rules"), paths_from=["faillock_dirs"])
    assert [(o.item, o.status) for o in outcomes] == expected


def test_an_inventory_without_faillock_dirs_makes_the_watch_an_error_not_a_pass(tmp_path: Path) -> None:
    root = tree(tmp_path, {"/etc/audit/rules.d/50-login.rules": "-w /var/log/lastlog -p wa\n"})
    resource = collect(root, "host.audit_rules")
    del resource.attributes["faillock_dirs"]  # as an inventory from an older hipaacheck holds it
    outcomes = run("host.audit.watches", resource, paths=["/var/log/lastlog"], paths_from=["faillock_dirs"])
    assert statuses(outcomes) == ["error"] and "not in this inventory" in outcomes[0].message


def test_an_unreadable_pam_stack_makes_the_faillock_dirs_watch_an_error(tmp_path: Path) -> None:
    root = tree(tmp_path, {"/etc/audit/rules.d/50-login.rules": "-w /var/run/faillock -p wa\n"})
    (root / "etc/pam.d/common-auth").mkdir(parents=True)
    outcomes = run("host.audit.watches", collect(root, "host.audit_rules"), paths_from=["faillock_dirs"])
    assert statuses(outcomes) == ["error"]


@pytest.mark.parametrize("attribute", ["faillock_dir", "faillock_dirs"])
def test_unreadable_faillock_conf_makes_the_faillock_watch_an_error(tmp_path: Path, attribute: str) -> None:
    root = tree(tmp_path, {"/etc/audit/rules.d/50-login.rules": "-w /var/log/lastlog -p wa\n"})
    (root / "etc/security/faillock.conf").mkdir(parents=True)
    outcomes = run("host.audit.watches", collect(root, "host.audit_rules"), paths_from=[attribute])
    assert statuses(outcomes) == ["error"]


def test_chrony_files_past_the_read_budget_make_the_sources_an_error_not_a_part(tmp_path: Path) -> None:
    from hipaacheck.sources.host.timesync import MAX_CHRONY_FILES

    many = {f"/etc/chrony/conf.d/{n:04d}.conf": "driftfile /var/lib/chrony/chrony.drift\n"
            for n in range(MAX_CHRONY_FILES)}  # with chrony.conf one past the budget
    conf = "confdir /etc/chrony/conf.d\n"
    root = tree(tmp_path, {**DEBIAN_VERSION, DEBIAN_CHRONY: conf, **many,
                           "/etc/chrony/conf.d/9999.conf": "server late.example.org\n"})
    from hipaacheck.sources.host.source import HostSource

    inventory = HostSource(root).collect({"host.time_sync"})
    assert not [r for r in inventory.resources if r.type == "host.time_sync"]  # no partial resource to pass
    [error] = inventory.errors
    assert error.resource_type == "host.time_sync" and f"pulls in more than {MAX_CHRONY_FILES} files" in error.message
