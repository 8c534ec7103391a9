"""SSH targets: --target values, plain lists and Ansible inventories (INI and YAML) with --limit."""
from __future__ import annotations

import pytest

from hipaacheck.errors import InputError
from hipaacheck.sources.ssh.inventory import HostSpec, parse_target, read_targets, targets_from

INI = """\
# fleet
bastion.example ansible_user=ops

[web]
web1.example ansible_host=10.0.0.11
web2.example ansible_port=2222 ansible_user=deploy

[db]
db1.example ansible_host=10.0.0.21

[prod:children]
web
db

[prod:vars]
ansible_user=auditor
"""

YAML = """\
all:
  vars:
    ansible_user: auditor
  hosts:
    bastion.example:
      ansible_user: ops
  children:
    web:
      hosts:
        web1.example: {ansible_host: 10.0.0.11}
        web2.example: {ansible_port: 2222, ansible_user: deploy}
    db:
      vars: {ansible_port: 2200}
      hosts:
        db1.example:
"""


@pytest.mark.parametrize("text, spec", [
    ("web1", HostSpec("web1")),
    ("ops@web1.example:2222", HostSpec("web1.example", None, "ops", 2222)),
    ("root@[::1]:22", HostSpec("::1", None, "root", 22)),
    ("10.0.0.5", HostSpec("10.0.0.5")),
])
def test_target_syntax(text, spec):
    assert parse_target(text) == spec


@pytest.mark.parametrize("text", ["a@b@c", "host:port", "host:70000", "", "[::1"])
def test_bad_targets_are_bad_input(text):
    with pytest.raises(InputError, match="--target"):
        parse_target(text)


def test_ini_inventory_hosts_groups_children_and_vars(tmp_path):
    path = tmp_path / "hosts.ini"
    path.write_text(INI)
    assert read_targets(path) == [HostSpec("bastion.example", None, "ops", None),
                                  HostSpec("web1.example", "10.0.0.11", "auditor", None),
                                  HostSpec("web2.example", None, "deploy", 2222),
                                  HostSpec("db1.example", "10.0.0.21", "auditor", None)]
    assert [h.name for h in read_targets(path, "db")] == ["db1.example"]
    assert read_targets(path, "web")[0].user is None  # prod's vars apply to hosts reached through prod only


def test_yaml_inventory_and_limit(tmp_path):
    path = tmp_path / "hosts.yml"
    path.write_text(YAML)
    hosts = {h.name: h for h in read_targets(path)}
    assert hosts["bastion.example"] == HostSpec("bastion.example", None, "ops", None)
    assert hosts["web2.example"] == HostSpec("web2.example", None, "deploy", 2222)
    assert hosts["db1.example"] == HostSpec("db1.example", None, "auditor", 2200)
    assert [h.name for h in read_targets(path, "web")] == ["web1.example", "web2.example"]


def test_a_plain_list_is_one_host_a_line(tmp_path):
    path = tmp_path / "targets.txt"
    path.write_text("# comment\nweb1.example\n\nops@db1.example:2200\n")
    assert targets_from(["web1.example"], path, None) == [HostSpec("web1.example"),
                                                          HostSpec("db1.example", None, "ops", 2200)]


@pytest.mark.parametrize("content, limit, problem", [
    ("[web\nx\n", None, "hosts.ini:1: malformed group header"),
    ("[web]\nx ansible_port\n", None, "hosts.ini:2: expected key=value"),
    ("[web]\nx ansible_port=99999\n", None, "port must be 1-65535"),
    ("[web]\nx\n", "db", "no group 'db'"),
])
def test_bad_inventories_name_file_and_line(tmp_path, content, limit, problem):
    path = tmp_path / "hosts.ini"
    path.write_text(content)
    with pytest.raises(InputError, match=problem.replace("[", r"\[")):
        read_targets(path, limit)


def test_limit_needs_a_targets_file_and_some_target_is_needed():
    with pytest.raises(InputError, match="--limit"):
        targets_from(["a"], None, "web")
    with pytest.raises(InputError, match="at least one host"):
        targets_from(None, None, None)


@pytest.mark.parametrize("pattern, hosts", [
    ("web[01:03].example", ["web01.example", "web02.example", "web03.example"]),
    ("db-[a:c]", ["db-a", "db-b", "db-c"]),
    ("n[1:9:4]", ["n1", "n5", "n9"]),
    ("r[1:2]-[a:b]", ["r1-a", "r1-b", "r2-a", "r2-b"]),
])
def test_ansible_host_ranges_expand(tmp_path, pattern, hosts):
    ini, yml = tmp_path / "hosts.ini", tmp_path / "hosts.yml"
    ini.write_text(f"[web]\n{pattern} ansible_user=ops\n")
    yml.write_text(f"all:\n  hosts:\n    {pattern}:\n      ansible_port: 2200\n")
    assert [(h.name, h.user) for h in read_targets(ini)] == [(host, "ops") for host in hosts]
    assert [(h.name, h.port) for h in read_targets(yml)] == [(host, 2200) for host in hosts]


@pytest.mark.parametrize("pattern", ["w[1:a]", "w[5:1]", "w[0:99999]"])
def test_bad_host_ranges_are_bad_input(tmp_path, pattern):
    path = tmp_path / "hosts.ini"
    path.write_text(f"{pattern}\n")
    with pytest.raises(InputError, match="hosts.ini:1: .*host range"):
        read_targets(path)
