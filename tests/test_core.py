"""The core's seams: one registry rule, typed request, sources declared in one place, lazy controls."""
from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest
from assertions import input_error

from hipaacheck.errors import InputError
from hipaacheck.model import Resource, Status, Unreadable, worst_status
from hipaacheck.registries import Registry, same_function

PACKAGE = Path(__file__).resolve().parent.parent / "hipaacheck"
FAKE_SOURCE = Path(__file__).resolve().parent / "fixtures" / "fake_source"


def one() -> int:
    return 1


def other() -> int:
    return 2


def test_a_duplicate_name_names_both_places():
    registry: Registry = Registry("check", same_function)
    registry.register("x", one, where="plugin_a.one")
    registry.register("x", one, where="plugin_a.one (imported again)")  # the same function: no clash
    with pytest.raises(InputError) as caught:
        registry.register("x", other, where="plugin_b.other")
    assert str(caught.value) == "plugin_b.other: check 'x' is already registered by plugin_a.one"
    assert registry["x"] is one


def test_two_host_collectors_of_one_type_clash():
    from hipaacheck.sources.host.registry import host_collector, load_collectors

    load_collectors()
    with pytest.raises(InputError, match="host collector 'host.sshd' is already registered by "
                                         "hipaacheck.sources.host.sshd"):
        host_collector("host.sshd")(other)


def test_status_keeps_the_json_contract_and_ranks_attention():
    assert [s.value for s in Status] == ["pass", "fail", "error", "skip", "waived", "manual"]
    assert Status.FAIL == "fail" and f"{Status.ERROR}" == "error"
    assert [s.value for s in sorted(Status, key=lambda s: s.rank)] == \
        ["fail", "error", "manual", "waived", "skip", "pass"]
    assert worst_status(["pass", "skip", "error"]) is Status.ERROR and worst_status([]) is Status.SKIP


def test_an_unreadable_prefix_makes_a_path_unreadable():
    resource = Resource("aws.x", "id", {"a": {"b": {}}}, unreadable={"a.b": "AccessDenied"})
    resource.ensure_readable("a")
    for path in ("a.b", "a.b.c", "a.b.c.d"):
        with pytest.raises(Unreadable) as caught:
            resource.ensure_readable(path)
        assert (caught.value.attribute, caught.value.reason) == ("a.b", "AccessDenied")
    resource.ensure_readable("a.bc")  # a prefix is a whole segment, not a string prefix


def test_an_absent_condition_under_an_unread_key_is_an_error():
    from hipaacheck.engine import run_check
    from hipaacheck.registry import load_all

    load_all()
    from hipaacheck.controls import Control
    from hipaacheck.profiles import ActiveControl

    control = Control("t.x", "t", "d", "r", "high", ["164.312(b)"], "aws.x", "attribute", {}, {})
    active = ActiveControl(control, {"condition": {"path": "settings.sub.key", "op": "absent"}}, "high")
    unread = Resource("aws.x", "id", {"settings": {}}, unreadable={"settings.sub": "permission denied"})
    read = Resource("aws.x", "id", {"settings": {}})
    assert [o.status for o in run_check(active, unread)] == ["error"]
    assert [o.status for o in run_check(active, read)] == ["pass"]


def test_nothing_below_the_cli_sees_argparse():
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        if "cli" in path.relative_to(PACKAGE).parts:
            continue
        tree = ast.parse(path.read_text())
        names = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
        names |= {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module}
        if "argparse" in names or "getattr(args" in path.read_text():
            offenders.append(str(path.relative_to(PACKAGE)))
    assert offenders == []


def test_every_declared_source_is_offered_with_its_options(cli):
    from hipaacheck.sources import sources

    result = cli("scan", "--help")
    for name, info in sources().items():
        if not info.auxiliary:
            assert name in result.out.split("--source {", 1)[1].split("}", 1)[0]
        for option in info.options:
            assert option.flag in result.out
    collect_help = cli("collect", "--help").out
    collectable = ",".join(name for name, info in sources().items() if info.collectable)
    assert "{" + collectable + "}" in collect_help and "host,aws" in collectable
    assert "--inventory" not in collect_help  # a snapshot is not collected


@pytest.fixture
def fake_source(monkeypatch):
    """Register the fixture source the way a newcomer would add one (its declaration, one registry line)."""
    from hipaacheck import resource_types, sources

    assert resource_types.BUILTIN  # imported before the patch: its folders must not include the fake source's
    monkeypatch.syspath_prepend(str(FAKE_SOURCE))
    registry = Registry("source")
    for name, info in sources.sources().items():
        registry.register(name, info, where="builtin")
    import fake_source

    registry.register("fake", fake_source.SOURCE, where="fake_source")
    monkeypatch.setattr(sources, "SOURCES", registry)
    monkeypatch.setattr(sources, "SOURCE_PACKAGES", (*sources.SOURCE_PACKAGES, "fake"))
    yield fake_source
    sys.modules.pop("fake_source", None)


def test_a_new_source_needs_only_its_declaration(fake_source, cli, tmp_path):
    data = tmp_path / "login.defs"
    data.write_text("PASS_MAX_DAYS 99999\n")
    profile = tmp_path / "p.yaml"
    profile.write_text("id: p\ntitle: p\ncontrols: {include: [host.login_defs.*]}\n")
    result = cli("scan", "--source", "fake", "--fake-file", data, "--format", "json", "--profile", profile)
    doc = result.json()
    assert doc["run"]["source"] == "fake" and doc["run"]["target"] == {"fake": str(data)}
    statuses = {f["control_id"]: f["status"] for f in doc["findings"]}
    assert statuses and "fail" in statuses.values()
    assert result.code == 1


def test_only_the_selected_controls_are_validated(tmp_path, cli):
    controls = tmp_path / "controls"
    controls.mkdir()
    (controls / "broken.yaml").write_text("id: local.broken\ntitle: no other field\n")
    (controls / "empty.yaml").write_text("")
    profile = tmp_path / "p.yaml"
    profile.write_text("id: p\ntitle: p\ncontrols: {include: [host.login_defs.*]}\n")
    root = tmp_path / "root"
    (root / "etc").mkdir(parents=True)
    (root / "etc" / "login.defs").write_text("PASS_MAX_DAYS 60\n")
    scan = cli("scan", "--root", root, "--controls-dir", controls, "--profile", profile, "--format", "json")
    assert scan.code in (0, 1, 3), scan.err
    validate = cli("controls", "validate", controls)
    line = input_error(validate)
    assert "broken.yaml" in line or "empty.yaml" in line
    profile.write_text("id: p\ntitle: p\ncontrols: {include: [local.*]}\n")
    selected = cli("scan", "--root", root, "--controls-dir", controls, "--profile", profile)
    input_error(selected, "broken.yaml")


def test_an_inventory_is_written_compact_and_reads_back_the_same(tmp_path):
    from hipaacheck.inventory import Inventory
    from hipaacheck.model import CollectionError

    inventory = Inventory("aws", "2026-12-01T00:00:00Z", ["aws.x"], {"account": "1"},
                          [Resource("aws.x", f"id-{n}", {"n": n, "é": [n]}, region="r") for n in (2, 1)],
                          [CollectionError("aws.x", "denied", "r", "x:List", "AccessDenied")])
    path = tmp_path / "inv.json"
    inventory.write(path)
    text = path.read_text()
    assert "\n" not in text.rstrip("\n") and '"é"' in text
    loaded = Inventory.load(path)
    assert loaded.to_dict() == inventory.to_dict()
    assert [r.id for r in loaded.resources] == ["id-1", "id-2"]
