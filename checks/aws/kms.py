"""KMS: automatic rotation of customer-managed keys."""
from __future__ import annotations

from typing import Any

from hipaacheck.model import NotApplicable, Outcome, Resource, failed, passed
from hipaacheck.registry import check


@check("aws.kms.key_rotation", resource_type="aws.kms.key", reads=("metadata", "rotation_enabled"))
def key_rotation(resource: Resource, params: dict[str, Any]) -> Outcome:
    """Automatic rotation is on for enabled customer-managed symmetric keys with AWS key material."""
    meta = resource.get("metadata")
    if meta.get("KeyManager") != "CUSTOMER":
        raise NotApplicable("AWS-managed key (AWS rotates it)")
    if meta.get("KeyState") != "Enabled":
        raise NotApplicable(f"key state {meta.get('KeyState')}")
    if meta.get("KeySpec", "SYMMETRIC_DEFAULT") != "SYMMETRIC_DEFAULT" or meta.get("Origin", "AWS_KMS") != "AWS_KMS":
        raise NotApplicable(f"automatic rotation unsupported for {meta.get('KeySpec')} / {meta.get('Origin')}")
    if resource.get("rotation_enabled"):
        return passed("automatic key rotation is enabled", rotation_enabled=True)
    return failed("automatic key rotation is disabled", rotation_enabled=False)
