"""Encryption at rest: local filesystems and swap on LUKS/dm-crypt."""
from __future__ import annotations

from typing import Any

from hipaacheck.model import Location, NotApplicable, Outcome, Resource, errored, failed, passed
from hipaacheck.registry import check

LOCAL_FSTYPES = ["ext2", "ext3", "ext4", "xfs", "btrfs", "f2fs", "jfs", "reiserfs", "zfs"]


@check("host.storage.encrypted", resource_type="host.storage", params={
    "kind": {"enum": ["filesystems", "swap"]},
    "exclude_mounts": {"type": "array", "items": {"type": "string"}, "default": ["/boot", "/boot/efi"]},
    "fstypes": {"type": "array", "items": {"type": "string"}, "default": LOCAL_FSTYPES},
}, required=["kind"])
def encrypted(resource: Resource, params: dict[str, Any]) -> list[Outcome]:
    """Each fstab entry of ``kind`` sits on a crypttab (LUKS or dm-crypt) device."""
    if not resource.get("present"):
        raise NotApplicable("no /etc/fstab (a container image?): no filesystem to check")
    wanted = ["swap"] if params["kind"] == "swap" else params["fstypes"]
    entries = [e for e in resource.get("filesystems") or []
               if e["fstype"] in wanted and e["mountpoint"] not in params["exclude_mounts"]]
    if not entries:
        raise NotApplicable(f"/etc/fstab lists no {params['kind']} to check")
    outcomes = []
    for entry in entries:
        item = entry["mountpoint"] if entry["fstype"] != "swap" else f"swap {entry['device']}"
        loc = Location("/etc/fstab", entry["line"])
        evidence = {"device": entry["device"], "kind": entry["kind"], "via": entry["via"]}
        if entry["kind"] in ("crypt", "lvm-on-crypt"):
            outcomes.append(passed(f"{item} is encrypted ({entry['via']})", loc, item=item, **evidence))
        elif entry["kind"] == "plain":
            outcomes.append(failed(f"{item} is not encrypted ({entry['device']}: {entry['via']})", loc, item=item,
                                   **evidence))
        else:
            outcomes.append(errored(f"cannot tell whether {item} ({entry['device']}) is encrypted: {entry['via']}",
                                    loc, item=item, **evidence))
    return outcomes
