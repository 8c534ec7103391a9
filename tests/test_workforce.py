"""The workforce roster joined with host accounts (fixture trees) and IAM users (moto): each control
passing, failing and on the boundary day, a roster that cannot be read, and the join's unreadable cases.

The date is fixed at 2026-12-01 by the ``records`` fixture (``records_fixtures``).
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from assertions import input_error

def person(pid: str, **fields) -> dict:
    return {"id": pid, "role": fields.pop("role", "nurse"), "name": f"Name Of {pid}", "email": f"{pid}@mail.example",
            "hire_date": fields.pop("hire_date", "2024-01-02"), **fields}


# user name -> (uid, shadow password field, shell, authorized_keys lines, groups, shadow expiry day number)
def host_tree(root: Path, users: dict[str, tuple]) -> Path:
    passwd = ["root:x:0:0:root:/root:/bin/bash", "daemon:x:2:2:daemon:/sbin:/sbin/nologin"]
    shadow = ["root:!:19700:0:99999:7:::", "daemon:*:19700:0:99999:7:::"]
    groups: dict[str, list[str]] = {"wheel": [], "staff": [], "docker": []}
    for name, (uid, password, shell, keys, member_of, expires) in users.items():
        passwd.append(f"{name}:x:{uid}:{uid}::/home/{name}:{shell}")
        shadow.append(f"{name}:{password}:19700:0:99999:7::{expires}:")
        for group in member_of:
            groups[group].append(name)
        if keys:
            ssh = root / "home" / name / ".ssh"
            ssh.mkdir(parents=True)
            (ssh / "authorized_keys").write_text("".join(f"ssh-ed25519 AAAAkey{i} {name}\n" for i in range(keys)))
    etc = root / "etc"
    etc.mkdir(parents=True)
    (etc / "hostname").write_text("ward1\n")
    (etc / "passwd").write_text("\n".join(passwd) + "\n")
    (etc / "shadow").write_text("\n".join(shadow) + "\n")
    lines = ["root:x:0:", *(f"{name}:x:{uid}:" for name, (uid, *_) in users.items()),
             *(f"{g}:x:{500 + i}:{','.join(m)}" for i, (g, m) in enumerate(groups.items()))]
    (etc / "group").write_text("\n".join(lines) + "\n")
    return root


HASH = "$6$salt$hashedvalue"
USERS = {  # uid, password, shell, keys, groups, expiry
    "live": (1000, HASH, "/bin/bash", 0, ["staff"], ""),
    "locked": (1001, "!" + HASH, "/bin/bash", 0, [], ""),
    "keyed": (1002, "!", "/sbin/nologin", 2, [], ""),
    "expired": (1003, HASH, "/bin/bash", 0, [], "20000"),  # 2024-10-04
    "nologin": (1004, HASH, "/usr/sbin/nologin", 0, [], ""),
    "admin": (1005, HASH, "/bin/bash", 0, ["wheel", "staff"], ""),
    "stray": (1006, HASH, "/bin/bash", 0, [], ""),
}


def by_resource(findings: list[dict], control: str) -> dict[str, dict]:
    return {f["resource"]["id"] + (f"[{f['resource']['item']}]" if f["resource"].get("item") else ""): f
            for f in findings if f["control_id"] == control}


# ------------------------------------------------------------------- training

@pytest.mark.parametrize("fields, status, days", [
    ({"last_training_date": "2026-06-01"}, "pass", None),
    ({"last_training_date": "2025-12-01"}, "pass", 0),  # due today: still in time
    ({"last_training_date": "2025-11-30"}, "fail", 1),
    ({"hire_date": "2026-11-01"}, "pass", 0),  # never trained, 30 days after hire today
    ({"hire_date": "2026-10-31"}, "fail", 1),
    ({"hire_date": "2026-10-01", "last_training_date": "2026-10-20"}, "pass", None),
])
def test_training_current(records, tmp_path, fields, status, days):
    roster = records.roster([person("E1", **fields)])
    findings = records.scan("--root", host_tree(tmp_path / "h", {}), "--workforce", roster)
    finding = by_resource(findings, "workforce.training.current")["E1"]
    assert finding["status"] == status, finding["message"]
    assert finding["message"].startswith("E1 (nurse): ")
    if status == "fail":
        assert finding["evidence"]["days_overdue"] == days and f"{days} days overdue" in finding["message"]
    elif days is not None:
        assert finding["evidence"]["due_in_days"] == days


def test_training_skips_terminated_people_and_a_scan_without_roster(records, tmp_path):
    roster = records.roster([person("E1", termination_date="2026-05-01", last_training_date="2020-01-01")])
    tree = host_tree(tmp_path / "h", {})
    findings = records.scan("--root", tree, "--workforce", roster)
    assert by_resource(findings, "workforce.training.current")["E1"]["status"] == "skip"
    findings = records.scan("--root", tree)
    assert {f["status"] for f in findings if f["control_id"].startswith("workforce.")} == {"skip"}
    assert all("--workforce FILE" in f["message"] for f in findings if f["control_id"].startswith("workforce."))


# ---------------------------------------------------------------- termination on a host

@pytest.mark.parametrize("account, status", [
    ("live", "fail"),  # usable password and a login shell
    ("keyed", "fail"),  # authorized_keys entries, even with a locked password and nologin
    ("locked", "pass"),
    ("expired", "pass"),
    ("nologin", "pass"),
    ("gone", "pass"),  # no such account on the host
])
def test_termination_host_accounts(records, tmp_path, account, status):
    roster = records.roster([person("E1", termination_date="2026-11-01", accounts=[f"host:{account}"])])
    findings = records.scan("--root", host_tree(tmp_path / "h", USERS), "--workforce", roster)
    finding = by_resource(findings, "workforce.termination.access_removed")["E1"]
    assert finding["status"] == status, finding["message"]
    if status == "fail":
        assert finding["evidence"]["days_overdue"] == 29 and f"host:{account} on ward1" in finding["message"]


@pytest.mark.parametrize("terminated, status, evidence", [
    ("2026-11-30", "pass", ("due_in_days", 0)),  # one day of grace: the boundary day is in time
    ("2026-11-29", "fail", ("days_overdue", 1)),
    ("2026-12-05", "skip", None),  # a termination still ahead
])
def test_termination_grace_boundary(records, tmp_path, terminated, status, evidence):
    roster = records.roster([person("E1", termination_date=terminated, accounts=["host:live"])])
    findings = records.scan("--root", host_tree(tmp_path / "h", USERS), "--workforce", roster)
    finding = by_resource(findings, "workforce.termination.access_removed")["E1"]
    assert finding["status"] == status, finding["message"]
    if evidence:
        assert finding["evidence"][evidence[0]] == evidence[1]


def test_termination_is_an_error_when_the_host_could_not_be_read(records, tmp_path):
    tree = host_tree(tmp_path / "h", USERS)
    (tree / "etc" / "shadow").unlink()  # password status unknown
    (tree / "home" / "keyed" / ".ssh" / "authorized_keys").unlink()
    (tree / "home" / "keyed" / ".ssh" / "authorized_keys").mkdir()  # a key file that cannot be read
    roster = records.roster([person("E1", termination_date="2026-11-01", accounts=["host:live"]),
                                     person("E2", termination_date="2026-11-01", accounts=["host:keyed"])])
    findings = records.scan("--root", tree, "--workforce", roster)
    found = by_resource(findings, "workforce.termination.access_removed")
    assert found["E1"]["status"] == "error" and "/etc/shadow" in found["E1"]["message"]
    assert found["E2"]["status"] == "error" and "authorized_keys" in found["E2"]["message"]


def test_termination_skips_accounts_on_targets_not_scanned(records, tmp_path):
    roster = records.roster([person("E1", termination_date="2026-11-01", accounts=["aws:e1", "sso:e1"]),
                                     person("E2", termination_date="2026-11-01", accounts=["aws:e2", "host:locked"])])
    findings = records.scan("--root", host_tree(tmp_path / "h", USERS), "--workforce", roster)
    found = by_resource(findings, "workforce.termination.access_removed")
    assert found["E1"]["status"] == "skip"
    assert found["E2"]["status"] == "pass" and found["E2"]["evidence"]["not_scanned"] == ["aws:e2"]


# ---------------------------------------------------------------- termination in AWS (moto)

def test_termination_iam_users(records, tmp_path, aws):
    iam = aws.client("iam")
    for name in ("console", "keyholder", "inactive", "clean"):
        iam.create_user(UserName=name)
    iam.create_login_profile(UserName="console", Password="Sup3r-secret-pass!")
    iam.create_access_key(UserName="keyholder")
    key = iam.create_access_key(UserName="inactive")["AccessKey"]["AccessKeyId"]
    iam.update_access_key(UserName="inactive", AccessKeyId=key, Status="Inactive")
    roster = records.roster([person(f"E{i}", termination_date="2026-11-01", accounts=[f"aws:{name}"])
                                     for i, name in enumerate(("console", "keyholder", "inactive", "clean", "gone"))])
    findings = records.scan("--source", "aws", "--regions", "us-east-1", "--workforce", roster)
    found = {k: f["status"] for k, f in by_resource(findings, "workforce.termination.access_removed").items()}
    assert found == {"E0": "fail", "E1": "fail", "E2": "pass", "E3": "pass", "E4": "pass"}
    messages = by_resource(findings, "workforce.termination.access_removed")
    assert "a console password" in messages["E0"]["message"] and "1 active access keys" in messages["E1"]["message"]


# ---------------------------------------------------------------- ownership

def test_accounts_owned_on_a_host(records, tmp_path):
    roster = records.roster([person("E1", accounts=["host:live", "host:locked", "host:keyed", "host:expired",
                                                            "host:nologin", "host:admin"])])
    tree = host_tree(tmp_path / "h", USERS)
    findings = records.scan("--root", tree, "--workforce", roster)
    found = by_resource(findings, "workforce.accounts.owned")
    assert {k: f["status"] for k, f in found.items()} == {"host:ward1[stray]": "fail"}  # root, daemon: system
    assert found["host:ward1[stray]"]["message"] == "host:stray on ward1 belongs to no one in the workforce roster"
    profile = tmp_path / "profile.yaml"
    profile.write_text("id: mine\ntitle: t\nextends: hipaa-workforce\nvariables: {service_accounts: ['host:st*']}\n")
    [owned] = [f for f in records.scan("--root", tree, "--workforce", roster, profile=profile)
               if f["control_id"] == "workforce.accounts.owned"]
    assert owned["status"] == "pass" and owned["evidence"] == {"accounts_checked": 6, "service_accounts": ["host:stray"]}


def test_accounts_owned_in_aws_and_when_accounts_cannot_be_listed(records, tmp_path, aws):
    iam = aws.client("iam")
    iam.create_user(UserName="owned")
    iam.create_user(UserName="orphan")
    roster = records.roster([person("E1", accounts=["aws:owned"]),
                                     person("E2", termination_date="2026-11-01", accounts=["host:live"])])
    findings = records.scan("--source", "aws", "--regions", "us-east-1", "--workforce", roster)
    found = by_resource(findings, "workforce.accounts.owned")
    assert {k: f["status"] for k, f in found.items()} == {"aws:123456789012[orphan]": "fail"}
    tree = host_tree(tmp_path / "h", USERS)
    (tree / "etc" / "passwd").unlink()
    (tree / "etc" / "passwd").mkdir()  # unreadable, as root too
    findings = records.scan("--root", tree, "--workforce", roster)
    [error] = [f for f in findings if f["control_id"] == "workforce.accounts.owned"]
    assert error["status"] == "error" and "/etc/passwd: is a directory" in error["message"]
    termination = by_resource(findings, "workforce.termination.access_removed")["E2"]
    assert termination["status"] == "error" and "accounts not listed" in termination["message"]


# ---------------------------------------------------------------- role groups

def role_profile(tmp_path: Path) -> Path:
    profile = tmp_path / "roles.yaml"
    profile.write_text(yaml.safe_dump({"id": "roles", "title": "t", "extends": "hipaa-workforce", "variables": {
        "role_groups": {"nurse": ["staff", "aws:Clinicians"], "admin": ["staff", "wheel", "Admins"]}}}))
    return profile


def test_role_groups_host_and_aws(records, tmp_path, aws):
    iam = aws.client("iam")
    for group in ("Clinicians", "Admins"):
        iam.create_group(GroupName=group)
    for user, group in (("nurse1", "Clinicians"), ("nurse2", "Admins"), ("boss", "Admins")):
        iam.create_user(UserName=user)
        iam.add_user_to_group(UserName=user, GroupName=group)
    roster = records.roster([person("E1", accounts=["aws:nurse1"]), person("E2", accounts=["aws:nurse2"]),
                                     person("E3", role="admin", accounts=["aws:boss"]),
                                     person("E4", role="intern", accounts=["aws:gone"])])
    findings = records.scan("--source", "aws", "--regions", "us-east-1", "--workforce", roster,
                            profile=role_profile(tmp_path))
    found = by_resource(findings, "workforce.access.role_groups")
    assert {k: f["status"] for k, f in found.items()} == {"E1": "pass", "E2": "fail", "E3": "pass", "E4": "skip"}
    assert found["E2"]["evidence"]["beyond_role"] == ["aws:nurse2 on 123456789012 in Admins"]

    host = records.roster([person("E1", accounts=["host:live"]), person("E2", accounts=["host:admin"])])
    findings = records.scan("--root", host_tree(tmp_path / "h", USERS), "--workforce", host,
                            profile=role_profile(tmp_path))
    found = by_resource(findings, "workforce.access.role_groups")
    assert found["E1"]["status"] == "pass" and found["E2"]["status"] == "fail"
    assert found["E2"]["evidence"]["beyond_role"] == ["host:admin on ward1 in wheel"]


def test_role_groups_skip_without_a_map(records, tmp_path):
    roster = records.roster([person("E1", accounts=["host:admin"])])
    findings = records.scan("--root", host_tree(tmp_path / "h", USERS), "--workforce", roster)
    assert by_resource(findings, "workforce.access.role_groups")["E1"]["status"] == "skip"


# ---------------------------------------------------------------- the roster as input

def test_csv_and_yaml_rosters_give_the_same_findings(records, tmp_path):
    people = [person("E1", termination_date="2026-11-01", accounts=["host:live", "host:keyed"]),
              person("E2", last_training_date="2026-01-01", accounts=["host:admin"])]
    tree = host_tree(tmp_path / "h", USERS)
    results = []
    for fmt in ("yaml", "csv"):
        folder = tmp_path / fmt
        folder.mkdir()
        findings = records.scan("--root", tree, "--workforce", records.roster(people, fmt, folder))
        results.append([(f["control_id"], f["resource"], f["status"], f["message"]) for f in findings])
    assert results[0] == results[1]
    judged = {(control, resource["id"]): status for control, resource, status, _ in results[0]
              if control in ("workforce.termination.access_removed", "workforce.training.current")}
    assert judged == {("workforce.termination.access_removed", "E1"): "fail",  # live accounts remain
                      ("workforce.termination.access_removed", "E2"): "skip",
                      ("workforce.training.current", "E1"): "skip",
                      ("workforce.training.current", "E2"): "pass"}  # refresher due within the year


CSV_HEADER = "id,role,name,email,hire_date,termination_date,last_training_date,accounts\n"


@pytest.mark.parametrize("text, where, expected", [
    (CSV_HEADER + "E1,nurse,A,a@x,2026-01-01,,,\nE2,nurse,B,b@x,2026-02-30,,,\n", ":3", "$.people[1].hire_date"),
    ("id,role,phone,hire_date\nE1,nurse,555,2026-01-01\n", ":1", "unknown column 'phone'"),
    (CSV_HEADER + "E1,nurse,A,a@x,2026-01-01,,,\nE1,clerk,B,b@x,2026-01-01,,,\n", ":3", "$.people[1].id: duplicate id 'E1'"),
    (CSV_HEADER + "E1,nurse,A,a@x,2026-01-01,2025-12-31,,\n", ":2", "$.people[0].termination_date: 2025-12-31 is before"),
    (CSV_HEADER + "E1,nurse,A,a@x,2026-01-01,,,ldap:e1\n", ":2", "$.people[0].accounts[0]"),
])
def test_malformed_csv_roster_is_one_line_exit_2(cli, tmp_path, text, where, expected):
    roster = tmp_path / "roster.csv"
    roster.write_text(text)
    result = cli("scan", "--root", host_tree(tmp_path / "h", {}), "--profile", "hipaa-workforce", "--workforce", roster)
    input_error(result, f"{roster}{where}: ", expected)


@pytest.mark.parametrize("entry, line, expected", [
    ("  - {id: E2, role: nurse, hire_date: 2026-02-30}\n", ":4", "invalid date '2026-02-30'"),
    ("  - {id: E2, role: nurse, hire_date: 2026-01-01, phone: 5}\n", ":4", "$.people[1]: unknown field phone"),
    ("  - {id: E1, role: nurse, hire_date: 2026-01-01}\n", ":4", "$.people[1].id: duplicate id 'E1' (first at line 3)"),
    ("  - {id: E2, role: nurse, hire_date: 2026-01-01, termination_date: 2025-01-01}\n", ":4",
     "$.people[1].termination_date"),
])
def test_malformed_yaml_roster_is_one_line_exit_2(cli, tmp_path, entry, line, expected):
    roster = tmp_path / "roster.yaml"
    roster.write_text("version: 1\npeople:\n  - {id: E1, role: nurse, hire_date: 2026-01-01}\n" + entry)
    result = cli("scan", "--root", host_tree(tmp_path / "h", {}), "--profile", "hipaa-workforce", "--workforce", roster)
    input_error(result, f"{roster}{line}: ", expected)


def test_snapshot_scan_joins_like_the_live_scan(cli, records, tmp_path):
    tree = host_tree(tmp_path / "h", USERS)
    roster = records.roster([person("E1", termination_date="2026-11-01", accounts=["host:live", "host:keyed"])])
    inventory = tmp_path / "inv.json"
    assert cli("collect", "host", "--root", tree, "--profile", "hipaa-workforce", "-o", inventory).code == 0
    types = {r["type"] for r in json.loads(inventory.read_text())["resources"]}
    assert types == {"host.accounts"}  # what the roster joins with, though no host control is selected
    live = records.scan("--root", tree, "--workforce", roster)
    offline = records.scan("--source", "snapshot", "--inventory", inventory, "--workforce", roster)
    assert [(f["control_id"], f["status"], f["message"]) for f in live] == \
        [(f["control_id"], f["status"], f["message"]) for f in offline]


def test_termination_joins_the_accounts_of_every_target_of_a_several_target_scan(records, tmp_path):
    """Each image's host accounts join the roster, as a single host's do (the join types are collected even
    though no host control of the profile reads them)."""
    from image_builder import ImageSpec, oci_layout, tree_layer

    for name, users in (("web", {"nologin": USERS["nologin"]}), ("db", USERS)):
        oci_layout(tmp_path / name, ImageSpec([(tree_layer(host_tree(tmp_path / f"{name}-root", users)), True)],
                                              tag=f"{name}:1"))
    roster = records.roster([person("E1", termination_date="2026-11-01", accounts=["host:live"]),
                                     person("E2", termination_date="2026-11-01", accounts=["host:nologin"])])
    findings = records.scan("--source", "image", "--image", tmp_path / "web", "--image", tmp_path / "db",
                          "--workforce", roster)
    found = by_resource(findings, "workforce.termination.access_removed")
    assert found["E1"]["status"] == "fail", found["E1"]["message"]  # live can still log in on db
    assert found["E2"]["status"] == "pass", found["E2"]["message"]
