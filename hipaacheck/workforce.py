"""The workforce roster (``--workforce FILE``, CSV or YAML, schema ``workforce``): who was hired, trained
and terminated, and which accounts each person holds.

Names and e-mail may be in the file but are dropped on reading: a :class:`Person` has no field for them,
so nothing downstream (resources, findings, formats, the evidence bundle) can carry them. The collector is
the ``workforce`` source (:mod:`hipaacheck.sources.workforce`), which joins the roster with the accounts
the scan found.
"""
from __future__ import annotations

import csv
import hashlib
import io
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from .errors import InputError
from .validation import packaged_schema, validate_document
from .yamlio import LineDict, LineList, dates_to_text, line_of, load_yaml, read_limited

DATE_FIELDS = ("hire_date", "termination_date", "last_training_date")
ACCOUNT_SEPARATORS = re.compile(r"[;\s]+")
MAX_ROSTER_BYTES = 64 * 1024 * 1024


@dataclass(frozen=True)
class Person:
    """One roster row, without name or e-mail."""

    id: str
    role: str
    hire_date: date
    termination_date: date | None = None
    last_training_date: date | None = None
    accounts: tuple[str, ...] = ()  # "aws:NAME", "host:NAME", "sso:NAME"
    line: int | None = None

    def to_dict(self) -> dict[str, Any]:
        """The fields every output may carry: id, role, dates and account names."""
        data: dict[str, Any] = {"id": self.id, "role": self.role, "hire_date": self.hire_date.isoformat()}
        for name in ("termination_date", "last_training_date"):
            value = getattr(self, name)
            if value is not None:
                data[name] = value.isoformat()
        data["accounts"] = list(self.accounts)
        return data


@dataclass
class Roster:
    path: Path
    sha256: str  # of the file as read: the evidence bundle keeps this, not the file's personal fields
    people: list[Person] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """The roster as the evidence bundle stores it: no name, no e-mail; the original's SHA-256."""
        return {"version": 1, "file": self.path.name, "sha256": self.sha256,
                "people": [person.to_dict() for person in self.people]}


def _decode(path: Path, data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(str(path), "not UTF-8 text") from None


def _csv_document(path: Path, text: str) -> LineDict:
    """CSV rows as the YAML form, each remembering its line, so schema errors name file and row."""
    known = set(packaged_schema("workforce")["$defs"]["person"]["properties"])
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, None)
    if not header:
        raise InputError(str(path), "empty roster (expected a header row: id,role,hire_date,...)")
    columns = [column.strip() for column in header]
    for number, column in enumerate(columns, start=1):
        if column not in known:
            raise InputError(f"{path}:1", f"column {number}: unknown column {column[:40]!r} "
                                          f"(known: {', '.join(sorted(known))})")
        if columns.index(column) != number - 1:
            raise InputError(f"{path}:1", f"column {number}: {column!r} appears twice")
    people = LineList()
    people.line, people.item_lines = 2, []
    for cells in reader:
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) > len(columns):
            raise InputError(f"{path}:{reader.line_num}", f"row {len(people) + 1}: {len(cells)} cells for "
                                                          f"{len(columns)} columns")
        row = LineDict()
        row.line, row.key_lines = reader.line_num, {}
        for column, cell in zip(columns, cells, strict=False):  # short rows: cells left out are empty
            value = cell.strip()
            if value:
                row[column] = [a for a in ACCOUNT_SEPARATORS.split(value) if a] if column == "accounts" else value
                row.key_lines[column] = reader.line_num
        people.append(row)
        people.item_lines.append(reader.line_num)
    document = LineDict(version=1, people=people)
    document.line, document.key_lines = 1, {"people": 2}
    return document


def _person(raw: dict[str, Any], line: int | None) -> Person:
    dates = {name: date.fromisoformat(raw[name]) if raw.get(name) else None for name in DATE_FIELDS}
    return Person(id=raw["id"], role=raw["role"], hire_date=dates["hire_date"],  # type: ignore[arg-type]
                  termination_date=dates["termination_date"], last_training_date=dates["last_training_date"],
                  accounts=tuple(dict.fromkeys(raw.get("accounts") or ())), line=line)


def load_roster(path: Path | str) -> Roster:
    """Load and validate a roster; any problem is one :class:`InputError` naming file, row and field."""
    path = Path(path)
    data = read_limited(path, "workforce roster", MAX_ROSTER_BYTES)
    text = _decode(path, data)
    if path.suffix.lower() == ".csv":
        document: Any = _csv_document(path, text)
    else:
        document = load_yaml(path, text)
        if document is None:
            raise InputError(str(path), "empty roster (expected 'version: 1' and a 'people:' list)")
        dates_to_text(document, "people", DATE_FIELDS)
    validate_document(document, "workforce", path)
    roster = Roster(path, hashlib.sha256(data).hexdigest())
    first: dict[str, int] = {}
    for index, raw in enumerate(document["people"]):
        line = line_of(document, ["people", index])
        person = _person(raw, line)
        where = f"{path}:{line}"
        if person.id in first:
            raise InputError(where, f"$.people[{index}].id: duplicate id {person.id!r} (first at line "
                                    f"{first[person.id]})")
        first[person.id] = line or 0
        if person.termination_date is not None and person.termination_date < person.hire_date:
            raise InputError(f"{path}:{line_of(document, ['people', index, 'termination_date'])}",
                             f"$.people[{index}].termination_date: {person.termination_date} is before "
                             f"hire_date {person.hire_date}")
        roster.people.append(person)
    return roster
