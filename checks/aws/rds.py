"""RDS: TLS enforced by the DB parameter group (``rds.force_ssl`` / ``require_secure_transport``)."""
from __future__ import annotations

from typing import Any

from hipaacheck.model import NotApplicable, Outcome, Resource, failed, passed
from hipaacheck.registry import check

# engine prefix -> (parameter, values that enforce TLS)
TLS_SETTINGS = {
    "postgres": ("rds.force_ssl", {"1"}),
    "sqlserver": ("rds.force_ssl", {"1"}),
    "mysql": ("require_secure_transport", {"1", "on"}),
    "mariadb": ("require_secure_transport", {"1", "on"}),
}


@check("aws.rds.tls_enforced", resource_type="aws.rds.db_instance")
def tls_enforced(resource: Resource, params: dict[str, Any]) -> Outcome:
    """The instance's parameter group makes the engine refuse connections without TLS."""
    engine = str(resource.get("engine") or "")
    if engine.startswith("aurora"):
        raise NotApplicable(f"{engine}: TLS is enforced in the cluster parameter group, not evaluated here")
    setting = next((v for k, v in TLS_SETTINGS.items() if engine.startswith(k)), None)
    if setting is None:
        raise NotApplicable(f"engine {engine or '?'} has no TLS-enforcing DB parameter"
                            " (Oracle uses the SSL option group)")
    name, good = setting
    groups: dict[str, dict[str, Any]] = resource.get("tls_parameters") or {}
    observed = {group: values.get(name) for group, values in groups.items()}
    if any(str(value).lower() in good for value in observed.values() if value is not None):
        return passed(f"{name} enforces TLS", parameter=name, values=observed)
    shown = ", ".join(f"{g}: {v if v is not None else 'not set'}" for g, v in observed.items()) or "no parameter group"
    return failed(f"{name} does not enforce TLS ({shown})", parameter=name, values=observed,
                  expected=sorted(good))
