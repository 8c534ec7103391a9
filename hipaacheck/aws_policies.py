"""Reading IAM policy documents (identity and resource policies) for the checks that judge them.

Pure functions of a parsed document; every check that asks "who may do what" uses these, so S3, Lambda
and IAM judge principals, actions and conditions the same way.
"""
from __future__ import annotations

from fnmatch import fnmatchcase
from typing import Any, Callable, Iterator

# Condition keys that pin a public principal to known callers: such a statement is not open to everyone.
# S3 Block Public Access settings, as S3 names them at the bucket and the account level
PAB_FLAGS = ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets")
RESTRICTING_KEYS = {"aws:sourcearn", "aws:sourceaccount", "aws:sourceowner", "aws:principalorgid",
                    "aws:principalaccount", "aws:principalarn", "aws:sourcevpc", "aws:sourcevpce",
                    "aws:sourceip", "aws:userid", "aws:username", "aws:principalorgpaths", "lambda:functionurlauthtype",
                    "aws:sourceorgid", "aws:sourceorgpaths"}
OPEN_VALUES = {"*", "0.0.0.0/0", "::/0"}  # condition values that pin nothing down


def as_list(value: Any) -> list:
    return value if isinstance(value, list) else [] if value is None else [value]


def statements(document: Any) -> Iterator[dict[str, Any]]:
    """The statements of a policy document (a single statement object counts as a list of one)."""
    if isinstance(document, dict):
        yield from (s for s in as_list(document.get("Statement")) if isinstance(s, dict))


def public_principal(statement: dict[str, Any]) -> bool:
    """``Principal: "*"`` or ``{"AWS": "*"}`` (any account, signed or not), or ``NotPrincipal`` (everyone
    but the few it names)."""
    if "NotPrincipal" in statement:
        return True
    principal = statement.get("Principal")
    if principal == "*":
        return True
    return isinstance(principal, dict) and "*" in as_list(principal.get("AWS"))


# Condition operators that tie a key to the values named. Negated ones (StringNotEquals: everyone but
# these) and ...IfExists ones (true when the key is absent, as on a direct call) tie it to nothing.
TYING_OPERATORS = {"stringequals", "stringequalsignorecase", "stringlike", "arnequals", "arnlike", "ipaddress"}


def restricted(statement: dict[str, Any]) -> bool:
    """The statement has a condition tying it to named accounts, sources, networks or organizations; a
    value that names everyone (``*``, ``0.0.0.0/0``) ties it to nothing."""
    conditions = statement.get("Condition") or {}
    return any(_ties(operator) and key.lower() in RESTRICTING_KEYS
               and not all(str(v) in OPEN_VALUES for v in as_list(values))
               for operator, block in conditions.items() if isinstance(block, dict) for key, values in block.items())


def _ties(operator: str) -> bool:
    name = operator.lower()
    return name.removeprefix("foranyvalue:") in TYING_OPERATORS


def allows(statement: dict[str, Any], action: str) -> bool:
    """The statement's Action (wildcards included) covers ``action`` (``s3:GetObject``); a ``NotAction``
    statement covers every action it does not name."""
    if "NotAction" in statement:
        return not _matches(action, statement.get("NotAction"))
    return _matches(action, statement.get("Action"))


def _matches(action: str, patterns: Any) -> bool:
    return any(fnmatchcase(action.lower(), str(p).lower()) for p in as_list(patterns))


def public_grants(document: Any, actions: tuple[str, ...]) -> list[str]:
    """Sids (or positions) of Allow statements that let anyone do one of ``actions``, unconditionally."""
    found = []
    for index, statement in enumerate(statements(document)):
        if (statement.get("Effect") == "Allow" and public_principal(statement) and not restricted(statement)
                and any(allows(statement, action) for action in actions)):
            found.append(str(statement.get("Sid") or f"statement {index + 1}"))
    return found


def grants_full_admin(document: Any) -> bool:
    """An Allow of every action (``*`` or ``*:*``) on every resource."""
    for statement in statements(document):
        if statement.get("Effect") != "Allow":
            continue
        if (any(a in ("*", "*:*") for a in as_list(statement.get("Action")))
                and "*" in as_list(statement.get("Resource"))):
            return True
    return False


def full_service_actions(document: Any) -> list[str]:
    """``service:*`` actions an Allow statement grants (full access to a whole service)."""
    return sorted({str(a) for s in statements(document) if s.get("Effect") == "Allow"
                   for a in as_list(s.get("Action")) if str(a).endswith(":*") and str(a) != "*:*"})


def denied_to_everyone(document: Any, actions: tuple[str, ...], resource_of: Callable[[str], str]) -> list[str]:
    """Of ``actions``, those an unconditional Deny covers for every principal (``Principal: "*"``, not a
    ``NotPrincipal`` that exempts some) and every resource: a conditional Deny may exempt anyone, and a
    Resource pattern counts only if it matches ``resource_of(action)``, an ARN no policy would name (so
    ``recovery-point:one*`` covers one recovery point, not all of them)."""
    denying = [s for s in statements(document)
               if s.get("Effect") == "Deny" and "NotPrincipal" not in s and public_principal(s)
               and not s.get("Condition")]
    return [action for action in actions
            if any(allows(s, action) and any(fnmatchcase(resource_of(action), str(r)) for r in as_list(s.get("Resource")))
                   for s in denying)]
