"""ECR repositories: the encryption of stored images (the listing reports it)."""
from __future__ import annotations

from typing import Any, Iterable

from ...model import Resource
from ._listing import listed
from .context import AwsContext
from .registry import aws_collector


@aws_collector("aws.ecr.repository", service="ecr", calls=("ecr:DescribeRepositories",))
def repositories(ctx: AwsContext, region: str | None) -> Iterable[Resource]:
    def build(repo: dict[str, Any]) -> Resource:
        encryption = repo.get("encryptionConfiguration") or {}
        return ctx.resource("aws.ecr.repository", repo["repositoryArn"], region, name=repo["repositoryName"],
                            encryption_type=encryption.get("encryptionType", "AES256"),
                            kms_key_id=encryption.get("kmsKey"),
                            scan_on_push=bool((repo.get("imageScanningConfiguration") or {}).get("scanOnPush")),
                            tag_mutability=repo.get("imageTagMutability"))

    return listed(ctx, region, "ecr", "describe_repositories", "repositories", build)
