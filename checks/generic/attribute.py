"""``attribute``: a condition on resource attributes, written in the control with no Python.

Each leaf is ``{path, op, value}``; leaves combine with ``all``, ``any`` and
``not``. A path is dotted (``settings.permitrootlogin``, ``rules.0.days``).
A path that does not exist fails every operator except ``absent``: what is
not there cannot be shown compliant. ``only_if`` (a condition of the same form) limits the control to
the resources it holds for; the others are ``skip`` with the unmet condition as the reason.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, Iterator

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


def lookup(resource: Resource, path: str) -> Any:
    resource.ensure_readable(path)  # an unreadable attribute, or any unreadable prefix, is an error
    head, _, rest = path.partition(".")
    value = resource.attributes.get(head, _MISSING)
    for part in rest.split(".") if rest else []:
        if isinstance(value, dict):
            value = value.get(part, _MISSING)
        elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        else:
            return _MISSING
        if value is _MISSING:
            return _MISSING
    return value


def _compare(op: str, actual: Any, expected: Any) -> bool:
    if op == "exists":
        return actual is not _MISSING and actual is not None
    if op == "absent":
        return actual is _MISSING or actual is None
    if actual is _MISSING:
        return False
    try:
        if op == "eq":
            return actual == expected
        if op == "ne":
            return actual != expected
        if op == "lt":
            return actual < expected
        if op == "le":
            return actual <= expected
        if op == "gt":
            return actual > expected
        if op == "ge":
            return actual >= expected
        if op == "in":
            return actual in expected
        if op == "not_in":
            return actual not in expected
        if op == "contains":
            return expected in actual
        if op == "matches":
            return re.search(str(expected), str(actual)) is not None
    except TypeError:
        return False  # e.g. "300" < 600: a value of the wrong type is not compliant
    raise ValueError(f"unknown operator {op!r}")


def evaluate(node: dict[str, Any], resource: Resource, observed: dict[str, Any]) -> bool:
    # all()/any() get lists, not generators, on purpose: every leaf must run so that
    # ``observed`` holds every path the message may name, not only those before a short-circuit.
    if "all" in node:
        return all([evaluate(child, resource, observed) for child in node["all"]])
    if "any" in node:
        return any([evaluate(child, resource, observed) for child in node["any"]])
    if "not" in node:
        return not evaluate(node["not"], resource, observed)
    actual = lookup(resource, node["path"])
    observed[node["path"]] = None if actual is _MISSING else actual
    return _compare(node["op"], actual, node.get("value"))


def describe(node: dict[str, Any]) -> str:
    if "all" in node:
        return "(" + " and ".join(describe(c) for c in node["all"]) + ")"
    if "any" in node:
        return "(" + " or ".join(describe(c) for c in node["any"]) + ")"
    if "not" in node:
        return f"not {describe(node['not'])}"
    value = "" if node["op"] in ("exists", "absent") else f" {node.get('value')!r}"
    return f"{node['path']} {node['op']}{value}"


_DESCRIBED: dict[int, tuple[dict[str, Any], str]] = {}  # id(condition) -> (condition, description)


def described(condition: dict[str, Any]) -> str:
    """:func:`describe`, once per condition object: a control's condition is the same dict for every
    resource it evaluates. The condition itself is kept in the entry, so its id cannot be reused."""
    entry = _DESCRIBED.get(id(condition))
    if entry is None or entry[0] is not condition:
        if len(_DESCRIBED) > 4096:
            _DESCRIBED.clear()
        entry = _DESCRIBED[id(condition)] = (condition, describe(condition))
    return entry[1]


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
    if scope is not None and not evaluate(scope, resource, {}):
        raise NotApplicable(f"not in scope: {describe(scope)} does not hold")
    condition = params["condition"]
    ok = evaluate(condition, resource, observed)
    expected = described(condition)
    evidence = {"observed": observed, "expected": expected}
    if ok:
        return Outcome("pass", render(params.get("pass_message") or f"{expected} holds", observed), evidence)
    return Outcome("fail", render(params.get("fail_message") or f"expected {expected}", observed), evidence)
