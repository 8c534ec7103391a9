"""The engine: statuses, error isolation, determinism; and the generic attribute check."""
from __future__ import annotations

from pathlib import Path

import pytest

from hipaacheck.controls import Control
from hipaacheck.engine import evaluate
from hipaacheck.inventory import Inventory
from hipaacheck.model import CollectionError, NotApplicable, Outcome, Resource
from hipaacheck.profiles import ActiveControl
from hipaacheck.registry import check, get_check, load_all


@pytest.fixture(autouse=True)
def _checks():
    load_all()


@check("test.engine.raises", resource_type="host.thing")
def _raises(resource, params):
    raise RuntimeError("boom")


@check("test.engine.scope", resource_type="host.thing")
def _scope(resource, params):
    if resource.get("kind") != "wanted":
        raise NotApplicable("only wanted things")
    return Outcome("pass" if resource.get("value") else "fail", "value checked", {"value": resource.get("value")})


PREPARED: list[dict] = []


def _prepare_threshold(params: dict) -> int:
    PREPARED.append(params)
    if params.get("limit") == "broken":
        raise ValueError("limit must be a number")
    return int(params["limit"]) * 10


@check("test.engine.prepared", resource_type="host.thing", prepare=_prepare_threshold)
def _prepared(resource, threshold):
    value = resource.get("value")
    return Outcome("pass" if value <= threshold else "fail", f"{value} against {threshold}")


def active(check_id: str, rtype: str = "host.thing", params: dict | None = None, cid: str = "c.one") -> ActiveControl:
    control = Control(id=cid, title="t", description="d", rationale="r", severity="high", citations=["164.312(b)"],
                      resource_type=rtype, check=check_id, params=params or {}, remediation={"summary": "fix"})
    return ActiveControl(control, params or {}, "high")


def inventory(*resources: Resource, types=("host.thing",), errors=()) -> Inventory:
    return Inventory(source="host", collected_at="2026-01-01T00:00:00Z", resource_types=list(types),
                     resources=list(resources), errors=list(errors))


def test_exception_in_check_is_an_error_finding_and_the_run_goes_on():
    res = Resource("host.thing", "/a", {"kind": "wanted", "value": True})
    findings = evaluate([active("test.engine.raises", cid="a"), active("test.engine.scope", cid="b")], inventory(res))
    assert [(f.control_id, f.status) for f in findings] == [("a", "error"), ("b", "pass")]
    assert "RuntimeError: boom" in findings[0].message


def test_not_applicable_is_skip_and_unreadable_is_error_never_pass():
    other = Resource("host.thing", "/other", {"kind": "other"})
    hidden = Resource("host.thing", "/hidden", {"kind": "wanted"}, unreadable={"value": "permission denied"})
    findings = evaluate([active("test.engine.scope")], inventory(other, hidden))
    by_id = {f.resource["id"]: f for f in findings}
    assert by_id["/other"].status == "skip" and "only wanted things" in by_id["/other"].message
    assert by_id["/hidden"].status == "error" and "permission denied" in by_id["/hidden"].message


def test_whole_resource_unreadable():
    res = Resource("host.thing", "/x", unreadable={"*": "/x: parse error"})
    [finding] = evaluate([active("test.engine.scope")], inventory(res))
    assert finding.status == "error" and "parse error" in finding.message


def test_prepare_runs_once_per_control_and_the_check_receives_what_it_made():
    PREPARED.clear()
    things = [Resource("host.thing", f"/{v}", {"value": v}) for v in (5, 20, 35)]
    params = {"limit": "2"}
    findings = evaluate([active("test.engine.prepared", params=params)], inventory(*things))
    assert [(f.resource["id"], f.status, f.message) for f in findings] == [
        ("/20", "pass", "20 against 20"), ("/35", "fail", "35 against 20"), ("/5", "pass", "5 against 20")]
    assert PREPARED == [params]  # once for three resources


def test_a_prepare_that_raises_is_an_error_on_every_resource_not_a_crash():
    things = [Resource("host.thing", f"/{v}", {"value": v}) for v in (1, 2)]
    findings = evaluate([active("test.engine.prepared", params={"limit": "broken"}, cid="a"),
                         active("test.engine.scope", cid="b")], inventory(*things))
    assert [(f.control_id, f.status) for f in findings] == [("a", "error"), ("a", "error"), ("b", "skip"), ("b", "skip")]
    assert all(f.message == "check could not prepare its params: limit must be a number"
               for f in findings if f.control_id == "a")


def test_collection_error_gives_error_findings_with_operation_and_code():
    error = CollectionError("host.thing", "denied", region="eu-west-1", operation="svc:ListThings", code="AccessDenied")
    [finding] = evaluate([active("test.engine.scope")], inventory(errors=[error]))
    assert finding.status == "error"
    assert finding.resource["region"] == "eu-west-1"
    assert "svc:ListThings AccessDenied" in finding.message


def test_no_resources_is_skip_and_uncollected_type_is_error():
    [skip] = evaluate([active("test.engine.scope")], inventory())
    assert skip.status == "skip" and "no host.thing resources" in skip.message
    [error] = evaluate([active("test.engine.scope")], inventory(types=()))
    assert error.status == "error" and "not collected" in error.message


def test_other_source_family_is_skipped():
    [finding] = evaluate([active("attribute", rtype="aws.s3.bucket",
                                 params={"condition": {"path": "x", "op": "exists"}})], inventory())
    assert finding.status == "skip" and "aws" in finding.message


def test_findings_are_in_deterministic_order():
    resources = [Resource("host.thing", f"/r{i}", {"kind": "wanted", "value": i % 2 == 0}) for i in (3, 1, 2)]
    controls = [active("test.engine.scope", cid="z"), active("test.engine.scope", cid="a")]
    first = [f.to_dict() for f in evaluate(controls, inventory(*resources))]
    second = [f.to_dict() for f in evaluate(list(reversed(controls)), inventory(*reversed(resources)))]
    assert first == second
    assert [(f["control_id"], f["resource"]["id"]) for f in first][:3] == [("a", "/r1"), ("a", "/r2"), ("a", "/r3")]


@check("test.engine.items", resource_type="host.thing")
def _items(resource, params):
    return [Outcome("fail", f"item {name}", item=name) for name in resource.get("names") or []]


def test_findings_are_made_in_result_order_without_a_final_sort():
    """Items, accounts, regions and collection errors land where the full sort key puts them."""
    from hipaacheck.engine import finding_order

    resources = [Resource("host.thing", f"/r{i}", {"names": ["zeta", "alpha", "mid"]}, region=region, account=account)
                 for i, region, account in ((2, "us-west-2", "111"), (1, "eu-west-1", None), (3, "eu-west-1", "111"))]
    errors = [CollectionError("host.thing", "denied", region="us-east-1", operation="svc:List"),
              CollectionError("host.thing", "throttled", region="af-south-1")]
    controls = [active("test.engine.items", cid=cid) for cid in ("m", "b", "x")]
    findings = evaluate(controls, inventory(*resources, errors=errors))
    assert len(findings) == 3 * (3 * 3 + 2)
    assert findings == sorted(findings, key=finding_order)
    assert [f.resource.get("item") for f in findings[:3]] == [None, "alpha", "mid"]  # b: af-south-1 error, then /r1


@pytest.mark.parametrize("condition, attrs, status", [
    ({"path": "a.b", "op": "eq", "value": 1}, {"a": {"b": 1}}, "pass"),
    ({"path": "a.b", "op": "eq", "value": 1}, {"a": {"b": 2}}, "fail"),
    ({"path": "a.b", "op": "eq", "value": 1}, {"a": {}}, "fail"),  # missing never passes
    ({"path": "n", "op": "lt", "value": 5}, {"n": "3"}, "fail"),  # wrong type never passes
    ({"path": "n", "op": "ge", "value": 5}, {"n": 5}, "pass"),
    ({"path": "l.1", "op": "in", "value": ["x", "y"]}, {"l": ["a", "y"]}, "pass"),
    ({"path": "s", "op": "not_in", "value": ["LEGACY"]}, {"s": "DEFAULT"}, "pass"),
    ({"path": "s", "op": "contains", "value": "pam_u2f"}, {"s": ["pam_unix", "pam_u2f"]}, "pass"),
    ({"path": "s", "op": "matches", "value": "^aes\\d+"}, {"s": "aes256"}, "pass"),
    ({"path": "s", "op": "absent"}, {}, "pass"),
    ({"path": "s", "op": "exists"}, {}, "fail"),
    ({"any": [{"path": "a", "op": "eq", "value": 1}, {"path": "b", "op": "eq", "value": 2}]}, {"b": 2}, "pass"),
    ({"all": [{"path": "a", "op": "eq", "value": 1}, {"path": "b", "op": "eq", "value": 2}]}, {"b": 2}, "fail"),
    ({"not": {"path": "a", "op": "eq", "value": 1}}, {"a": 1}, "fail"),
])
def test_attribute_check(condition, attrs, status):
    spec = get_check("attribute")
    outcome = spec.function(Resource("host.thing", "/r", attrs), spec.prepared({"condition": condition}))
    assert outcome.status == status


def test_attribute_check_on_unreadable_attribute_is_error():
    res = Resource("host.thing", "/r", {"a": 1}, unreadable={"a": "AccessDenied"})
    [finding] = evaluate([active("attribute", params={"condition": {"path": "a", "op": "eq", "value": 1}})],
                         inventory(res))
    assert finding.status == "error"
    assert finding.evidence == {"unreadable": "a"}


def test_inventory_round_trip(tmp_path: Path):
    res = Resource("host.thing", "/r", {"a": [1, 2]}, unreadable={"b": "nope"})
    inv = inventory(res, errors=[CollectionError("host.thing", "m", operation="op")])
    path = tmp_path / "inv.json"
    inv.write(path)
    again = Inventory.load(path)
    assert again.to_dict() == inv.to_dict()


def test_attribute_messages_name_observed_values():
    spec = get_check("attribute")
    params = {"condition": {"path": "a.b", "op": "le", "value": 5}, "fail_message": "a.b is {a.b}, {missing.x} stays",
              "pass_message": "a.b is {a.b}"}
    plan = spec.prepared(params)
    assert spec.function(Resource("host.thing", "/r", {"a": {"b": 9}}), plan).message == "a.b is 9, {missing.x} stays"
    assert spec.function(Resource("host.thing", "/r", {"a": {}}), plan).message == "a.b is unset, {missing.x} stays"
    assert spec.function(Resource("host.thing", "/r", {"a": {"b": 1}}), plan).message == "a.b is 1"
