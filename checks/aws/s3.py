"""S3 bucket checks that need more than an attribute condition: encryption, TLS-only policy, Object Lock."""
from __future__ import annotations

import re
from typing import Any

from hipaacheck.aws_policies import PAB_FLAGS, as_list, public_principal, statements
from hipaacheck.model import NotApplicable, Outcome, Resource, errored, failed, passed
from hipaacheck.registry import check

KMS_ALGORITHMS = ("aws:kms", "aws:kms:dsse")


@check("aws.s3.default_encryption", resource_type="aws.s3.bucket", reads=("encryption",),
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


TLS_CONDITION_OPERATORS = ("bool", "boolifexists")


def _is_false(value: Any) -> bool:
    values = as_list(value)
    return bool(values) and all(str(v).lower() == "false" for v in values)


def _only_insecure_transport(condition: Any) -> bool:
    """The condition is exactly ``aws:SecureTransport = false`` (Bool or BoolIfExists) and nothing
    else: any further key narrows the Deny, so some plain-HTTP requests would get through."""
    if not isinstance(condition, dict) or len(condition) != 1:
        return False
    (operator, keys), = condition.items()
    if str(operator).lower() not in TLS_CONDITION_OPERATORS or not isinstance(keys, dict) or len(keys) != 1:
        return False
    (key, value), = keys.items()
    return str(key).lower() == "aws:securetransport" and _is_false(value)


def _covers(patterns: list[Any], arn: str) -> bool:
    """An IAM resource pattern (``*`` and ``?`` wildcards) list matches ``arn``."""
    return any(isinstance(p, str) and re.fullmatch(re.escape(p).replace(r"\*", ".*").replace(r"\?", "."), arn)
               for p in patterns)


def denies_insecure_transport(policy: dict[str, Any] | None, bucket: str, partition: str = "aws") -> bool:
    """One Deny for every principal, every s3 action, the bucket and all its objects, whose only
    condition is aws:SecureTransport = false."""
    bucket_arn = f"arn:{partition}:s3:::{bucket}"
    for statement in statements(policy):
        if statement.get("Effect") != "Deny":
            continue
        if any(k in statement for k in ("NotPrincipal", "NotAction", "NotResource")):
            continue
        everyone = public_principal(statement)
        all_actions = any(a in ("*", "s3:*") for a in as_list(statement.get("Action", [])))
        resources = as_list(statement.get("Resource", []))
        every_resource = _covers(resources, bucket_arn) and _covers(resources, f"{bucket_arn}/any-object-key")
        if everyone and all_actions and every_resource and _only_insecure_transport(statement.get("Condition")):
            return True
    return False


@check("aws.s3.secure_transport", resource_type="aws.s3.bucket", reads=("policy", "name"))
def secure_transport(resource: Resource, params: dict[str, Any]) -> Outcome:
    """The bucket policy denies every request made without TLS."""
    policy = resource.get("policy")
    if policy is None:
        return failed("no bucket policy, so plain-HTTP requests are not denied", policy_present=False)
    if denies_insecure_transport(policy, resource.get("name"), resource.id.split(":")[1] or "aws"):
        return passed("bucket policy denies requests where aws:SecureTransport is false", policy_present=True)
    return failed("bucket policy has no Deny on aws:SecureTransport=false alone for all principals, all s3"
                  " actions, the bucket and all its objects",
                  policy_present=True)


@check("aws.s3.log_bucket_object_lock", resource_type="aws.s3.bucket", reads=("is_log_target", "object_lock"))
def log_bucket_object_lock(resource: Resource, params: dict[str, Any]) -> Outcome:
    """A bucket that receives access logs has Object Lock enabled (WORM audit logs)."""
    if not resource.get("is_log_target"):
        raise NotApplicable("not a log bucket (no bucket delivers access logs to it)")
    lock = resource.get("object_lock") or {}
    if lock.get("enabled"):
        return passed("Object Lock is enabled on this log bucket", object_lock=lock)
    return failed("log bucket without Object Lock", object_lock=lock)




@check("aws.s3.effective_public_access_block", resource_type="aws.s3.bucket",
       reads=("effective_public_access_block",))
def effective_public_access_block(resource: Resource, params: dict[str, Any]) -> Outcome:
    """All four Block Public Access settings are in effect for the bucket: each on at the account or the
    bucket level (S3 enforces the stricter); the message names the level that holds each."""
    effective = resource.get("effective_public_access_block")
    held = {flag: " and ".join(effective[flag]["set_by"]) or "neither level" for flag in PAB_FLAGS}
    off = [flag for flag in PAB_FLAGS if effective[flag]["enabled"] is False]
    unknown = {flag: effective[flag]["unread"] for flag in PAB_FLAGS if effective[flag]["enabled"] is None}
    if off:
        return failed(f"Block Public Access is off at both the account and the bucket level for {', '.join(off)}",
                      off=off, set_by=held, unknown=unknown)
    if unknown:
        return errored(f"Block Public Access unknown for {', '.join(unknown)}: {next(iter(unknown.values()))}",
                       set_by=held, unknown=unknown)
    levels = set(held.values())
    where = (f"at the {levels.pop()} level" if len(levels) == 1 else
             "(" + ", ".join(f"{flag}: {level}" for flag, level in held.items()) + ")")
    return passed(f"all four Block Public Access settings are in effect {where}", set_by=held)
