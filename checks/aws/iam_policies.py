"""IAM policies judged one by one: no statement grants every action on every resource (``*:*``) or a
whole service (``service:*``)."""
from __future__ import annotations

from typing import Any

from hipaacheck.aws_policies import full_service_actions, grants_full_admin
from hipaacheck.model import NotApplicable, Outcome, Resource, failed, passed
from hipaacheck.registry import check


@check("aws.iam.policy_grants", resource_type=None, reads=("document", "managed_by"), params={
    "deny": {"enum": ["admin", "full_service"]},
    "managed_by": {"type": "array", "items": {"enum": ["customer", "aws"]}, "default": ["customer", "aws"]},
}, required=["deny"])
def policy_grants(resource: Resource, params: dict[str, Any]) -> Outcome:
    """``admin``: no Allow of ``*`` on ``*``; ``full_service``: no Allow of any ``service:*`` action.
    Only policies ``managed_by`` the named owners are judged (inline policies are the customer's)."""
    owner = resource.get("managed_by") or "customer"
    if owner not in params["managed_by"]:
        raise NotApplicable(f"{owner}-managed policy: this control judges {', '.join(params['managed_by'])} policies")
    document = resource.get("document")
    if params["deny"] == "admin":
        if grants_full_admin(document):
            return failed("policy allows every action on every resource (*:*)", grants="*:*")
        return passed("policy does not allow *:*")
    actions = full_service_actions(document)
    if actions:
        return failed(f"policy allows whole services: {', '.join(actions[:5])}", actions=actions)
    return passed("policy allows no service:* action", actions=[])
