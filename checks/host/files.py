"""Modes and owners of sensitive files."""
from __future__ import annotations

import fnmatch
from typing import Any

from hipaacheck.model import Location, NotApplicable, Outcome, Resource, failed, passed
from hipaacheck.registry import check

OCTAL = {"type": "string", "pattern": "^0?[0-7]{3,4}$"}


@check("host.files.mode", resource_type="host.file_modes", params={
    "paths": {"type": "array", "items": {"type": "string", "pattern": "^/"}, "minItems": 1},
    "max_mode": OCTAL,
    "owners": {"type": "array", "items": {"type": "string"}, "default": ["root"]},
    "groups": {"type": "array", "items": {"type": "string"}, "default": ["root"]},
    "group_max_modes": {"type": "object", "additionalProperties": OCTAL, "default": {},
                        "description": "a looser max_mode for files owned by these groups (e.g. ssh_keys: 0640)"},
    "required": {"type": "boolean", "default": False, "description": "a missing file fails"},
}, required=["paths", "max_mode"])
def file_mode(resource: Resource, params: dict[str, Any]) -> list[Outcome]:
    """Each matching file grants no permission beyond ``max_mode`` and has an allowed owner and group."""
    files = resource.get("files") or {}
    for key in resource.unreadable:
        if key.startswith("files.") and any(fnmatch.fnmatch(key[6:], p) for p in params["paths"]):
            resource.get(key)  # could not stat a file in scope: error
    outcomes = []
    matched = [path for path in sorted(files) if any(fnmatch.fnmatch(path, p) for p in params["paths"])]
    for path in matched:
        entry = files[path]
        if not entry["exists"]:
            if params["required"]:
                outcomes.append(failed(f"{path} is missing", item=path))
            continue
        allowed = int(params["group_max_modes"].get(entry["group"], params["max_mode"]), 8)
        mode = int(entry["mode"], 8)
        problems = []
        if mode & ~allowed:
            problems.append(f"mode {entry['mode']} exceeds {allowed:04o}")
        if entry["owner"] not in params["owners"]:
            problems.append(f"owner {entry['owner']} not in {', '.join(params['owners'])}")
        if entry["group"] not in params["groups"] and entry["group"] not in params["group_max_modes"]:
            problems.append(f"group {entry['group']} not in {', '.join(params['groups'])}")
        evidence = {"mode": entry["mode"], "owner": entry["owner"], "group": entry["group"], "max_mode": f"{allowed:04o}"}
        if problems:
            outcomes.append(failed(f"{path}: {'; '.join(problems)}", Location(path), item=path, **evidence))
        else:
            outcomes.append(passed(f"{path} is {entry['mode']} {entry['owner']}:{entry['group']}", Location(path),
                                   item=path, **evidence))
    if not outcomes:
        raise NotApplicable(f"none of {', '.join(params['paths'])} exists")
    return outcomes
