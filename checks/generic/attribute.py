"""``attribute``: a condition on resource attributes, written in the control with no Python.

Each leaf is ``{path, op, value}``; leaves combine with ``all``, ``any`` and
``not``. A path is dotted (``settings.permitrootlogin``, ``rules.0.days``).
A path that does not exist fails every operator except ``absent``: what is
not there cannot be shown compliant. ``only_if`` (a condition of the same form) limits the control to
the resources it holds for; the others are ``skip`` with the unmet condition as the reason.
"""
from __future__ import annotations

import operator
import re
from dataclasses import dataclass
from typing import Any, Callable, Iterator

from hipaacheck.model import NotApplicable, Outcome, Resource, Status
from hipaacheck.registry import check

_MISSING = object()
OPERATORS = ("eq", "ne", "lt", "le", "gt", "ge", "in", "not_in", "contains", "matches", "exists", "absent")

def condition_schema(param: str) -> dict[str, Any]:
    """The JSON Schema of a condition held in parameter ``param`` (its references name that parameter)."""
    node = f"#/properties/{param}/$defs/node"
    return {
        "$ref": node,
        "$defs": {
            "node": {
                "oneOf": [
                    {
                        "type": "object",
                        "required": ["path", "op"],
                        "additionalProperties": False,
                        "properties": {
                            "path": {"type": "string", "minLength": 1},
                            "op": {"enum": list(OPERATORS)},
                            "value": {},
                        },
                    },
                    {"type": "object", "required": ["all"], "additionalProperties": False,
                     "properties": {"all": {"type": "array", "minItems": 1, "items": {"$ref": node}}}},
                    {"type": "object", "required": ["any"], "additionalProperties": False,
                     "properties": {"any": {"type": "array", "minItems": 1, "items": {"$ref": node}}}},
                    {"type": "object", "required": ["not"], "additionalProperties": False,
                     "properties": {"not": {"$ref": node}}},
                ]
            }
        },
    }


CONDITION_SCHEMA = condition_schema("condition")


def _descend(value: Any, parts: tuple[str, ...]) -> Any:
    for part in parts:
        if isinstance(value, dict):
            value = value.get(part, _MISSING)
        elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        else:
            return _MISSING
        if value is _MISSING:
            return _MISSING
    return value


def _matches(actual: Any, expected: Any) -> bool:
    return re.search(str(expected), str(actual)) is not None


# Each operator on (actual, expected), for an actual value that is there.
_TESTS: dict[str, Callable[[Any, Any], bool]] = {
    "eq": operator.eq, "ne": operator.ne, "lt": operator.lt, "le": operator.le, "gt": operator.gt,
    "ge": operator.ge, "in": lambda actual, expected: actual in expected,
    "not_in": lambda actual, expected: actual not in expected, "contains": operator.contains,
    "matches": _matches,
}


def _value_test(op: str, expected: Any) -> Callable[[Any], bool]:
    """Operator ``op`` against ``expected``, as a test of the actual value (:data:`_MISSING` when not there)."""
    if op == "exists":
        return lambda actual: actual is not _MISSING and actual is not None
    if op == "absent":
        return lambda actual: actual is _MISSING or actual is None
    if op not in _TESTS:
        raise ValueError(f"unknown operator {op!r}")
    compare = _TESTS[op]

    def test(actual: Any) -> bool:
        if actual is _MISSING:
            return False  # what is not there cannot be shown compliant
        try:
            return bool(compare(actual, expected))
        except TypeError:
            return False  # e.g. "300" < 600: a value of the wrong type is not compliant

    return test


Test = Callable[[Resource, dict[str, Any]], bool]


def _compile(node: dict[str, Any]) -> Test:
    """The condition as nested closures: paths split and operators looked up once per control, not per resource."""
    # all()/any() get lists, not generators, on purpose: every leaf must run so that
    # ``observed`` holds every path the message may name, not only those before a short-circuit.
    if "all" in node:
        every = [_compile(child) for child in node["all"]]
        return lambda resource, observed: all([test(resource, observed) for test in every])
    if "any" in node:
        some = [_compile(child) for child in node["any"]]
        return lambda resource, observed: any([test(resource, observed) for test in some])
    if "not" in node:
        inner = _compile(node["not"])
        return lambda resource, observed: not inner(resource, observed)
    path = node["path"]
    holds = _value_test(node["op"], node.get("value"))
    head, _, rest = path.partition(".")
    parts = tuple(rest.split(".")) if rest else ()

    def leaf(resource: Resource, observed: dict[str, Any]) -> bool:
        if resource.unreadable:
            resource.ensure_readable(path)  # an unreadable attribute, or any unreadable prefix, is an error
        actual = resource.attributes.get(head, _MISSING)
        if parts:
            actual = _descend(actual, parts)
        observed[path] = None if actual is _MISSING else actual
        return holds(actual)

    return leaf


def describe(node: dict[str, Any]) -> str:
    if "all" in node:
        return "(" + " and ".join(describe(c) for c in node["all"]) + ")"
    if "any" in node:
        return "(" + " or ".join(describe(c) for c in node["any"]) + ")"
    if "not" in node:
        return f"not {describe(node['not'])}"
    value = "" if node["op"] in ("exists", "absent") else f" {node.get('value')!r}"
    return f"{node['path']} {node['op']}{value}"


@dataclass(frozen=True, slots=True)
class Plan:
    """A control's parameters made ready once: compiled tests, the description, message pieces."""

    test: Test
    expected: str
    pass_pieces: tuple[str, ...]
    fail_pieces: tuple[str, ...]
    scope: Test | None = None
    out_of_scope: str = ""


def make_plan(params: dict[str, Any]) -> Plan:
    """``params`` made ready once per control (the check's ``prepare``)."""
    expected = describe(params["condition"])
    scope = params.get("only_if")
    return Plan(_compile(params["condition"]), expected,
                 _pieces(params.get("pass_message") or f"{expected} holds"),
                 _pieces(params.get("fail_message") or f"expected {expected}"),
                 _compile(scope) if scope is not None else None,
                 f"not in scope: {describe(scope)} does not hold" if scope is not None else "")


PLACEHOLDER = re.compile(r"\{([A-Za-z0-9_.]+)\}")


def _pieces(template: str) -> tuple[str, ...]:
    """``template`` split into literal text (even indexes) and placeholder paths (odd indexes)."""
    return tuple(PLACEHOLDER.split(template))


def render(pieces: tuple[str, ...], observed: dict[str, Any]) -> str:
    """Fill the ``{path}`` placeholders of a template's pieces with the observed values (``unset`` when absent)."""
    if len(pieces) == 1:
        return pieces[0]
    out = []
    for index, piece in enumerate(pieces):
        if index % 2 == 0:
            out.append(piece)
        elif piece not in observed:
            out.append("{" + piece + "}")
        else:
            out.append("unset" if observed[piece] is None else str(observed[piece]))
    return "".join(out)


def referenced_paths(params: dict[str, Any]) -> Iterator[tuple[tuple[Any, ...], str]]:
    """(place in params, path) for each leaf of the condition and each ``{path}`` in a message."""

    def leaves(node: Any, place: tuple[Any, ...]) -> Iterator[tuple[tuple[Any, ...], str]]:
        for key in ("all", "any"):
            for index, child in enumerate(node.get(key) or []):
                yield from leaves(child, (*place, key, index))
        if "not" in node:
            yield from leaves(node["not"], (*place, "not"))
        if "path" in node:
            yield (*place, "path"), node["path"]

    yield from leaves(params["condition"], ("condition",))
    if "only_if" in params:
        yield from leaves(params["only_if"], ("only_if",))
    for key in ("pass_message", "fail_message"):
        for path in PLACEHOLDER.findall(params.get(key) or ""):
            yield (key,), path


@check("attribute", resource_type=None, params={
    "condition": CONDITION_SCHEMA,
    "only_if": condition_schema("only_if"),
    "pass_message": {"type": "string"},
    "fail_message": {"type": "string"},
}, required=["condition"], paths_in_params=referenced_paths, prepare=make_plan)
def attribute(resource: Resource, plan: Plan) -> Outcome:
    """Pass when the condition on the resource's attributes holds.

    ``pass_message``/``fail_message`` may name observed paths in braces, e.g.
    ``PASS_MAX_DAYS is {settings.PASS_MAX_DAYS}``.
    """
    if plan.scope is not None and not plan.scope(resource, {}):
        raise NotApplicable(plan.out_of_scope)
    observed: dict[str, Any] = {}
    if plan.test(resource, observed):
        return Outcome(Status.PASS, render(plan.pass_pieces, observed), {"observed": observed, "expected": plan.expected})
    return Outcome(Status.FAIL, render(plan.fail_pieces, observed), {"observed": observed, "expected": plan.expected})
