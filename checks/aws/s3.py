"""S3 bucket checks that need more than an attribute condition: encryption, TLS-only policy, Object Lock."""
from __future__ import annotations

from typing import Any

from hipaacheck.model import NotApplicable, Outcome, Resource, failed, passed
from hipaacheck.registry import check

KMS_ALGORITHMS = ("aws:kms", "aws:kms:dsse")


@check("aws.s3.default_encryption", resource_type="aws.s3.bucket",
       params={"require_kms": {"type": "boolean", "default": False}})
def default_encryption(resource: Resource, params: dict[str, Any]) -> Outcome:
    """Default encryption is configured (SSE-KMS when require_kms)."""
    algorithms = [rule.get("algorithm") for rule in resource.get("encryption") or []]
    wanted = KMS_ALGORITHMS if params["require_kms"] else ("AES256", *KMS_ALGORITHMS)
    if any(a in wanted for a in algorithms):
        return passed(f"default encryption {', '.join(algorithms)}", algorithms=algorithms)
    if algorithms:
        return failed(f"default encryption {', '.join(algorithms)} is not SSE-KMS", algorithms=algorithms)
    return failed("no default encryption configuration", algorithms=[])


def _as_list(value: Any) -> list:
    return value if isinstance(value, list) else [value]


def denies_insecure_transport(policy: dict[str, Any] | None) -> bool:
    """A Deny for all principals and s3 actions when aws:SecureTransport is false."""
    for statement in _as_list((policy or {}).get("Statement", [])):
        if not isinstance(statement, dict) or statement.get("Effect") != "Deny":
            continue
        principal = statement.get("Principal")
        everyone = principal == "*" or (isinstance(principal, dict) and "*" in _as_list(principal.get("AWS")))
        actions = _as_list(statement.get("Action", []))
        all_actions = any(a in ("*", "s3:*") for a in actions)
        condition = statement.get("Condition", {}).get("Bool", {})
        flag = {k.lower(): v for k, v in condition.items()}.get("aws:securetransport")
        if everyone and all_actions and str(_as_list(flag)[0] if flag is not None else "").lower() == "false":
            return True
    return False


@check("aws.s3.secure_transport", resource_type="aws.s3.bucket")
def secure_transport(resource: Resource, params: dict[str, Any]) -> Outcome:
    """The bucket policy denies every request made without TLS."""
    policy = resource.get("policy")
    if policy is None:
        return failed("no bucket policy, so plain-HTTP requests are not denied", policy_present=False)
    if denies_insecure_transport(policy):
        return passed("bucket policy denies requests where aws:SecureTransport is false", policy_present=True)
    return failed("bucket policy has no Deny on aws:SecureTransport=false for all principals and s3 actions",
                  policy_present=True)


@check("aws.s3.log_bucket_object_lock", resource_type="aws.s3.bucket")
def log_bucket_object_lock(resource: Resource, params: dict[str, Any]) -> Outcome:
    """A bucket that receives access logs has Object Lock enabled (WORM audit logs)."""
    if not resource.get("is_log_target"):
        raise NotApplicable("not a log bucket (no bucket delivers access logs to it)")
    lock = resource.get("object_lock") or {}
    if lock.get("enabled"):
        return passed("Object Lock is enabled on this log bucket", object_lock=lock)
    return failed("log bucket without Object Lock", object_lock=lock)
