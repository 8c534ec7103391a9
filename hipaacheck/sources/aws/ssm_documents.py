"""Systems Manager documents the account owns, with whom each is shared (one DescribeDocumentPermission each)."""
from __future__ import annotations

from typing import Any, Iterable

from ...model import Resource
from ._listing import by_token, read_each
from .context import AwsContext
from .registry import aws_collector


def _shared_with(ctx: AwsContext, region: str | None, name: str) -> list[str]:
    """Account ids the document is shared with, sorted ("all": public)."""
    call = ctx.client("ssm", region).describe_document_permission
    return sorted(by_token(call, "AccountIds", "NextToken", Name=name, PermissionType="Share", MaxResults=200))


@aws_collector("aws.ssm.document", service="ssm",
               calls=("ssm:DescribeDocumentPermission", "ssm:ListDocuments"))
def documents(ctx: AwsContext, region: str | None) -> Iterable[Resource]:
    """Documents with the owner Self only: AWS's own and those shared with the account are not the account's to share."""
    def build(document: dict[str, Any]) -> Resource:
        name = document["Name"]
        return ctx.resource("aws.ssm.document", ctx.arn("ssm", region, f"document/{name}"), region, name=name,
                            document_type=document.get("DocumentType"))

    resources = [build(d) for d in ctx.paginate("ssm", region, "list_documents", "DocumentIdentifiers",
                                                Filters=[{"Key": "Owner", "Values": ["Self"]}])]
    read_each(ctx, resources, "shared_with", lambda r: _shared_with(ctx, region, r.attributes["name"]))
    return resources
