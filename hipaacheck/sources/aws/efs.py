"""EFS file systems: encryption at rest, the automatic backup policy and AWS Backup recovery points."""
from __future__ import annotations

from typing import Iterable

from ...model import Resource
from ._listing import BACKUP_PROTECTED_CALLS, backup_protected
from .context import AwsContext
from .registry import aws_collector


@aws_collector("aws.efs.file_system", service="efs",
               calls=("efs:DescribeBackupPolicy", "efs:DescribeFileSystems", *BACKUP_PROTECTED_CALLS))
def file_systems(ctx: AwsContext, region: str | None) -> Iterable[Resource]:
    for fs in ctx.paginate("efs", region, "describe_file_systems", "FileSystems"):
        fs_id = fs["FileSystemId"]
        resource = ctx.resource("aws.efs.file_system",
                           fs.get("FileSystemArn") or ctx.arn("elasticfilesystem", region, f"file-system/{fs_id}"),
                           region, file_system_id=fs_id, encrypted=bool(fs.get("Encrypted", False)),
                           kms_key_id=fs.get("KmsKeyId"))
        ctx.read(resource, "backup_policy", lambda: ctx.client("efs", region).describe_backup_policy(
            FileSystemId=fs_id)["BackupPolicy"].get("Status"), ("PolicyNotFound",), "DISABLED")
        ctx.read(resource, "backup_protected", lambda: backup_protected(ctx, region, resource.id))
        yield resource
