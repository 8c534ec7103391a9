"""S3 buckets readable or writable by everyone through the bucket policy or the ACL, with the bucket's
Block Public Access settings taken into account (RestrictPublicBuckets voids a public policy,
IgnorePublicAcls a public ACL)."""
from __future__ import annotations

from typing import Any

from hipaacheck.aws_policies import public_grants
from hipaacheck.model import Outcome, Resource, failed, passed
from hipaacheck.registry import check

PUBLIC_GROUPS = ("http://acs.amazonaws.com/groups/global/AllUsers",
                 "http://acs.amazonaws.com/groups/global/AuthenticatedUsers")
ACTIONS = {"read": ("s3:GetObject", "s3:ListBucket", "s3:GetObjectVersion"),
           "write": ("s3:PutObject", "s3:DeleteObject", "s3:PutObjectAcl", "s3:PutBucketPolicy")}
ACL_PERMISSIONS = {"read": {"READ", "FULL_CONTROL"}, "write": {"WRITE", "WRITE_ACP", "FULL_CONTROL"}}


@check("aws.s3.no_public_access", resource_type="aws.s3.bucket",
       reads=("policy", "acl_grants", "public_access_block"), params={"access": {"enum": ["read", "write"]}},
       required=["access"])
def no_public_access(resource: Resource, params: dict[str, Any]) -> Outcome:
    """Neither the policy nor the ACL lets everyone ``access`` the bucket, after Block Public Access."""
    access = params["access"]
    block = resource.get("public_access_block") or {}
    statements = public_grants(resource.get("policy"), ACTIONS[access])
    grants = sorted({f"{g['uri'].rsplit('/', 1)[-1]}:{g['permission']}" for g in resource.get("acl_grants") or []
                     if g.get("uri") in PUBLIC_GROUPS and g.get("permission") in ACL_PERMISSIONS[access]})
    effective_policy = statements if not block.get("RestrictPublicBuckets") else []
    effective_acl = grants if not block.get("IgnorePublicAcls") else []
    evidence: dict[str, Any] = {"policy_statements": statements, "acl_grants": grants,
                "restrict_public_buckets": bool(block.get("RestrictPublicBuckets")),
                "ignore_public_acls": bool(block.get("IgnorePublicAcls"))}
    if effective_policy or effective_acl:
        parts = ([f"policy statements {', '.join(effective_policy)}"] if effective_policy else []) + (
            [f"ACL grants {', '.join(effective_acl)}"] if effective_acl else [])
        return failed(f"public {access} access through {' and '.join(parts)}", **evidence)
    voided = " (public grants present but blocked by Block Public Access)" if statements or grants else ""
    return passed(f"no public {access} access{voided}", **evidence)
