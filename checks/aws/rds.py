"""RDS: TLS enforced by the (cluster) parameter group, and the instance settings that a DB
cluster owns for its members (storage encryption, deletion protection, backup retention).

An instance that belongs to a DB cluster (Aurora, Multi-AZ DB cluster) reports those settings
but does not decide them: the cluster does, and the ``aws.rds.cluster_*`` controls evaluate it.
The instance checks skip such members with the name of that control instead of judging a value
the instance cannot change (Aurora instances report DeletionProtection false, for one).
"""
from __future__ import annotations

from typing import Any

from hipaacheck.model import NotApplicable, Outcome, Resource, failed, passed
from hipaacheck.registry import check

# engine prefix -> (parameter, values that enforce TLS); first matching prefix wins
TLS_SETTINGS = {
    "postgres": ("rds.force_ssl", {"1"}),
    "sqlserver": ("rds.force_ssl", {"1"}),
    "mysql": ("require_secure_transport", {"1", "on"}),
    "mariadb": ("require_secure_transport", {"1", "on"}),
}
CLUSTER_TLS_SETTINGS = {
    "aurora-postgresql": ("rds.force_ssl", {"1"}),
    "aurora": ("require_secure_transport", {"1", "on"}),  # aurora-mysql (and the retired "aurora")
    "postgres": ("rds.force_ssl", {"1"}),  # Multi-AZ DB clusters
    "mysql": ("require_secure_transport", {"1", "on"}),
    "docdb": ("tls", {"enabled", "fips-140-3", "tls1.2+", "tls1.3+"}),
}


def standalone(resource: Resource, cluster_control: str, setting: str) -> None:
    """Raise NotApplicable for a cluster member: ``setting`` is the cluster's, judged by ``cluster_control``."""
    cluster = resource.get("cluster")
    if cluster:
        raise NotApplicable(f"member of DB cluster {cluster}: {setting} is set on the cluster"
                            f" and evaluated by {cluster_control}")


def _tls_outcome(engine: str, settings: dict[str, tuple[str, set[str]]], resource: Resource) -> Outcome:
    setting = next((v for k, v in settings.items() if engine.startswith(k)), None)
    if setting is None:
        raise NotApplicable(f"engine {engine or '?'} has no known TLS-enforcing parameter")
    name, good = setting
    groups: dict[str, dict[str, Any]] = resource.get("tls_parameters") or {}
    observed = {group: values.get(name) for group, values in groups.items()}
    if any(str(value).lower() in good for value in observed.values() if value is not None):
        return passed(f"{name} enforces TLS", parameter=name, values=observed)
    shown = ", ".join(f"{g}: {v if v is not None else 'not set'}" for g, v in observed.items()) or "no parameter group"
    return failed(f"{name} does not enforce TLS ({shown})", parameter=name, values=observed,
                  expected=sorted(good))


@check("aws.rds.tls_enforced", resource_type="aws.rds.db_instance", reads=("cluster", "engine", "tls_parameters"))
def tls_enforced(resource: Resource, params: dict[str, Any]) -> Outcome:
    """The instance's parameter group makes the engine refuse connections without TLS."""
    standalone(resource, "aws.rds.cluster_tls_enforced", "TLS enforcement (cluster parameter group)")
    engine = str(resource.get("engine") or "")
    if engine.startswith("aurora"):
        raise NotApplicable(f"{engine}: TLS is enforced in the cluster parameter group"
                            " and evaluated by aws.rds.cluster_tls_enforced")
    if engine.startswith("oracle"):
        raise NotApplicable(f"engine {engine} has no TLS-enforcing DB parameter (Oracle uses the SSL option group)")
    return _tls_outcome(engine, TLS_SETTINGS, resource)


@check("aws.rds.cluster_tls_enforced", resource_type="aws.rds.db_cluster", reads=("engine", "tls_parameters"))
def cluster_tls_enforced(resource: Resource, params: dict[str, Any]) -> Outcome:
    """The cluster parameter group makes every member refuse connections without TLS."""
    engine = str(resource.get("engine") or "")
    if engine.startswith("neptune"):
        raise NotApplicable(f"engine {engine}: Neptune has no TLS-enforcing cluster parameter to evaluate"
                            " (engine 1.0.4.0 and later accept TLS connections only)")
    return _tls_outcome(engine, CLUSTER_TLS_SETTINGS, resource)


def _flag(resource: Resource, attribute: str, good: str, bad: str) -> Outcome:
    value = resource.get(attribute)
    evidence: dict[str, Any] = {attribute: value}
    return passed(good, **evidence) if value is True else failed(bad, **evidence)


@check("aws.rds.instance_storage_encrypted", resource_type="aws.rds.db_instance",
       reads=("cluster", "storage_encrypted"))
def instance_storage_encrypted(resource: Resource, params: dict[str, Any]) -> Outcome:
    """A standalone DB instance encrypts its storage."""
    standalone(resource, "aws.rds.cluster_storage_encrypted", "storage encryption")
    return _flag(resource, "storage_encrypted", "DB instance storage is encrypted",
                 "DB instance storage is not encrypted")


@check("aws.rds.instance_deletion_protection", resource_type="aws.rds.db_instance",
       reads=("cluster", "deletion_protection"))
def instance_deletion_protection(resource: Resource, params: dict[str, Any]) -> Outcome:
    """A standalone DB instance has deletion protection."""
    standalone(resource, "aws.rds.cluster_deletion_protection", "deletion protection")
    return _flag(resource, "deletion_protection", "deletion protection is on", "deletion protection is off")


@check("aws.rds.instance_backup_retention", resource_type="aws.rds.db_instance",
       reads=("cluster", "backup_retention_period"),
       params={"min_days": {"type": "integer", "minimum": 1, "default": 7}})
def instance_backup_retention(resource: Resource, params: dict[str, Any]) -> Outcome:
    """A standalone DB instance keeps automated backups at least ``min_days`` days (0 = off)."""
    standalone(resource, "aws.rds.cluster_backup_retention", "backup retention")
    days = resource.get("backup_retention_period")
    evidence = {"backup_retention_period": days, "min_days": params["min_days"]}
    if isinstance(days, int) and days >= params["min_days"]:
        return passed(f"automated backups are kept {days} days", **evidence)
    if not days:
        return failed("automated backups are off", **evidence)
    return failed(f"automated backups are kept {days} days, fewer than {params['min_days']}", **evidence)


@check("aws.rds.log_exports", resource_type=None, reads=("engine", "log_exports", "cluster"), params={
    "required": {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}},
                 "description": "engine prefix -> log types that must be exported (first matching prefix wins)"},
})
def log_exports(resource: Resource, params: dict[str, Any]) -> Outcome:
    """The instance or cluster exports the engine's audit and error logs to CloudWatch Logs."""
    if resource.type == "aws.rds.db_instance":
        standalone(resource, "aws.rds.cluster_log_exports", "log exports")
    engine = str(resource.get("engine") or "")
    required = next((v for k, v in params["required"].items() if engine.startswith(k)), None)
    if required is None:
        raise NotApplicable(f"engine {engine or '?'} has no log types named for export")
    exported = resource.get("log_exports") or []
    missing = [name for name in required if name not in exported]
    if missing:
        return failed(f"{engine} does not export {', '.join(missing)} logs", exported=exported, required=required)
    return passed(f"{engine} exports {', '.join(required)} logs", exported=exported, required=required)
