"""IAM Access Analyzer: one resource per region, so a region with no analyzer fails instead of skipping."""
from __future__ import annotations

from typing import Iterator

from ...model import Resource
from .context import AwsContext
from .registry import aws_collector


@aws_collector("aws.accessanalyzer.region", service="accessanalyzer",
               calls=("accessanalyzer:ListAnalyzers",))
def analyzers(ctx: AwsContext, region: str | None) -> Iterator[Resource]:
    found = ctx.paginate("accessanalyzer", region, "list_analyzers", "analyzers")
    yield ctx.resource("aws.accessanalyzer.region", ctx.arn("access-analyzer", region, "analyzers"), region,
                       analyzers=sorted(({"name": a.get("name"), "type": a.get("type"), "status": a.get("status")}
                                         for a in found), key=lambda a: str(a["name"])))
