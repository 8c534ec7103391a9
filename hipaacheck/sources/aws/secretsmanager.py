"""Secrets Manager secrets: rotation and encryption key (the listing reports both; no value is read)."""
from __future__ import annotations

from typing import Any, Iterable

from ...model import Resource
from ._listing import days_since, listed
from .context import AwsContext, iso
from .registry import aws_collector


@aws_collector("aws.secretsmanager.secret", service="secretsmanager",
               calls=("secretsmanager:ListSecrets",))
def secrets(ctx: AwsContext, region: str | None) -> Iterable[Resource]:
    def build(secret: dict[str, Any]) -> Resource:
        rotated = secret.get("LastRotatedDate") or secret.get("CreatedDate")
        return ctx.resource("aws.secretsmanager.secret", secret["ARN"], region, name=secret.get("Name"),
                            rotation_enabled=bool(secret.get("RotationEnabled", False)),
                            rotation_days=(secret.get("RotationRules") or {}).get("AutomaticallyAfterDays"),
                            last_rotated=iso(secret.get("LastRotatedDate")), created=iso(secret.get("CreatedDate")),
                            days_since_rotation=days_since(ctx, rotated), kms_key_id=secret.get("KmsKeyId"),
                            observed_at=ctx.observed_at)

    return listed(ctx, region, "secretsmanager", "list_secrets", "SecretList", build)
