"""The incident and breach register (``--incidents FILE``, YAML, schema ``incidents``).

Per incident: when it was discovered, the breach risk assessment (outcome, date, who), the individuals
affected (in total and per State or jurisdiction), whether it happened at a business associate, and the
date of each notification. ``hipaacheck incident add|assess|notify`` edit it under a lock, writing
atomically; the collector is the ``incidents`` source (:mod:`hipaacheck.sources.incidents`).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from .errors import InputError
from .validation import validate_document
from .yamlio import dump_yaml, line_of, load_yaml, read_limited

NOTICES = ("individuals", "hhs", "covered_entity")
MAX_REGISTER_BYTES = 16 * 1024 * 1024


@dataclass
class Register:
    path: Path
    document: dict[str, Any]  # as validated, dates as text: what add/notify edit and write back

    @property
    def incidents(self) -> list[dict[str, Any]]:
        return self.document["incidents"]

    def find(self, incident_id: str) -> dict[str, Any]:
        for incident in self.incidents:
            if incident["id"] == incident_id:
                return incident
        raise InputError(str(self.path), f"no incident {incident_id!r}")


def _texts(node: Any) -> Any:
    """YAML reads 2026-01-31 as a date; the schema (and JSON) want text. Rewrites in place, keeping lines."""
    items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
    for key, value in list(items):
        if isinstance(value, date):
            node[key] = value.isoformat()
        else:
            _texts(value)
    return node


def _dated(incident: dict[str, Any]) -> list[tuple[tuple[Any, ...], str]]:
    events: list[tuple[tuple[Any, ...], Any]] = [(("assessment", "date"), (incident.get("assessment") or {}).get("date"))]
    notices = incident.get("notifications") or {}
    events += [(("notifications", name), notices.get(name)) for name in NOTICES]
    events += [(("notifications", "media", state), day) for state, day in (notices.get("media") or {}).items()]
    return [(where, value) for where, value in events if value]


def check_register(document: Any, path: Path) -> None:
    """What the schema cannot say: unique ids, nothing dated before discovery, states within the total."""
    validate_document(document, "incidents", path)
    seen: dict[str, int | None] = {}
    for index, incident in enumerate(document["incidents"]):
        here = ["incidents", index]
        where = f"{path}:{line_of(document, here)}"
        if incident["id"] in seen:
            raise InputError(where, f"$.incidents[{index}].id: duplicate id {incident['id']!r} "
                                    f"(first at line {seen[incident['id']]})")
        seen[incident["id"]] = line_of(document, here)
        for parts, value in _dated(incident):
            if value < incident["discovered"]:
                field_path = "".join(f".{p}" for p in parts)
                raise InputError(f"{path}:{line_of(document, [*here, *parts])}",
                                 f"$.incidents[{index}]{field_path}: {value} is before discovered "
                                 f"{incident['discovered']}")
        affected = incident.get("affected") or {}
        states = sum((affected.get("by_state") or {}).values())
        if "total" in affected and states > affected["total"]:
            raise InputError(f"{path}:{line_of(document, [*here, 'affected'])}",
                             f"$.incidents[{index}].affected.by_state: {states} residents in all, more than "
                             f"the total {affected['total']}")


def load_register(path: Path | str) -> Register:
    """Load and validate a register; any problem is one :class:`InputError` naming file, line and field."""
    path = Path(path)
    data = read_limited(path, "incident register", MAX_REGISTER_BYTES)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise InputError(str(path), "not UTF-8 text") from None
    document = load_yaml(path, text)
    if document is None:
        raise InputError(str(path), "empty register (expected 'version: 1' and an 'incidents:' list)")
    check_register(_texts(document), path)
    return Register(path, document)


def save_register(register: Register) -> None:
    """Validate, then replace the file atomically (the caller holds its lock)."""
    from .atomic import write_text_atomic

    check_register(register.document, register.path)
    header = "# Incident and breach register for hipaacheck (scan --incidents FILE); no PHI in descriptions.\n"
    write_text_atomic(register.path, header + dump_yaml(register.document))
