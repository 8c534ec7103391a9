"""KMS: keys per region, with rotation status read only where rotation applies."""
from __future__ import annotations

from typing import Any, Iterator

from ...model import Resource
from .registry import aws_collector
from .context import AwsContext, iso


def rotation_applies(meta: dict[str, Any]) -> bool:
    """Automatic rotation exists only for enabled customer-managed symmetric keys with AWS key material."""
    return (meta.get("KeyManager") == "CUSTOMER" and meta.get("KeySpec", "SYMMETRIC_DEFAULT") == "SYMMETRIC_DEFAULT"
            and meta.get("Origin", "AWS_KMS") == "AWS_KMS" and meta.get("KeyState") == "Enabled")


def _key(ctx: AwsContext, region: str, key_id: str, arn: str) -> Resource:
    kms = ctx.client("kms", region)
    resource = ctx.resource("aws.kms.key", arn, region, key_id=key_id)
    meta = ctx.read(resource, "metadata", lambda: {
        k: iso(v) for k, v in kms.describe_key(KeyId=key_id)["KeyMetadata"].items()
        if k in ("KeyManager", "KeySpec", "KeyState", "Origin", "KeyUsage", "CreationDate", "Description")})
    if meta is None:  # whether rotation applies is unknown, and so is rotation
        resource.unreadable["rotation_enabled"] = resource.unreadable["metadata"]
    elif rotation_applies(meta):
        ctx.read(resource, "rotation_enabled", lambda: kms.get_key_rotation_status(KeyId=key_id)["KeyRotationEnabled"])
    return resource


@aws_collector("aws.kms.key", service="kms", derived_from={"rotation_enabled": ("metadata",)},
               calls=("kms:DescribeKey", "kms:GetKeyRotationStatus", "kms:ListKeys"))
def keys(ctx: AwsContext, region: str | None) -> Iterator[Resource]:
    assert region is not None  # a regional collector
    listed = ctx.paginate("kms", region, "list_keys", "Keys")
    yield from ctx.map(lambda k: _key(ctx, region, k["KeyId"], k["KeyArn"]), listed)
