"""Security Hub: the hub runs at least one security standard (a hub with none evaluates nothing)."""
from __future__ import annotations

from typing import Any

from hipaacheck.model import Outcome, Resource, failed, passed
from hipaacheck.registry import check

RUNNING = ("READY", "INCOMPLETE")  # INCOMPLETE: some of the standard's controls failed to enable; the rest run


def _name(arn: str | None) -> str:
    """``standards/aws-foundational-security-best-practices/v/1.0.0`` from a standards ARN."""
    return (arn or "?").split(":", 5)[-1]


@check("aws.securityhub.standards_enabled", resource_type="aws.securityhub.hub", reads=("hub", "standards"))
def standards_enabled(resource: Resource, params: dict[str, Any]) -> Outcome:
    """Security Hub is enabled and runs at least one security standard (GetEnabledStandards, status READY or
    INCOMPLETE); an endpoint that cannot answer is an error, as always."""
    if not resource.get("hub")["enabled"]:
        return failed("Security Hub is not enabled in this region, so no security standard runs", standards=[])
    standards = resource.get("standards")
    running = [_name(s["arn"]) for s in standards if s["status"] in RUNNING]
    if running:
        return passed(f"Security Hub runs {len(running)} standard(s): {', '.join(running)}", standards=running)
    if standards:
        shown = ", ".join(f"{_name(s['arn'])} ({s['status']})" for s in standards)
        return failed(f"no enabled security standard is running: {shown}",
                      standards={_name(s["arn"]): s["status"] for s in standards})
    return failed("Security Hub is enabled but runs no security standard, so it evaluates nothing", standards=[])
