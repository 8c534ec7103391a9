"""Waivers: accepted risks that turn matching ``fail`` findings into ``waived``.

Only ``fail`` findings are waived. An ``error`` means the tool could not see,
and accepting that would hide an incomplete scan; ``skip``/``pass`` need no
waiver. A waiver past its expiry date no longer waives: the finding stays
``fail`` and its message says the waiver expired. A waiver that waived nothing
in this run is *stale* (reported, so the waivers file does not rot).

All functions here are pure: the caller passes the run's date.
"""
from __future__ import annotations

import fnmatch
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Iterable, Mapping

from .errors import InputError
from .model import Finding
from .validation import validate_document
from .yamlio import LineDict, dates_to_text, line_of, load_yaml

DATE_FIELDS = ("created", "expires")
ResourceKey = tuple[str, str, str, str]  # type, id, region, account


@dataclass(frozen=True)
class Waiver:
    control: str
    justification: str
    approver: str
    expires: date
    created: date | None = None
    resource: str | None = None
    item: str | None = None
    tags: dict[str, str] = field(default_factory=dict)
    ticket: str | None = None
    source: str = ""  # file:line, so a report points at the waiver

    def expired(self, today: date) -> bool:
        """A waiver is valid through its expiry date and expired the day after."""
        return today > self.expires

    def matches(self, finding: Finding, tags: Mapping[str, str] | None) -> bool:
        resource = finding.resource
        if not fnmatch.fnmatchcase(finding.control_id, self.control):
            return False
        if self.resource is not None and not fnmatch.fnmatchcase(str(resource.get("id", "")), self.resource):
            return False
        if self.item is not None and not fnmatch.fnmatchcase(str(resource.get("item") or ""), self.item):
            return False
        if self.tags:
            if not tags:
                return False
            return all(k in tags and fnmatch.fnmatchcase(tags[k], v) for k, v in self.tags.items())
        return True

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"control": self.control}
        for name in ("resource", "item"):
            if getattr(self, name) is not None:
                data[name] = getattr(self, name)
        if self.tags:
            data["tags"] = dict(self.tags)
        data.update(justification=self.justification, approver=self.approver, expires=self.expires.isoformat())
        if self.created:
            data["created"] = self.created.isoformat()
        if self.ticket:
            data["ticket"] = self.ticket
        data["source"] = self.source
        return data


@dataclass
class WaiverReport:
    """What applying waivers did, for ``Results.extra``."""

    stale: list[Waiver] = field(default_factory=list)
    expired: list[Waiver] = field(default_factory=list)  # expired and matched a failure

    def to_extra(self) -> dict[str, Any]:
        extra: dict[str, Any] = {"stale_waivers": [w.to_dict() for w in self.stale]}
        if self.expired:
            extra["expired_waivers"] = [w.to_dict() for w in self.expired]
        return extra


def load_waivers(path: Path | str, max_days: int, today: date) -> list[Waiver]:
    """Load and validate a waivers file; a waiver longer than ``max_days`` is refused.

    A waiver's length runs from ``created`` (or ``today`` when absent) to ``expires``.
    """
    path = Path(path)
    data = load_yaml(path)
    if data is None:
        raise InputError(str(path), "empty waivers file (expected a 'waivers:' list)")
    dates_to_text(data, "waivers", DATE_FIELDS)
    validate_document(data, "waivers", path)
    waivers = []
    for index, entry in enumerate(data["waivers"]):
        where = f"{path}:{line_of(data, ['waivers', index])}"
        expires = date.fromisoformat(entry["expires"])
        created = date.fromisoformat(entry["created"]) if "created" in entry else None
        start = created or today
        if created and created > expires:
            raise InputError(f"{path}:{line_of(data, ['waivers', index, 'created'])}",
                             f"$.waivers[{index}].created: {created} is after expires {expires}")
        if (expires - start).days > max_days:
            raise InputError(f"{path}:{line_of(data, ['waivers', index, 'expires'])}",
                             f"$.waivers[{index}].expires: waiver lasts {(expires - start).days} days from "
                             f"{start}, longer than the profile's waiver_max_days ({max_days})")
        tags = entry.get("tags") or {}
        waivers.append(Waiver(
            control=entry["control"], justification=entry["justification"].strip(), approver=entry["approver"],
            expires=expires, created=created, resource=entry.get("resource"), item=entry.get("item"),
            tags=dict(tags.items()) if isinstance(tags, LineDict) else dict(tags), ticket=entry.get("ticket"),
            source=where))
    return waivers


def normalise_tags(raw: Any) -> dict[str, str] | None:
    """AWS tags come as ``{k: v}`` or ``[{Key, Value}]``; anything else means no tags."""
    if isinstance(raw, dict):
        return {str(k): "" if v is None else str(v) for k, v in raw.items()}
    if isinstance(raw, list):
        pairs = [t for t in raw if isinstance(t, dict) and "Key" in t]
        return {str(t["Key"]): str(t.get("Value") or "") for t in pairs}
    return None


def resource_key(ref: Mapping[str, Any]) -> ResourceKey:
    return (ref.get("type", ""), ref.get("id", ""), ref.get("region") or "", ref.get("account") or "")


def tags_by_resource(resources: Iterable[Any]) -> dict[ResourceKey, dict[str, str]]:
    """Tags of every resource that has them, keyed like :func:`resource_key` (``attributes['tags']``)."""
    out: dict[ResourceKey, dict[str, str]] = {}
    for resource in resources:
        tags = normalise_tags(resource.attributes.get("tags"))
        if tags is not None:
            out[resource_key(resource.ref())] = tags
    return out


def apply_waivers(findings: list[Finding], waivers: list[Waiver], today: date,
                  tags: Mapping[ResourceKey, dict[str, str]] | None = None) -> WaiverReport:
    """Waive matching ``fail`` findings in place (first valid waiver in file order wins)."""
    tags = tags or {}
    used: set[int] = set()
    expired_used: set[int] = set()
    for finding in findings:
        if finding.status != "fail":
            continue
        resource_tags = tags.get(resource_key(finding.resource))
        matching = [(i, w) for i, w in enumerate(waivers) if w.matches(finding, resource_tags)]
        valid = [(i, w) for i, w in matching if not w.expired(today)]
        if valid:
            index, waiver = valid[0]
            used.add(index)
            finding.status = "waived"
            finding.annotate(waiver=waiver.to_dict())
        elif matching:
            index, waiver = matching[0]
            expired_used.add(index)
            finding.message = f"{finding.message} (waiver expired on {waiver.expires.isoformat()})"
            finding.annotate(waiver_expired=waiver.to_dict())
    return WaiverReport(
        stale=[w for i, w in enumerate(waivers) if i not in used and i not in expired_used],
        expired=[w for i, w in enumerate(waivers) if i in expired_used])
