"""CloudWatch Logs: retention long enough for audit review (never expire passes)."""
from __future__ import annotations

from typing import Any

from hipaacheck.model import Outcome, Resource, failed, passed
from hipaacheck.registry import check


@check("aws.logs.retention", resource_type="aws.logs.log_group", reads=("retention_days",),
       params={"min_days": {"type": "integer", "minimum": 1, "default": 365}})
def retention(resource: Resource, params: dict[str, Any]) -> Outcome:
    """retentionInDays is unset (never expire) or at least min_days."""
    days = resource.get("retention_days")
    if days is None:
        return passed("events never expire", retention_days=None)
    if days >= params["min_days"]:
        return passed(f"retention {days} days", retention_days=days)
    return failed(f"retention {days} days, below {params['min_days']}", retention_days=days)
