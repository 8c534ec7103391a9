"""AWS Config: a configuration recorder that is recording in every scanned region."""
from __future__ import annotations

from typing import Any

from hipaacheck.model import Outcome, Resource, failed, passed
from hipaacheck.registry import check


@check("aws.config.recording", resource_type="aws.config.recorder")
def recording(resource: Resource, params: dict[str, Any]) -> Outcome:
    """A recorder exists, is recording, and its last delivery did not fail."""
    recorders = resource.get("recorders") or []
    if not recorders:
        return failed("no AWS Config recorder in this region", recorders=[])
    statuses = resource.get("statuses") or {}
    good = [n for n, s in statuses.items() if s.get("recording") and s.get("last_status") != "FAILURE"]
    if good:
        return passed(f"recording: {', '.join(sorted(good))}", statuses=statuses)
    return failed("AWS Config recorder is not recording", statuses=statuses)
