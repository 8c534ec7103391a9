"""CloudFront distributions (global): viewer protocol policy of every cache behaviour, minimum TLS."""
from __future__ import annotations

from typing import Iterable

from ...model import Resource
from .context import AwsContext
from .registry import aws_collector


@aws_collector("aws.cloudfront.distribution", service="cloudfront", is_global=True)
def distributions(ctx: AwsContext, region: str | None) -> Iterable[Resource]:
    for page in ctx.pages("cloudfront", "us-east-1", "list_distributions"):
        for dist in (page.get("DistributionList") or {}).get("Items") or []:
            behaviours = {"default": (dist.get("DefaultCacheBehavior") or {}).get("ViewerProtocolPolicy")}
            for behaviour in (dist.get("CacheBehaviors") or {}).get("Items") or []:
                behaviours[behaviour.get("PathPattern", "?")] = behaviour.get("ViewerProtocolPolicy")
            certificate = dist.get("ViewerCertificate") or {}
            yield ctx.resource("aws.cloudfront.distribution", dist["ARN"], None, id=dist["Id"],
                               domain_name=dist.get("DomainName"), enabled=bool(dist.get("Enabled", False)),
                               viewer_protocol_policies=behaviours,
                               default_certificate=bool(certificate.get("CloudFrontDefaultCertificate", False)),
                               minimum_protocol_version=certificate.get("MinimumProtocolVersion"))
