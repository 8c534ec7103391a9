"""Typed values that cross module boundaries: resources, outcomes, findings.

Sources produce :class:`Resource` objects, checks turn a resource into
:class:`Outcome` values, and the engine wraps each outcome into a
:class:`Finding` carrying the control's metadata.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from types import MappingProxyType
from typing import Any, Iterable, Mapping

SEVERITIES = ("critical", "high", "medium", "low", "info")
SEVERITY_RANK = {name: rank for rank, name in enumerate(reversed(SEVERITIES))}  # info=0 .. critical=4


class Status(str, Enum):
    """A finding's status. String-valued, so JSON and comparisons with plain strings are unchanged.

    Declaration order is the contract's order (results ``by_status``, history columns); :attr:`rank`
    is the one order of attention, worst first, that every sorted listing and roll-up uses.
    """

    PASS = "pass"
    FAIL = "fail"
    ERROR = "error"
    SKIP = "skip"
    WAIVED = "waived"
    MANUAL = "manual"

    __str__ = str.__str__
    __format__ = str.__format__  # type: ignore[assignment]  # f"{status}" is its value, as for a str

    @property
    def rank(self) -> int:
        """0 for the status that needs attention first (fail) .. 5 for pass."""
        return _ATTENTION.index(self)

    @classmethod
    def by_attention(cls) -> tuple["Status", ...]:
        return _ATTENTION


_ATTENTION = (Status.FAIL, Status.ERROR, Status.MANUAL, Status.WAIVED, Status.SKIP, Status.PASS)
STATUSES = tuple(status.value for status in Status)  # the contract's order
_STATUS_OF: dict[str, Status] = {status.value: status for status in Status}  # also finds a Status (equal str)


def as_status(value: str) -> Status:
    """``Status(value)`` without the enum machinery per call (it runs once per outcome); ValueError if unknown."""
    try:
        return _STATUS_OF[value]
    except (KeyError, TypeError):
        raise ValueError(f"{value!r} is not a valid Status") from None


def worst_status(statuses: Iterable[str]) -> Status:
    """The status that needs attention first; ``skip`` when there is none."""
    return min((Status(s) for s in statuses), key=lambda s: s.rank, default=Status.SKIP)


def source_family(resource_type: str) -> str:
    """``aws``, ``host``, ``manual``...: the first part of a resource type, naming what produces it."""
    return resource_type.split(".", 1)[0]


def service_of_type(resource_type: str) -> str:
    """``s3`` for ``aws.s3.bucket``, ``sshd`` for ``host.sshd``: the resource type's second part."""
    parts = resource_type.split(".")
    return parts[1] if len(parts) > 1 else parts[0]


class Unreadable(Exception):
    """Raised when a check touches an attribute the source could not read.

    The engine turns it into an ``error`` finding carrying the reason, so a
    check never has to remember to guard against missing data: what could not
    be seen can never pass.
    """

    def __init__(self, attribute: str, reason: str) -> None:
        super().__init__(f"{attribute}: {reason}")
        self.attribute = attribute
        self.reason = reason


class NotApplicable(Exception):
    """Raised by a check to say the resource is out of its scope (``skip``)."""


@dataclass(frozen=True)
class Location:
    """Where a finding points: a host file and line, or a cloud resource's ARN."""

    path: str | None = None
    line: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in (("path", self.path), ("line", self.line)) if v is not None}


@dataclass(slots=True)
class Resource:
    """One thing a source observed: a config file, a bucket, an account setting.

    ``unreadable`` maps attribute names the source failed to read to the reason
    (``AccessDenied on s3:GetBucketPolicy``, ``permission denied``). Reading
    such an attribute through :meth:`get` raises :class:`Unreadable`. The key
    ``"*"`` marks the whole resource unreadable.
    """

    type: str
    id: str
    attributes: dict[str, Any] = field(default_factory=dict)
    region: str | None = None
    account: str | None = None
    unreadable: dict[str, str] = field(default_factory=dict)
    _ref: dict[str, Any] | None = field(default=None, init=False, repr=False, compare=False)

    def get(self, name: str, default: Any = None) -> Any:
        """Return attribute ``name``; raise :class:`Unreadable` if it could not be read."""
        if self.unreadable:
            self.ensure_readable(name)
        return self.attributes.get(name, default)

    def ensure_readable(self, path: str) -> None:
        """Raise :class:`Unreadable` if ``path`` or any dotted prefix of it could not be read.

        ``a.b`` unread means ``a.b.c`` is unknown, not absent: an ``absent`` condition must not pass
        on what nobody saw.
        """
        unreadable = self.unreadable
        if not unreadable:
            return
        if "*" in unreadable:
            raise Unreadable(path, unreadable["*"])
        end = path.find(".")
        while end != -1:
            if path[:end] in unreadable:
                raise Unreadable(path[:end], unreadable[path[:end]])
            end = path.find(".", end + 1)
        if path in unreadable:
            raise Unreadable(path, unreadable[path])

    def __getitem__(self, name: str) -> Any:
        return self.get(name)

    @property
    def sort_key(self) -> tuple[str, str, str, str]:
        return (self.type, self.account or "", self.region or "", self.id)

    def ref(self) -> dict[str, Any]:
        """``type``, ``id`` (and ``region``, ``account``): shared by every finding on this resource, so
        treat it as read-only."""
        if self._ref is None:
            ref: dict[str, Any] = {"type": self.type, "id": self.id}
            if self.region:
                ref["region"] = self.region
            if self.account:
                ref["account"] = self.account
            self._ref = ref
        return self._ref

    def to_dict(self) -> dict[str, Any]:
        data = dict(self.ref())
        data["attributes"] = self.attributes
        if self.unreadable:
            data["unreadable"] = dict(self.unreadable)
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "Resource":
        """From a freshly parsed document, which the resource then owns: its dicts are not copied."""
        return cls(
            type=data["type"],
            id=data["id"],
            attributes=data.get("attributes") or {},
            region=data.get("region"),
            account=data.get("account"),
            unreadable=data.get("unreadable") or {},
        )


@dataclass(frozen=True)
class CollectionError:
    """A resource type (in one region) that the source could not list at all."""

    resource_type: str
    message: str
    region: str | None = None
    operation: str | None = None  # e.g. "s3:ListBuckets" or a file path
    code: str | None = None  # e.g. "AccessDenied", "EACCES"

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if v is not None}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "CollectionError":
        return cls(data["resource_type"], data["message"], data.get("region"), data.get("operation"), data.get("code"))


@dataclass(slots=True)
class Outcome:
    """What a check decided about one resource (or one item inside it)."""

    status: str
    message: str
    evidence: dict[str, Any] = field(default_factory=dict)
    location: Location | None = None
    item: str | None = None  # sub-resource, e.g. a user name inside /etc/passwd

    def __post_init__(self) -> None:
        self.status = as_status(self.status)  # ValueError for an unknown status


def passed(message: str, location: Location | None = None, item: str | None = None, **evidence: Any) -> Outcome:
    return Outcome("pass", message, evidence, location, item)


def failed(message: str, location: Location | None = None, item: str | None = None, **evidence: Any) -> Outcome:
    return Outcome("fail", message, evidence, location, item)


def skipped(message: str, location: Location | None = None, item: str | None = None, **evidence: Any) -> Outcome:
    return Outcome("skip", message, evidence, location, item)


def errored(message: str, location: Location | None = None, item: str | None = None, **evidence: Any) -> Outcome:
    return Outcome("error", message, evidence, location, item)


# A finding's own fields in results JSON; any other member is one of its extra fields (waiver, drift...)
FINDING_FIELDS = frozenset({"control_id", "check_id", "title", "status", "severity", "resource", "citations",
                            "message", "evidence", "location", "target"})
NO_EXTRA: Mapping[str, Any] = MappingProxyType({})  # the extra fields of a finding as the engine makes it


@dataclass(slots=True)
class Finding:
    """One status for one control on one resource: the unit every format renders."""

    control_id: str
    check_id: str
    status: str
    severity: str
    resource: dict[str, Any]
    citations: list[str]
    message: str
    evidence: dict[str, Any] = field(default_factory=dict)
    title: str = ""
    location: Location | None = None
    # waiver, drift, attestation...: replaced (annotate), never changed in place, since findings share NO_EXTRA
    extra: Mapping[str, Any] = field(default_factory=dict)
    target: str | None = None  # the Target.key it belongs to (hipaacheck.targets); not part of identity

    def annotate(self, **values: Any) -> None:
        """Add fields written beside the finding's own (``drift``, ``waiver``)."""
        self.extra = {**self.extra, **values}

    @property
    def identity(self) -> str:
        """Stable name of this finding across runs: control + resource (+ item). Baselines, history and
        report ids rely on it, so it must not change between versions."""
        r = self.resource
        return "|".join(str(part or "") for part in (self.control_id, r.get("type"), r.get("account"),
                                                     r.get("region"), r.get("id"), r.get("item")))

    @property
    def sort_key(self) -> tuple[str, ...]:
        r = self.resource
        return (self.control_id, r.get("type", ""), r.get("account") or "", r.get("region") or "", r.get("id", ""))

    def to_dict(self) -> dict[str, Any]:
        """The finding as results JSON holds it. Its ``resource``, ``citations`` and ``evidence`` are the
        finding's own (shared with other findings): encode the dict or copy them, never mutate them."""
        # one dict display per layout (400k findings per big scan): ``target`` sits between resource and citations
        if self.target is None:
            data = {"control_id": self.control_id, "check_id": self.check_id, "title": self.title,
                    "status": self.status, "severity": self.severity, "resource": self.resource,
                    "citations": self.citations, "message": self.message, "evidence": self.evidence}
        else:
            data = {"control_id": self.control_id, "check_id": self.check_id, "title": self.title,
                    "status": self.status, "severity": self.severity, "resource": self.resource,
                    "target": self.target, "citations": self.citations, "message": self.message,
                    "evidence": self.evidence}
        if self.location is not None:
            data["location"] = self.location.to_dict()
        if self.extra:
            data.update(self.extra)
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], copy: bool = True) -> "Finding":
        """A finding of a results document; ``copy=False`` takes its resource, citations and evidence as they
        are (a reader sharing equal ones between findings, :mod:`hipaacheck.results_reader`)."""
        loc = data.get("location")
        resource, citations, evidence = data["resource"], data.get("citations") or [], data.get("evidence") or {}
        return cls(
            control_id=data["control_id"],
            check_id=data["check_id"],
            status=data["status"],
            severity=data["severity"],
            resource=dict(resource) if copy else resource,
            citations=list(citations) if copy else citations,
            message=data.get("message", ""),
            evidence=dict(evidence) if copy else evidence,
            title=data.get("title", ""),
            location=Location(**loc) if loc else None,
            extra={k: v for k, v in data.items() if k not in FINDING_FIELDS},
            target=data.get("target"),
        )


def resource_label(finding: Finding) -> str:
    """``id [item] (region)``: how a person reads a finding's resource."""
    r = finding.resource
    label = str(r.get("id", ""))
    if r.get("item"):
        label += f" [{r['item']}]"
    if r.get("region"):
        label += f" ({r['region']})"
    return label


def attention_key(finding: Finding) -> tuple[Any, ...]:
    """The one listing order: failures first, most severe first, then control and resource."""
    return (Status(finding.status).rank, -SEVERITY_RANK[finding.severity], finding.sort_key)


def count_by_status(findings: Iterable[Finding]) -> dict[str, int]:
    counts = dict.fromkeys(STATUSES, 0)
    for finding in findings:
        counts[finding.status] += 1
    return counts
