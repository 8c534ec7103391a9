"""Log retention: logrotate keeps security logs at least the policy's number of days."""
from __future__ import annotations

import fnmatch
from typing import Any

from hipaacheck.model import Location, NotApplicable, Outcome, Resource, failed, passed
from hipaacheck.registry import check

SECURITY_LOGS = ["/var/log/messages", "/var/log/secure", "/var/log/syslog", "/var/log/auth.log",
                 "/var/log/audit/audit.log", "/var/log/sudo.log"]


def _matches(block_paths: list[str], logs: list[str]) -> list[str]:
    return [log for log in logs if any(fnmatch.fnmatch(log, p) or fnmatch.fnmatch(p, log) for p in block_paths)]


@check("host.logrotate.retention", resource_type="host.logrotate", params={
    "min_days": {"type": "integer", "minimum": 1, "default": 365},
    "logs": {"type": "array", "items": {"type": "string"}, "minItems": 1, "default": SECURITY_LOGS},
})
def retention(resource: Resource, params: dict[str, Any]) -> list[Outcome]:
    """Each logrotate block covering a security log keeps rotate × period (capped by maxage) >= min_days.

    Size-triggered rotation (``size``, ``maxsize``) has no time bound and fails; ``rotate -1`` keeps all.
    """
    if not resource.get("present"):
        raise NotApplicable("logrotate is not configured (no /etc/logrotate.conf): logs are not rotated away")
    outcomes = []
    for block in resource.get("blocks") or []:
        logs = _matches(block["paths"], params["logs"])
        if not logs:
            continue
        days, options = block["days"], block["options"]
        loc, item = Location(block["path"], block["line"]), ", ".join(logs)
        evidence = {"rotate": options.get("rotate", 0), "period": options.get("period"),
                    "maxage": options.get("maxage"), "days": days, "min_days": params["min_days"]}
        if block.get("forever"):
            outcomes.append(passed(f"{item}: rotate -1, old logs are never removed", loc, item=item, **evidence))
        elif days is None:
            outcomes.append(failed(f"{item}: rotated by size ({evidence['rotate']} kept), so no time bound",
                                   loc, item=item, **evidence))
        elif days < params["min_days"]:
            outcomes.append(failed(f"{item}: kept {days:g} days, below {params['min_days']}", loc, item=item,
                                   **evidence))
        else:
            outcomes.append(passed(f"{item}: kept {days:g} days", loc, item=item, **evidence))
    if not outcomes:
        raise NotApplicable(f"no logrotate block covers {', '.join(params['logs'])}")
    return outcomes
