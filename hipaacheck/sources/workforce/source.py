"""Collecting the workforce: one ``workforce.person`` per roster row, with each of their accounts as found
on the scanned targets, and one ``workforce.accounts`` per scanned target, with each account's owners.

The join happens here, once, from the main inventory handed to :meth:`WorkforceSource.join`; the checks in
``checks/workforce`` only compare. No roster: one placeholder resource per type, which the checks skip.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Mapping

from ... import clock
from ...inventory import Inventory
from ...model import Resource
from ...workforce import Person, Roster, load_roster
from .. import ProgressCallback, SourcePlan, Wanted
from .accounts import ScannedAccount, ScannedTargets, scanned_targets

PERSON, ACCOUNTS = "workforce.person", "workforce.accounts"


class WorkforceSource:
    name = "workforce"
    family = "workforce"

    def __init__(self, roster: Roster | None) -> None:
        self.roster = roster
        self.found = ScannedTargets()

    def join(self, inventory: Inventory) -> None:
        """Take the accounts of a main inventory (before :meth:`collect`; once per target of a
        several-target scan)."""
        self.found.add(scanned_targets(inventory))

    def collect(self, resource_types: set[str], progress: ProgressCallback | None = None, *,
                attributes: Wanted | None = None) -> Inventory:
        now = clock.now_utc()
        wanted = sorted(t for t in resource_types if t in (PERSON, ACCOUNTS))
        metadata: dict[str, Any] = {"roster_file": None}
        if self.roster is not None:
            metadata = {"roster_file": str(self.roster.path), "roster_sha256": self.roster.sha256}
        inventory = Inventory(source="workforce", collected_at=now, resource_types=wanted, metadata=metadata,
                              finished_at=now)
        base = {"evaluated_on": now[:10], "roster_file": metadata["roster_file"]}
        if PERSON in wanted:
            inventory.resources += self._people(base)
        if ACCOUNTS in wanted:
            inventory.resources += self._targets(base)
        inventory.sort()
        return inventory

    def evidence_files(self) -> dict[str, bytes]:
        """The roster for the evidence bundle: id, role, dates and accounts only, with the file's SHA-256."""
        if self.roster is None:
            return {}
        from ...evidence.bundle import dump

        return {"workforce/roster.json": dump(self.roster.to_dict())}

    def _people(self, base: dict[str, Any]) -> list[Resource]:
        if self.roster is None:
            return [Resource(PERSON, "roster", dict(base))]
        by_ref: dict[str, list[ScannedAccount]] = {}
        for account in self.found.accounts:
            by_ref.setdefault(account.ref, []).append(account)
        return [Resource(PERSON, person.id, {**base, **_person(person, by_ref, self.found)})
                for person in self.roster.people]

    def _targets(self, base: dict[str, Any]) -> list[Resource]:
        if self.roster is None:
            return [Resource(ACCOUNTS, "roster", dict(base))]
        owners: dict[str, list[dict[str, str]]] = {}
        for person in self.roster.people:
            for ref in person.accounts:
                owners.setdefault(ref, []).append({"id": person.id, "role": person.role})
        resources = []
        for label, kind in sorted(self.found.targets.items()):
            accounts = [{"name": a.name, **{k: a.facts[k] for k in ("uid", "shell") if k in a.facts},
                         "owners": owners.get(a.ref, [])}
                        for a in self.found.accounts if a.kind == kind and f"{kind}:{a.target}" == label]
            resources.append(Resource(ACCOUNTS, label, {**base, "kind": kind, "accounts": accounts}))
        for label, reason in sorted(self.found.problems.items()):
            resources.append(Resource(ACCOUNTS, label, {**base, "kind": label.partition(":")[0]},
                                      unreadable={"accounts": reason}))
        return resources


def _person(person: Person, by_ref: dict[str, list[ScannedAccount]], found: ScannedTargets) -> dict[str, Any]:
    accounts = []
    for ref in person.accounts:
        kind = ref.partition(":")[0]
        entry: dict[str, Any] = {"ref": ref, "scanned": found.scanned(kind)}
        if entry["scanned"]:
            entry["found"] = [account.to_dict() for account in by_ref.get(ref, [])]
            problems = {label: reason for label, reason in found.problems.items() if label.startswith(f"{kind}:")}
            if problems:
                entry["unlisted"] = problems  # targets whose accounts could not be listed
        accounts.append(entry)
    data = person.to_dict()
    data.pop("id")
    data["line"] = person.line
    data["accounts"] = accounts
    return data


def build(values: Mapping[str, Any], plan: SourcePlan | None = None) -> WorkforceSource:
    path = values.get("workforce")
    return WorkforceSource(load_roster(Path(path)) if path else None)
