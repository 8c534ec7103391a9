"""AWS Backup: the backup plans of each region (one resource per region, so "no plan" is visible)
and backup vaults with their access policies."""
from __future__ import annotations

import json
from typing import Iterable

from ...model import Resource
from ._listing import read_each
from .context import AwsContext
from .registry import aws_collector


@aws_collector("aws.backup.plans", service="backup",
               calls=("backup:GetBackupPlan", "backup:ListBackupPlans"))
def plans(ctx: AwsContext, region: str | None) -> Iterable[Resource]:
    """The region's backup plans with each rule's schedule and retention (DeleteAfterDays)."""
    client = ctx.client("backup", region)
    resource = ctx.resource("aws.backup.plans", ctx.arn("backup", region, "backup-plans"), region)

    def read_plans() -> list[dict]:
        out = []
        for summary in ctx.paginate("backup", region, "list_backup_plans", "BackupPlansList"):
            plan = client.get_backup_plan(BackupPlanId=summary["BackupPlanId"])["BackupPlan"]
            out.append({"id": summary["BackupPlanId"], "name": plan.get("BackupPlanName"),
                        "rules": [{"name": rule.get("RuleName"), "schedule": rule.get("ScheduleExpression"),
                                   "vault": rule.get("TargetBackupVaultName"),
                                   "delete_after_days": (rule.get("Lifecycle") or {}).get("DeleteAfterDays")}
                                  for rule in plan.get("Rules") or []]})
        return sorted(out, key=lambda p: (p["name"] or "", p["id"]))

    ctx.read(resource, "plans", read_plans)
    return [resource]


@aws_collector("aws.backup.vault", service="backup",
               calls=("backup:GetBackupVaultAccessPolicy", "backup:ListBackupVaults"))
def vaults(ctx: AwsContext, region: str | None) -> Iterable[Resource]:
    """The vaults of the region, with each one's access policy (one GetBackupVaultAccessPolicy each)."""
    client = ctx.client("backup", region)
    resources = []
    for vault in ctx.paginate("backup", region, "list_backup_vaults", "BackupVaultList"):
        name = vault["BackupVaultName"]
        resources.append(ctx.resource("aws.backup.vault",
                                      vault.get("BackupVaultArn") or ctx.arn("backup", region, f"backup-vault:{name}"),
                                      region, name=name, encryption_key_arn=vault.get("EncryptionKeyArn"),
                                      locked=bool(vault.get("Locked", False))))
    read_each(ctx, resources, "access_policy", lambda r: json.loads(
        client.get_backup_vault_access_policy(BackupVaultName=r.attributes["name"])["Policy"]),
        not_found=("ResourceNotFoundException",))  # no access policy: None
    return resources
