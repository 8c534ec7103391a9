"""API Gateway REST API stages: execution and access logging, cache encryption, client certificate, WAF."""
from __future__ import annotations

from typing import Any, Iterable

from ...model import Resource
from .context import AwsContext
from .registry import aws_collector


def _stage(ctx: AwsContext, region: str | None, api: dict[str, Any], stage: dict[str, Any]) -> Resource:
    settings = (stage.get("methodSettings") or {}).get("*/*") or {}
    name = stage["stageName"]
    return ctx.resource(
        "aws.apigateway.stage", f"arn:{ctx.partition}:apigateway:{region}::/restapis/{api['id']}/stages/{name}",
        region, api_id=api["id"], api_name=api.get("name"), stage_name=name,
        logging_level=settings.get("loggingLevel", "OFF"),
        access_log_destination=(stage.get("accessLogSettings") or {}).get("destinationArn"),
        cache_cluster_enabled=bool(stage.get("cacheClusterEnabled", False)),
        caching_enabled=bool(settings.get("cachingEnabled", False)),
        cache_data_encrypted=bool(settings.get("cacheDataEncrypted", False)),
        client_certificate_id=stage.get("clientCertificateId"), web_acl_arn=stage.get("webAclArn"))


@aws_collector("aws.apigateway.stage", service="apigateway",
               calls=("apigateway:GetRestApis", "apigateway:GetStages"))
def stages(ctx: AwsContext, region: str | None) -> Iterable[Resource]:
    """GetStages once per REST API (every stage of the API in one answer)."""
    client = ctx.client("apigateway", region)
    apis = ctx.paginate("apigateway", region, "get_rest_apis", "items")
    answers = ctx.map(lambda api: client.get_stages(restApiId=api["id"]).get("item") or [], apis)
    return [_stage(ctx, region, api, stage) for api, found in zip(apis, answers, strict=True) for stage in found]
