"""IAM listings that several collectors read (users, roles, inline policies), made once per run.

The user collector and the inline-policy collector both need every user and each user's inline
policies; the role and inline-policy collectors both list roles. Each listing is a
:meth:`~hipaacheck.sources.aws.context.AwsContext.memo`, so a failure is remembered too and
every reader reports it, naming the call that failed.
"""
from __future__ import annotations

from typing import Any

from .context import AwsContext

# kind -> (its list operation's result key, the parameter naming one principal)
PRINCIPAL_KEYS = {"user": ("Users", "UserName"), "group": ("Groups", "GroupName"), "role": ("Roles", "RoleName")}


def principals(ctx: AwsContext, kind: str) -> list[dict[str, Any]]:
    """Every IAM ``kind`` (user, group, role) of the account, as its List operation returns them."""
    result = PRINCIPAL_KEYS[kind][0]
    return ctx.memo(("iam", "principals", kind), lambda: ctx.paginate("iam", None, f"list_{kind}s", result))


def inline_policy_names(ctx: AwsContext, kind: str, name: str) -> list[str]:
    """The names of one principal's inline policies."""
    key = PRINCIPAL_KEYS[kind][1]
    return ctx.memo(("iam", "inline_names", kind, name), lambda: ctx.paginate(
        "iam", None, f"list_{kind}_policies", "PolicyNames", **{key: name}))


def inline_policy_document(ctx: AwsContext, kind: str, name: str, policy: str) -> Any:
    """One inline policy's document."""
    key = PRINCIPAL_KEYS[kind][1]
    get = getattr(ctx.client("iam"), f"get_{kind}_policy")
    return ctx.memo(("iam", "inline_document", kind, name, policy),
                    lambda: get(**{key: name}, PolicyName=policy)["PolicyDocument"])
