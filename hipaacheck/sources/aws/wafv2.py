"""WAFv2 web ACLs with where each logs its requests: the regional ones of every scanned region, and the
CloudFront (global) ones, which the WAFv2 API keeps in us-east-1."""
from __future__ import annotations

from typing import Iterable

from ...model import Resource
from ._listing import by_token, read_each
from .context import AwsContext
from .registry import aws_collector

WEB_ACL_CALLS = ("wafv2:GetLoggingConfiguration", "wafv2:ListWebACLs")
GLOBAL_HOME = "us-east-1"  # where the CLOUDFRONT scope's web ACLs are listed and configured


def _destinations(ctx: AwsContext, region: str, arn: str) -> list[str]:
    """Where the web ACL logs (sorted destination ARNs)."""
    answer = ctx.client("wafv2", region).get_logging_configuration(ResourceArn=arn)
    return sorted((answer.get("LoggingConfiguration") or {}).get("LogDestinationConfigs") or [])


def _web_acls(ctx: AwsContext, region: str, scope: str, resource_type: str) -> list[Resource]:
    listing = by_token(ctx.client("wafv2", region).list_web_acls, "WebACLs", "NextMarker", stop_on_empty=True,
                       Scope=scope, Limit=100)
    resources = [ctx.resource(resource_type, acl["ARN"], region, name=acl.get("Name"), scope=scope) for acl in listing]
    read_each(ctx, resources, "log_destinations", lambda r: _destinations(ctx, region, r.id),
              not_found=("WAFNonexistentItemException",))  # no logging configuration: None
    return resources


@aws_collector("aws.wafv2.web_acl", service="wafv2", calls=WEB_ACL_CALLS)
def regional_web_acls(ctx: AwsContext, region: str | None) -> Iterable[Resource]:
    """The REGIONAL scope's web ACLs (load balancers, API Gateway, AppSync, Cognito)."""
    return _web_acls(ctx, region or ctx.default_region, "REGIONAL", "aws.wafv2.web_acl")


@aws_collector("aws.wafv2.global_web_acl", service="wafv2", is_global=True, calls=WEB_ACL_CALLS)
def global_web_acls(ctx: AwsContext, region: str | None) -> Iterable[Resource]:
    """The CLOUDFRONT scope's web ACLs (CloudFront distributions), once per account."""
    return _web_acls(ctx, GLOBAL_HOME, "CLOUDFRONT", "aws.wafv2.global_web_acl")
