"""S3: buckets (listed once, globally, with their regions where ListBuckets reports them; each read in
its own region) and account Block Public Access.

A bucket's ``effective_public_access_block`` is what S3 enforces: per setting, the stricter of the
account's and the bucket's (on at either level is on), with the levels that hold it.
"""
from __future__ import annotations

import json
from typing import Any, Iterator

from ...aws_policies import PAB_FLAGS
from ...model import Resource
from .registry import aws_collector
from .context import AwsContext, iso

NO_ENCRYPTION = ("ServerSideEncryptionConfigurationNotFoundError",)
NO_PAB = ("NoSuchPublicAccessBlockConfiguration",)
NO_POLICY = ("NoSuchBucketPolicy",)
NO_OBJECT_LOCK = ("ObjectLockConfigurationNotFoundError",)
LIST_PAGE = 10000  # ListBuckets MaxBuckets limit


def bucket_region(location: dict[str, Any]) -> str:
    """GetBucketLocation answers None for us-east-1 and 'EU' for the oldest eu-west-1 buckets."""
    constraint = location.get("LocationConstraint")
    return {None: "us-east-1", "": "us-east-1", "EU": "eu-west-1"}.get(constraint) or str(constraint)


def _encryption(answer: dict[str, Any]) -> list[dict[str, Any]]:
    rules = answer.get("ServerSideEncryptionConfiguration", {}).get("Rules", [])
    return [{"algorithm": r.get("ApplyServerSideEncryptionByDefault", {}).get("SSEAlgorithm"),
             "kms_key_id": r.get("ApplyServerSideEncryptionByDefault", {}).get("KMSMasterKeyID"),
             "bucket_key": r.get("BucketKeyEnabled", False)} for r in rules]


def _region(ctx: AwsContext, resource: Resource, listed: dict[str, Any]) -> str | None:
    """The bucket's region: from ListBuckets (``BucketRegion``) when the endpoint reports it, else
    from GetBucketLocation; None, with the whole resource marked unreadable, when that fails."""
    if listed.get("BucketRegion"):
        return listed["BucketRegion"]
    try:
        return bucket_region(ctx.client("s3").get_bucket_location(Bucket=listed["Name"]))
    except Exception as exc:  # noqa: BLE001 - every other read depends on the region
        resource.unreadable["*"] = ctx.reason(exc)
        return None


def _read_bucket(ctx: AwsContext, listed: dict[str, Any]) -> Resource:
    name = listed["Name"]
    resource = ctx.resource("aws.s3.bucket", f"arn:{ctx.partition}:s3:::{name}", None, name=name,
                            created=iso(listed.get("CreationDate")))
    resource.region = _region(ctx, resource, listed)
    if resource.region is None:
        return resource
    s3 = ctx.client("s3", resource.region)
    ctx.read(resource, "encryption", lambda: _encryption(s3.get_bucket_encryption(Bucket=name)), NO_ENCRYPTION, [])
    ctx.read(resource, "public_access_block",
             lambda: s3.get_public_access_block(Bucket=name)["PublicAccessBlockConfiguration"], NO_PAB, None)
    ctx.read(resource, "policy", lambda: json.loads(s3.get_bucket_policy(Bucket=name)["Policy"]), NO_POLICY, None)
    if ctx.wants(resource.type, "acl_grants") and _acl_ignored(ctx, resource):
        resource.attributes["acl_grants"] = None  # S3 ignores the ACL: GetBucketAcl would decide nothing
    else:
        ctx.read(resource, "acl_grants", lambda: _grants(s3.get_bucket_acl(Bucket=name)))
    ctx.read(resource, "versioning", lambda: s3.get_bucket_versioning(Bucket=name).get("Status", "Disabled"))
    ctx.read(resource, "logging", lambda: _logging(s3.get_bucket_logging(Bucket=name)))
    ctx.read(resource, "object_lock", lambda: _object_lock(s3.get_object_lock_configuration(Bucket=name)),
             NO_OBJECT_LOCK, {"enabled": False})
    return resource


def _acl_ignored(ctx: AwsContext, resource: Resource) -> bool:
    """Whether IgnorePublicAcls, read at the bucket or the account level, makes S3 ignore every public ACL
    grant on the bucket (the default for buckets made since April 2023). An unread level decides nothing."""
    if (resource.attributes.get("public_access_block") or {}).get("IgnorePublicAcls") is True:
        return True
    try:
        account = account_pab(ctx)  # read once per run; the effective settings need it anyway
    except Exception:  # noqa: BLE001 - then the ACL is read, and the failure reported where it matters
        return False
    return (account or {}).get("IgnorePublicAcls") is True


def _grants(answer: dict[str, Any]) -> list[dict[str, Any]]:
    """ACL grants as (grantee kind, group URI or id, permission); an owner's own grant is kept too."""
    return [{"type": (g.get("Grantee") or {}).get("Type"), "uri": (g.get("Grantee") or {}).get("URI"),
             "id": (g.get("Grantee") or {}).get("ID"), "permission": g.get("Permission")}
            for g in answer.get("Grants") or []]


def _logging(answer: dict[str, Any]) -> dict[str, Any] | None:
    enabled = answer.get("LoggingEnabled")
    if not enabled:
        return None
    return {"target_bucket": enabled.get("TargetBucket"), "target_prefix": enabled.get("TargetPrefix", "")}


def _object_lock(answer: dict[str, Any]) -> dict[str, Any]:
    config = answer.get("ObjectLockConfiguration", {})
    retention = config.get("Rule", {}).get("DefaultRetention", {})
    return {"enabled": config.get("ObjectLockEnabled") == "Enabled", "mode": retention.get("Mode"),
            "days": retention.get("Days"), "years": retention.get("Years")}


def account_pab(ctx: AwsContext) -> dict[str, Any] | None:
    """The account's Block Public Access settings, once per run; None when none is set."""

    def fetch() -> dict[str, Any] | None:
        try:
            return ctx.client("s3control").get_public_access_block(AccountId=ctx.account)[
                "PublicAccessBlockConfiguration"]
        except Exception as exc:
            if ctx.describe(exc)[0] in NO_PAB:
                return None
            raise

    return ctx.memo(("s3control", "public_access_block"), fetch)


def effective_pab(bucket: dict[str, Any] | None, bucket_unread: str | None, account: dict[str, Any] | None,
                  account_unread: str | None) -> dict[str, dict[str, Any]]:
    """Per setting, what S3 enforces: ``enabled`` when the bucket or the account sets it (``set_by`` names
    which), not when neither does, ``enabled: None`` with the reason when an unread level could be the one."""
    levels = {"account": (account or {}, account_unread), "bucket": (bucket or {}, bucket_unread)}
    effective = {}
    for flag in PAB_FLAGS:
        set_by = [level for level, (config, unread) in levels.items() if not unread and config.get(flag) is True]
        unread = "; ".join(f"{level}: {reason}" for level, (_, reason) in levels.items() if reason)
        enabled = True if set_by else None if unread else False
        effective[flag] = {"enabled": enabled, "set_by": set_by, "unread": unread if enabled is None else None}
    return effective


def _mark_effective_pab(ctx: AwsContext, resources: list[Resource]) -> None:
    if not resources:
        return  # no bucket: no call for the account's settings
    try:
        account, account_unread = account_pab(ctx), None
    except Exception as exc:  # noqa: BLE001 - a setting the bucket holds itself is still known
        account, account_unread = None, ctx.reason(exc)
    for resource in resources:
        unread = resource.unreadable.get("*") or resource.unreadable.get("public_access_block")
        resource.attributes["effective_public_access_block"] = effective_pab(
            resource.attributes.get("public_access_block"), unread, account, account_unread)


def listed_buckets(ctx: AwsContext) -> list[dict[str, Any]]:
    """ListBuckets, once per run: the bucket collector and S3 data events both need the names."""
    # Any parameter (here the largest page) makes ListBuckets report each bucket's region.
    return ctx.memo(("s3", "buckets"), lambda: list(ctx.paginate("s3", None, "list_buckets", "Buckets",
                                                                 PaginationConfig={"PageSize": LIST_PAGE})))


@aws_collector("aws.s3.bucket", service="s3", is_global=True,
               derived_from={"is_log_target": ("logging",), "effective_public_access_block": ("public_access_block",)},
               calls=("s3:GetBucketAcl", "s3:GetBucketEncryption", "s3:GetBucketLocation", "s3:GetBucketLogging",
                      "s3:GetBucketPolicy", "s3:GetBucketVersioning", "s3:GetObjectLockConfiguration",
                      "s3:GetPublicAccessBlock", "s3:ListBuckets", "s3control:GetPublicAccessBlock"))
def buckets(ctx: AwsContext, region: str | None) -> Iterator[Resource]:
    resources = ctx.map(lambda b: _read_bucket(ctx, b), listed_buckets(ctx))
    if ctx.wants("aws.s3.bucket", "effective_public_access_block"):
        _mark_effective_pab(ctx, resources)
    else:
        for resource in resources:
            ctx.skip_unwanted(resource, "effective_public_access_block")
    if ctx.wants("aws.s3.bucket", "is_log_target"):
        _mark_log_targets(resources)
    else:
        for resource in resources:
            ctx.skip_unwanted(resource, "is_log_target")
    yield from resources


def _mark_log_targets(resources: list[Resource]) -> None:
    """``is_log_target``: another bucket delivers access logs to this one."""
    targets = {r.attributes["logging"]["target_bucket"] for r in resources
               if r.attributes.get("logging") and not {"*", "logging"} & set(r.unreadable)}
    unseen = {r.attributes["name"]: reason for r in resources
              for reason in [r.unreadable.get("*") or r.unreadable.get("logging")] if reason}
    for resource in resources:
        # A bucket is a log bucket when another bucket delivers access logs to it; when some bucket's
        # logging could not be read, a bucket not known to be a target may still be one.
        name = resource.attributes["name"]
        if name in targets or not unseen:
            resource.attributes["is_log_target"] = name in targets
        else:
            shown = ", ".join(f"{bucket} ({reason})" for bucket, reason in sorted(unseen.items())[:3])
            resource.unreadable["is_log_target"] = f"logging settings of {len(unseen)} bucket(s) unread: {shown}"


@aws_collector("aws.s3.account_public_access_block", service="s3control", is_global=True,
               calls=("s3control:GetPublicAccessBlock",))
def account_public_access_block(ctx: AwsContext, region: str | None) -> Iterator[Resource]:
    resource = ctx.resource("aws.s3.account_public_access_block", ctx.arn("s3", None, "account"), None)
    ctx.read(resource, "public_access_block", lambda: account_pab(ctx))
    yield resource

