"""AWS Config: a configuration recorder that is recording in every scanned region."""
from __future__ import annotations

from typing import Any

from hipaacheck.model import Outcome, Resource, failed, passed
from hipaacheck.registry import check


@check("aws.config.recording", resource_type="aws.config.recorder", reads=("recorders", "statuses"), params={
    "require_all_resource_types": {"type": "boolean", "default": True},
})
def recording(resource: Resource, params: dict[str, Any]) -> Outcome:
    """A recorder exists, is recording every supported resource type, and its last delivery did not fail."""
    recorders = resource.get("recorders") or []
    if not recorders:
        return failed("no AWS Config recorder in this region", recorders=[])
    statuses = resource.get("statuses") or {}
    scope = {r["name"]: r for r in recorders}
    running = [n for n, s in statuses.items()
               if n in scope and s.get("recording") is True and s.get("last_status") != "FAILURE"]
    complete = [n for n in running if not params["require_all_resource_types"] or _records_everything(scope[n])]
    evidence: dict[str, Any] = {"statuses": statuses, "recorders": recorders}
    if complete:
        return passed(f"recording: {', '.join(sorted(complete))}", **evidence)
    if running:
        return failed(f"recording only some resource types: {', '.join(sorted(running))}", **evidence)
    return failed("AWS Config recorder is not recording", **evidence)


def _records_everything(recorder: dict[str, Any]) -> bool:
    return bool(recorder.get("all_supported")) and not recorder.get("excluded_types") and \
        recorder.get("strategy") in (None, "ALL_SUPPORTED_RESOURCE_TYPES")
