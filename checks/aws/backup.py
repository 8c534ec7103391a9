"""AWS Backup: each region has a plan, every rule keeps recovery points long enough, vaults forbid deleting them."""
from __future__ import annotations

from typing import Any, Iterable

from hipaacheck.aws_policies import denied_to_everyone
from hipaacheck.model import Outcome, Resource, failed, passed
from hipaacheck.registry import check


@check("aws.backup.plan_retention", resource_type="aws.backup.plans", reads=("plans",), params={
    "min_retention_days": {"type": "integer", "minimum": 1, "default": 35},
})
def plan_retention(resource: Resource, params: dict[str, Any]) -> Iterable[Outcome]:
    """At least one backup plan exists; each plan's rules keep backups at least min_retention_days
    (a rule without DeleteAfterDays keeps them indefinitely)."""
    minimum = params["min_retention_days"]
    plans = resource.get("plans") or []
    if not plans:
        return [failed("no AWS Backup plan in this region", plans=[], min_retention_days=minimum)]
    outcomes = []
    for plan in plans:
        rules = plan.get("rules") or []
        short = [r for r in rules if r.get("delete_after_days") is not None and r["delete_after_days"] < minimum]
        evidence = {"rules": rules, "min_retention_days": minimum}
        name = plan.get("name") or plan.get("id")
        if not rules:
            outcomes.append(failed("backup plan has no rules", item=name, **evidence))
        elif short:
            names = ", ".join(f"{r.get('name')} ({r['delete_after_days']} days)" for r in short)
            outcomes.append(failed(f"rules keep backups fewer than {minimum} days: {names}", item=name, **evidence))
        else:
            outcomes.append(passed(f"every rule keeps backups at least {minimum} days", item=name, **evidence))
    return outcomes


def _any_resource(vault_arn: str, action: str) -> str:
    """An ARN that stands for every resource ``action`` acts on in this vault: the vault itself for its policy,
    else a recovery point no policy names, in the vault's partition, region and account."""
    if action.lower().endswith("backupvaultaccesspolicy"):
        return vault_arn
    parts = vault_arn.split(":")
    partition, region, account = (parts[1], parts[3], parts[4]) if len(parts) > 4 else ("aws", "*", "*")
    return f"arn:{partition}:backup:{region}:{account}:recovery-point:hipaacheck-probe-0f8c2d"


@check("aws.backup.vault_deletion_denied", resource_type="aws.backup.vault", reads=("access_policy",), params={
    "actions": {"type": "array", "items": {"type": "string", "pattern": "^[A-Za-z0-9]+:[A-Za-z0-9*]+$"}, "minItems": 1,
                "default": ["backup:DeleteRecoveryPoint", "backup:UpdateRecoveryPointLifecycle",
                            "backup:PutBackupVaultAccessPolicy"]},
})
def vault_deletion_denied(resource: Resource, params: dict[str, Any]) -> Outcome:
    """The vault's access policy denies ``actions`` to every principal, unconditionally, on every recovery point
    (AWS Config backup-recovery-point-manual-deletion-disabled: no policy fails)."""
    policy = resource.get("access_policy")
    if policy is None:
        return failed("no vault access policy: recovery points can be deleted by anyone IAM allows", missing=[])
    wanted = tuple(params["actions"])
    denied = denied_to_everyone(policy, wanted, lambda action: _any_resource(resource.id, action))
    missing = [action for action in wanted if action not in denied]
    if missing:
        return failed(f"the access policy does not deny to everyone: {', '.join(missing)}", missing=missing)
    return passed(f"the access policy denies {', '.join(wanted)} to everyone", missing=[])
