"""IAM Access Analyzer: an active analyzer of account or organization zone of trust in each scanned region."""
from __future__ import annotations

from typing import Any

from hipaacheck.model import Outcome, Resource, failed, passed
from hipaacheck.registry import check

EXTERNAL_ACCESS = {"ACCOUNT", "ORGANIZATION"}


@check("aws.accessanalyzer.active", resource_type="aws.accessanalyzer.region", reads=("analyzers",))
def active(resource: Resource, params: dict[str, Any]) -> Outcome:
    """Some ACCOUNT or ORGANIZATION analyzer of the region is ACTIVE (unused-access analyzers do not count)."""
    analyzers = resource.get("analyzers") or []
    good = [a["name"] for a in analyzers if a.get("status") == "ACTIVE" and a.get("type") in EXTERNAL_ACCESS]
    if good:
        return passed(f"active analyzer {good[0]}", analyzers=analyzers)
    if analyzers:
        return failed("no active external-access analyzer (found: "
                      + ", ".join(f"{a['name']} {a.get('type')} {a.get('status')}" for a in analyzers) + ")",
                      analyzers=analyzers)
    return failed("no IAM Access Analyzer analyzer in this region", analyzers=[])
