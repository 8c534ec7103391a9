"""CloudFront: viewers reach every cache behaviour over HTTPS, with a modern TLS floor."""
from __future__ import annotations

from typing import Any

from hipaacheck.model import Outcome, Resource, errored, failed, passed
from hipaacheck.registry import check

# CloudFront security policies, oldest first.
PROTOCOL_ORDER = ["SSLv3", "TLSv1", "TLSv1_2016", "TLSv1.1_2016", "TLSv1.2_2018", "TLSv1.2_2019",
                  "TLSv1.2_2021", "TLSv1.2_2025", "TLSv1.3_2025"]


@check("aws.cloudfront.viewer_https_only", resource_type="aws.cloudfront.distribution",
       reads=("viewer_protocol_policies",), params={
    "allowed_policies": {"type": "array", "items": {"enum": ["redirect-to-https", "https-only", "allow-all"]},
                         "default": ["redirect-to-https", "https-only"]},
})
def viewer_https_only(resource: Resource, params: dict[str, Any]) -> Outcome:
    """Every cache behaviour's ViewerProtocolPolicy is redirect-to-https or https-only."""
    policies: dict[str, str] = resource.get("viewer_protocol_policies") or {}
    bad = {path: policy for path, policy in policies.items() if policy not in params["allowed_policies"]}
    if not policies:
        return errored("no cache behaviour was reported", viewer_protocol_policies=policies)
    if bad:
        return failed(f"behaviours allowing plain HTTP: {', '.join(sorted(bad))}", viewer_protocol_policies=policies)
    return passed("every cache behaviour requires HTTPS", viewer_protocol_policies=policies)


@check("aws.cloudfront.minimum_tls", resource_type="aws.cloudfront.distribution",
       reads=("default_certificate", "minimum_protocol_version"), params={
    "minimum_protocol_version": {"enum": PROTOCOL_ORDER, "default": "TLSv1.2_2021"},
})
def minimum_tls(resource: Resource, params: dict[str, Any]) -> Outcome:
    """The viewer certificate's security policy is at least minimum_protocol_version."""
    floor = params["minimum_protocol_version"]
    if resource.get("default_certificate"):
        return failed("the default *.cloudfront.net certificate accepts TLSv1", default_certificate=True,
                      required=floor)
    version = resource.get("minimum_protocol_version")
    if version not in PROTOCOL_ORDER:
        return errored(f"unknown security policy {version!r}: cannot rank it", minimum_protocol_version=version)
    evidence = {"minimum_protocol_version": version, "required": floor}
    if PROTOCOL_ORDER.index(version) >= PROTOCOL_ORDER.index(floor):
        return passed(f"minimum protocol {version} meets {floor}", **evidence)
    return failed(f"minimum protocol {version} is older than {floor}", **evidence)
