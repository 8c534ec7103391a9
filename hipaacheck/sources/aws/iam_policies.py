"""IAM policies judged one by one: customer-managed policies (and the AWS-managed ones attached to
something), and every inline policy of users, groups and roles."""
from __future__ import annotations

from functools import partial
from typing import Any, Iterator

from ...model import Resource
from ._listing import read_each
from .context import AwsContext
from .iam import managed_policy_document
from .iam_listing import PRINCIPAL_KEYS, inline_policy_document, inline_policy_names, principals
from .registry import aws_collector



@aws_collector("aws.iam.policy", service="iam", is_global=True,
               calls=("iam:GetPolicyVersion", "iam:ListPolicies"))
def policies(ctx: AwsContext, region: str | None) -> Iterator[Resource]:
    """Every customer-managed policy, attached or not, and the AWS-managed policies attached to something."""
    listed = (ctx.paginate("iam", None, "list_policies", "Policies", Scope="Local")
              + ctx.paginate("iam", None, "list_policies", "Policies", Scope="AWS", OnlyAttached=True))
    resources = [ctx.resource("aws.iam.policy", p["Arn"], None, name=p["PolicyName"],
                              managed_by="customer" if ":aws:policy/" not in p["Arn"] else "aws",
                              attachment_count=p.get("AttachmentCount", 0), default_version=p.get("DefaultVersionId"))
                 for p in listed]
    read_each(ctx, resources, "document",
              lambda r: managed_policy_document(ctx, r.id, r.attributes["default_version"]))
    yield from resources


def _inline(ctx: AwsContext, kind: str, principal: dict[str, Any]) -> list[Resource]:
    """The principal's inline policies; when they cannot be listed, one unreadable stand-in (``#*``),
    so the principal's policies are an ``error`` finding, not silently absent."""
    name = principal[PRINCIPAL_KEYS[kind][1]]
    try:
        names = inline_policy_names(ctx, kind, name)
    except Exception as exc:  # noqa: BLE001 - recorded on the stand-in
        unseen = ctx.resource("aws.iam.inline_policy", f"{principal['Arn']}#*", None, name="*",
                              principal_type=kind, principal=name)
        unseen.unreadable["*"] = ctx.reason(exc)
        return [unseen]
    resources = [ctx.resource("aws.iam.inline_policy", f"{principal['Arn']}#{policy}", None, name=policy,
                              principal_type=kind, principal=name) for policy in names]
    for resource in resources:
        ctx.read(resource, "document", lambda: inline_policy_document(ctx, kind, name, resource.attributes["name"]))
    return resources


@aws_collector("aws.iam.inline_policy", service="iam", is_global=True,
               calls=("iam:GetGroupPolicy", "iam:GetRolePolicy", "iam:GetUserPolicy", "iam:ListGroupPolicies",
                      "iam:ListGroups", "iam:ListRolePolicies", "iam:ListRoles", "iam:ListUserPolicies",
                      "iam:ListUsers"))
def inline_policies(ctx: AwsContext, region: str | None) -> Iterator[Resource]:
    """Inline policies of every user, group and role (service-linked roles' are AWS's own: left out)."""
    for kind in PRINCIPAL_KEYS:
        own = [p for p in principals(ctx, kind) if not p.get("Path", "/").startswith("/aws-service-role/")]
        for found in ctx.map(partial(_inline, ctx, kind), own):
            yield from found
