"""Systems Manager: instances managed by SSM, and their patch or association compliance."""
from __future__ import annotations

from typing import Any

from hipaacheck.model import NotApplicable, Outcome, Resource, failed, passed
from hipaacheck.registry import check

SEVERITIES = ["critical", "high", "medium", "low", "informational", "unspecified"]


def _summary_read(params: dict[str, Any]) -> list[tuple[tuple[str, ...], str]]:
    """The one compliance summary ``kind`` names: a profile with only the patch control makes no
    association listing, and the other way round."""
    return [(("kind",), f"{params['kind']}_compliance")]


@check("aws.ssm.compliance", resource_type="aws.ec2.instance", reads=("state", "ssm_managed"), params={
    "kind": {"enum": ["patch", "association"]},
    "severities": {"type": "array", "items": {"enum": SEVERITIES}, "default": ["critical", "high"]},
}, required=["kind"], paths_in_params=_summary_read)
def compliance(resource: Resource, params: dict[str, Any]) -> Outcome:
    """A managed, running instance reports ``kind`` compliance with nothing non-compliant at ``severities``
    (patches: missing security or critical patches). Unmanaged instances are the managed control's."""
    if resource.get("state") != "running":
        raise NotApplicable(f"instance is {resource.get('state')}: compliance is reported for running instances")
    if resource.get("ssm_managed") is None:
        raise NotApplicable("not managed by Systems Manager: evaluated by aws.ssm.instance_managed")
    summary = resource.get(f"{params['kind']}_compliance")
    if summary is None:
        return failed(f"Systems Manager reports no {params['kind']} compliance for the instance", summary=None)
    counts = {s: summary.get(s, 0) for s in params["severities"] if summary.get(s, 0)}
    if counts or (summary.get("status") == "NON_COMPLIANT" and not params["severities"]):
        shown = ", ".join(f"{n} {s}" for s, n in counts.items())
        return failed(f"{params['kind']} non-compliant: {shown}", summary=summary)
    return passed(f"{params['kind']} compliance {summary.get('status')}; nothing non-compliant at "
                  f"{', '.join(params['severities']) or 'any'} severity", summary=summary)
