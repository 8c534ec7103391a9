"""S3 buckets readable or writable by everyone through the bucket policy or the ACL, with Block Public
Access as S3 enforces it: per setting, the account's or the bucket's (RestrictPublicBuckets voids a public
policy, IgnorePublicAcls a public ACL). A public grant that an unread level might void is an error."""
from __future__ import annotations

from typing import Any

from hipaacheck.aws_policies import public_grants
from hipaacheck.model import Outcome, Resource, Unreadable, failed, passed
from hipaacheck.registry import check

PUBLIC_GROUPS = ("http://acs.amazonaws.com/groups/global/AllUsers",
                 "http://acs.amazonaws.com/groups/global/AuthenticatedUsers")
ACTIONS = {"read": ("s3:GetObject", "s3:ListBucket", "s3:GetObjectVersion"),
           "write": ("s3:PutObject", "s3:DeleteObject", "s3:PutObjectAcl", "s3:PutBucketPolicy")}
ACL_PERMISSIONS = {"read": {"READ", "FULL_CONTROL"}, "write": {"WRITE", "WRITE_ACP", "FULL_CONTROL"}}


@check("aws.s3.no_public_access", resource_type="aws.s3.bucket",
       reads=("policy", "acl_grants", "effective_public_access_block"), params={"access": {"enum": ["read", "write"]}},
       required=["access"])
def no_public_access(resource: Resource, params: dict[str, Any]) -> Outcome:
    """Neither the policy nor the ACL lets everyone ``access`` the bucket, after Block Public Access."""
    access = params["access"]
    statements = public_grants(resource.get("policy"), ACTIONS[access])
    acl = resource.get("acl_grants")  # None: not read, since IgnorePublicAcls voids any public grant
    grants = sorted({f"{g['uri'].rsplit('/', 1)[-1]}:{g['permission']}" for g in acl or []
                     if g.get("uri") in PUBLIC_GROUPS and g.get("permission") in ACL_PERMISSIONS[access]})
    effective = resource.get("effective_public_access_block") or {}
    restrict = _voids(effective, "RestrictPublicBuckets", bool(statements))
    ignore = _voids(effective, "IgnorePublicAcls", bool(grants))
    effective_policy = [] if restrict else statements
    effective_acl = [] if ignore else grants
    evidence: dict[str, Any] = {"policy_statements": statements, "acl_grants": grants if acl is not None else None,
                                "restrict_public_buckets": restrict, "ignore_public_acls": ignore,
                                "blocked_by": sorted({level for flag in ("RestrictPublicBuckets", "IgnorePublicAcls")
                                                      for level in (effective.get(flag) or {}).get("set_by") or []})}
    if effective_policy or effective_acl:
        parts = ([f"policy statements {', '.join(effective_policy)}"] if effective_policy else []) + (
            [f"ACL grants {', '.join(effective_acl)}"] if effective_acl else [])
        return failed(f"public {access} access through {' and '.join(parts)}", **evidence)
    levels = " and ".join(evidence["blocked_by"]) or "bucket"
    voided = f" (public grants present but blocked by Block Public Access at the {levels} level)" \
        if statements or grants else ""
    return passed(f"no public {access} access{voided}", **evidence)


def _voids(effective: dict[str, Any], flag: str, needed: bool) -> bool:
    """Whether Block Public Access ``flag`` is in effect; when it decides the outcome (``needed``) and a level
    could not be read, that is unreadable, not a guess."""
    state = effective.get(flag) or {}
    if state.get("enabled") is None and needed:
        raise Unreadable("effective_public_access_block", state.get("unread") or "Block Public Access unknown")
    return state.get("enabled") is True
