"""EFS file systems: encryption at rest."""
from __future__ import annotations

from typing import Iterable

from ...model import Resource
from .context import AwsContext
from .registry import aws_collector


@aws_collector("aws.efs.file_system", service="efs",
               calls=("efs:DescribeFileSystems",))
def file_systems(ctx: AwsContext, region: str | None) -> Iterable[Resource]:
    for fs in ctx.paginate("efs", region, "describe_file_systems", "FileSystems"):
        fs_id = fs["FileSystemId"]
        yield ctx.resource("aws.efs.file_system",
                           fs.get("FileSystemArn") or ctx.arn("elasticfilesystem", region, f"file-system/{fs_id}"),
                           region, file_system_id=fs_id, encrypted=bool(fs.get("Encrypted", False)),
                           kms_key_id=fs.get("KmsKeyId"))
