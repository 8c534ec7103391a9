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
from functools import lru_cache
from typing import Any, Callable, Iterator

from hipaacheck.model import NotApplicable, Outcome, Resource
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


def _compare(op: str, actual: Any, expected: Any) -> bool:
    if op == "exists":
        return actual is not _MISSING and actual is not None
    if op == "absent":
        return actual is _MISSING or actual is None
    if op not in _TESTS:
        raise ValueError(f"unknown operator {op!r}")
    if actual is _MISSING:
        return False
    try:
        return bool(_TESTS[op](actual, expected))
    except TypeError:
        return False  # e.g. "300" < 600: a value of the wrong type is not compliant


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
    path, op, expected = node["path"], node["op"], node.get("value")
    head, _, rest = path.partition(".")
    parts = tuple(rest.split(".")) if rest else ()

    def leaf(resource: Resource, observed: dict[str, Any]) -> bool:
        if resource.unreadable:
            resource.ensure_readable(path)  # an unreadable attribute, or any unreadable prefix, is an error
        actual = resource.attributes.get(head, _MISSING)
        if parts:
            actual = _descend(actual, parts)
        observed[path] = None if actual is _MISSING else actual
        return _compare(op, actual, expected)

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


_COMPILED: dict[int, tuple[dict[str, Any], Test, str]] = {}  # id(condition) -> (condition, test, description)


def _per_condition(condition: dict[str, Any]) -> tuple[Test, str]:
    """The compiled test and the description of ``condition``, made once per condition object: a control's
    condition is the same dict for every resource it evaluates. The condition is kept in the entry, so
    its id cannot be reused while the entry lives."""
    entry = _COMPILED.get(id(condition))
    if entry is None or entry[0] is not condition:
        if len(_COMPILED) > 4096:
            _COMPILED.clear()
        entry = _COMPILED[id(condition)] = (condition, _compile(condition), describe(condition))
    return entry[1], entry[2]


PLACEHOLDER = re.compile(r"\{([A-Za-z0-9_.]+)\}")


@lru_cache(maxsize=4096)
def _pieces(template: str) -> tuple[str, ...]:
    """``template`` split into literal text (even indexes) and placeholder paths (odd indexes)."""
    return tuple(PLACEHOLDER.split(template))


def render(template: str, observed: dict[str, Any]) -> str:
    """Fill ``{path}`` placeholders with the observed values (``unset`` when absent)."""
    pieces = _pieces(template)
    if len(pieces) == 1:
        return template
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
}, required=["condition"], paths_in_params=referenced_paths)
def attribute(resource: Resource, params: dict[str, Any]) -> Outcome:
    """Pass when the condition on the resource's attributes holds.

    ``pass_message``/``fail_message`` may name observed paths in braces, e.g.
    ``PASS_MAX_DAYS is {settings.PASS_MAX_DAYS}``.
    """
    observed: dict[str, Any] = {}
    scope = params.get("only_if")
    if scope is not None:
        in_scope, scope_text = _per_condition(scope)
        if not in_scope(resource, {}):
            raise NotApplicable(f"not in scope: {scope_text} does not hold")
    test, expected = _per_condition(params["condition"])
    ok = test(resource, observed)
    evidence = {"observed": observed, "expected": expected}
    if ok:
        return Outcome("pass", render(params.get("pass_message") or f"{expected} holds", observed), evidence)
    return Outcome("fail", render(params.get("fail_message") or f"expected {expected}", observed), evidence)
