"""Targets: what one scan covered (AWS accounts, hosts, SSH hosts, images), each with its status.

A source that scans several targets implements ``collect_targets`` (see :mod:`hipaacheck.sources`) and
yields one ``(Target, Inventory | None)`` at a time; a source without it is one target, derived here from
its inventory's metadata (:func:`target_of`).

Findings and targets:

- every finding of a target's source family carries ``Finding.target`` (:attr:`Target.key`); findings of
  auxiliary families (attestations...) belong to the run, not to a target, and carry none;
- a finding's identity never includes the target. AWS resources already name their account. In a scan of
  several targets (a source with ``collect_targets``) a finding whose resource names no account (a
  ``"*"`` placeholder, a collection error, a host file) gets ``resource["account"]`` = :attr:`Target.slot`:
  the account id for ``aws-account``, the target key (``host:web1``, ``ssh:ops@db:22``) otherwise. Scans of
  one target are unchanged, so identities of existing single-target results stay what they were;
  ``merge`` stamps the same slot when it joins results of several targets.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Iterable, Mapping

from .model import Finding, source_family

if TYPE_CHECKING:
    from .inventory import Inventory
    from .profiles import ActiveControl

KIND_OF_FAMILY = {"aws": "aws-account"}  # the kind of a one-target scan, by source family (else the family)


class TargetStatus(str, Enum):
    SCANNED = "scanned"  # everything asked for was collected
    PARTIAL = "partial"  # collected, but some resource types could not be listed
    ERROR = "error"  # nothing collected: the reason says why

    __str__ = str.__str__


@dataclass(frozen=True)
class Target:
    """One account, host or image a scan covered."""

    kind: str  # "aws-account", "host", "ssh", "image"
    id: str  # unique within kind: account id, host root or name, "user@host:port", "sha256:..."
    name: str  # for display: account name, hostname, image tag
    status: TargetStatus
    reason: str | None = None  # why error or partial; never a secret
    details: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))  # JSON-serialisable

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.id}"

    @property
    def slot(self) -> str:
        """What goes in ``resource["account"]`` of this target's findings that name no account."""
        return self.id if self.kind == "aws-account" else self.key

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"kind": self.kind, "id": self.id, "name": self.name, "status": self.status.value}
        if self.reason:
            data["reason"] = self.reason
        data["details"] = dict(self.details)
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "Target":
        return cls(kind=str(data["kind"]), id=str(data["id"]), name=str(data.get("name") or data["id"]),
                   status=TargetStatus(data.get("status", "scanned")), reason=data.get("reason"),
                   details=MappingProxyType(dict(data.get("details") or {})))

    def with_status(self, status: TargetStatus, reason: str | None = None) -> "Target":
        return Target(self.kind, self.id, self.name, status, reason, self.details)


def status_of(inventory: Inventory) -> tuple[TargetStatus, str | None]:
    """``partial`` (with how many types could not be listed) when the inventory has collection errors."""
    if not inventory.errors:
        return TargetStatus.SCANNED, None
    count = len(inventory.errors)
    return TargetStatus.PARTIAL, f"{count} collection error{'s' if count != 1 else ''}"


def target_of(family: str, metadata: Mapping[str, Any], inventory: Inventory | None = None) -> Target:
    """The one target of a single-target scan, from its inventory metadata (or a results ``run.target``)."""
    kind = KIND_OF_FAMILY.get(family, family)
    if kind == "aws-account":
        ident = str(metadata.get("account") or "unknown")
        name = str(metadata.get("account_name") or ident)
        details = {k: metadata[k] for k in ("regions", "caller_arn", "partition") if metadata.get(k) is not None}
    else:
        ident = str(metadata.get("host") or metadata.get("root") or metadata.get("name") or "unknown")
        name = str(metadata.get("host") or ident)
        details = {k: metadata[k] for k in ("root",) if metadata.get(k) is not None}
    status, reason = status_of(inventory) if inventory is not None else (TargetStatus.SCANNED, None)
    return Target(kind, ident, name, status, reason, MappingProxyType(details))


def stamp_resources(inventory: Inventory, target: Target) -> None:
    """Before evaluation in a several-target scan: resources naming no account get the target's slot."""
    for resource in inventory.resources:
        if resource.account is None:
            resource.account = target.slot
            resource._ref = None


def give_slot(findings: Iterable[Finding], target: Target) -> None:
    """Findings of a several-target scan that name no account (placeholders, collection errors) get the
    target's slot, as :func:`stamp_resources` gave its resources."""
    slot = target.slot
    for finding in findings:
        if "account" not in finding.resource:
            finding.resource = {**finding.resource, "account": slot}


def error_findings(active: Iterable[ActiveControl], family: str, target: Target) -> list[Finding]:
    """One ``error`` per selected control of ``family`` for a target that failed whole (resource ``"*"``)."""
    from .engine import make_finding
    from .model import Outcome

    findings = []
    reason = target.reason or "the target could not be scanned"
    for control in active:
        rtype = control.control.resource_type
        if source_family(rtype) == family:
            ref = {"type": rtype, "id": "*", "account": target.slot}
            finding = make_finding(control, ref, Outcome("error", reason))
            finding.target = target.key
            findings.append(finding)
    return findings


def sort_targets(targets: Iterable[Target]) -> list[Target]:
    return sorted(targets, key=lambda t: (t.kind, t.id))


__all__ = ["Target", "TargetStatus", "error_findings", "sort_targets",
           "give_slot", "stamp_resources", "status_of", "target_of"]
