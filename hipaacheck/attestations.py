"""Attestations: signed-off statements for safeguards no scan can see (``--attestations FILE``).

The file is YAML (schema ``attestations``), one entry per sign-off, appended by
``hipaacheck attest``. The latest entry (by date, then file order) for a control
counts; for the documented-alternatives control, the latest per specification.
Evidence files are named relative to the attestations file and carry the SHA-256
taken when attesting; each must resolve (links followed) inside the evidence root, the
attestations file's folder unless ``--evidence-root`` names another, so a file someone
else wrote cannot pull the scanning machine's files into a bundle. The collector is the
``manual`` source (:mod:`hipaacheck.sources.manual`): it reads the clock and re-hashes
evidence, so the checks in ``checks/manual`` stay pure.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Iterable, Mapping

from .errors import InputError
from .security_rule import security_rule
from .validation import validate_document
from .yamlio import dates_to_text, line_of, load_yaml

ATTESTATION_CHECK = "manual.attestation"
ALTERNATIVE_CHECK = "manual.alternative"
ATTESTATION_CHECKS = (ATTESTATION_CHECK, ALTERNATIVE_CHECK)


@dataclass(frozen=True)
class Evidence:
    path: str | None = None  # relative to the attestations file (or absolute)
    sha256: str | None = None
    url: str | None = None

    def to_dict(self) -> dict[str, str]:
        if self.url is not None:
            return {"url": self.url}
        return {"path": str(self.path), "sha256": str(self.sha256)}


@dataclass(frozen=True)
class Attestation:
    control: str
    by: str
    role: str
    date: date
    kind: str = "implemented"  # or "alternative" (164.306(d)(3)(ii)(B))
    specification: str | None = None
    valid_days: int | None = None
    statement: str | None = None
    evidence: tuple[Evidence, ...] = ()
    line: int | None = None

    @property
    def key(self) -> tuple[str, str]:
        """What a later entry supersedes: the control, and for alternatives the specification."""
        return (self.control, self.specification or "")

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"control": self.control}
        if self.kind != "implemented":
            data["kind"] = self.kind
        if self.specification:
            data["specification"] = self.specification
        data.update(by=self.by, role=self.role, date=self.date)
        if self.valid_days is not None:
            data["valid_days"] = self.valid_days
        if self.statement:
            data["statement"] = self.statement
        if self.evidence:
            data["evidence"] = [e.to_dict() for e in self.evidence]
        return data


@dataclass
class AttestationsFile:
    path: Path
    entries: list[Attestation] = field(default_factory=list)
    evidence_root: Path | None = None  # default: the attestations file's folder

    @property
    def base(self) -> Path:
        return self.path.parent

    @property
    def root(self) -> Path:
        """The folder every evidence file must resolve inside, itself resolved."""
        return (self.evidence_root or self.base).resolve()

    def locate(self, evidence: Evidence) -> Path | None:
        """The evidence file with links followed, or None when that lands outside :attr:`root`."""
        target = self.resolve(evidence).resolve()
        return target if target.is_relative_to(self.root) else None

    def latest(self) -> dict[tuple[str, str], Attestation]:
        """The entry in force per key: latest date wins, ties go to the later entry in the file."""
        current: dict[tuple[str, str], Attestation] = {}
        for entry in self.entries:
            held = current.get(entry.key)
            if held is None or entry.date >= held.date:
                current[entry.key] = entry
        return current

    def resolve(self, evidence: Evidence) -> Path:
        return (self.base / str(evidence.path)) if evidence.path else self.base


def sha256_file(path: Path) -> str:
    """SHA-256 of a regular file; anything else (a FIFO, a device, a folder) is an OSError, never read."""
    from .yamlio import open_regular

    with open_regular(path) as handle:
        digest = hashlib.sha256()
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _check_entry(entry: Attestation, where: str, index: int, controls: Mapping[str, Any] | None) -> None:
    """Cross-checks the schema cannot express: the citation and the control it attests."""
    prefix = f"$.attestations[{index}]"
    if entry.specification is not None:
        paragraph = security_rule().resolve(entry.specification)
        if paragraph is None:
            raise InputError(where, f"{prefix}.specification: unknown Security Rule citation {entry.specification!r}")
        if paragraph.designation != "addressable":
            raise InputError(where, f"{prefix}.specification: {paragraph.citation} is {paragraph.designation}, "
                                    "only an addressable specification may have a documented alternative")
    if controls is None:
        return
    control = controls.get(entry.control)
    if control is None:
        raise InputError(where, f"{prefix}.control: unknown control {entry.control!r}")
    if control.check not in ATTESTATION_CHECKS:
        raise InputError(where, f"{prefix}.control: {entry.control!r} is an automated control, not an attestation")
    wants = "alternative" if control.check == ALTERNATIVE_CHECK else "implemented"
    if entry.kind != wants:
        raise InputError(where, f"{prefix}.kind: control {entry.control!r} takes kind {wants!r}, not {entry.kind!r}")


def _check_evidence(attestations: AttestationsFile, entry: Attestation, where: str, index: int) -> None:
    for number, evidence in enumerate(entry.evidence):
        if evidence.path is not None and attestations.locate(evidence) is None:
            raise InputError(where, f"$.attestations[{index}].evidence[{number}].path: {evidence.path!r} is outside "
                                    f"the evidence root {attestations.root} (name another with --evidence-root)")


def load_attestations(path: Path | str, controls: Mapping[str, Any] | None = None,
                      evidence_root: Path | None = None) -> AttestationsFile:
    """Load and validate an attestations file; with ``controls``, also check each entry's control.

    Every evidence path must resolve inside the evidence root (see :attr:`AttestationsFile.root`).
    """
    path = Path(path)
    data = load_yaml(path)  # an impossible date (2026-13-40) is an InputError with its line
    if data is None:
        raise InputError(str(path), "empty attestations file (expected 'version: 1' and an 'attestations:' list)")
    dates_to_text(data, "attestations", ("date",))
    validate_document(data, "attestations", path)
    result = AttestationsFile(path, evidence_root=evidence_root)
    for index, raw in enumerate(data["attestations"]):
        line = line_of(data, ["attestations", index])
        specification = raw.get("specification")
        if specification is not None:
            paragraph = security_rule().resolve(specification)
            specification = paragraph.citation if paragraph else specification
        entry = Attestation(
            control=raw["control"], by=raw["by"].strip(), role=raw["role"].strip(),
            date=date.fromisoformat(raw["date"]), kind=raw.get("kind", "implemented"),
            specification=specification, valid_days=raw.get("valid_days"),
            statement=(raw.get("statement") or "").strip() or None,
            evidence=tuple(Evidence(path=e.get("path"), sha256=e.get("sha256"), url=e.get("url"))
                           for e in raw.get("evidence") or []),
            line=line)
        _check_entry(entry, f"{path}:{line}", index, controls)
        _check_evidence(result, entry, f"{path}:{line}", index)
        result.entries.append(entry)
    return result


def _plain(text: str) -> Any:
    import yaml

    return yaml.safe_load(text)


def append_attestation(path: Path, entry: Attestation) -> None:
    """Append ``entry`` to the attestations file, keeping its text (and comments) as written.

    The new entry is added as text at the end; the result is re-parsed and must
    equal the old entries plus the new one, else the file is rewritten whole.
    """
    import textwrap

    import yaml

    from .atomic import write_text_atomic
    from .yamlio import read_text

    item = yaml.safe_dump([entry.to_dict()], sort_keys=False, allow_unicode=True, width=100)
    if not path.exists():
        header = "# Attestations for hipaacheck (scan --attestations FILE). Append with 'hipaacheck attest'.\n"
        write_text_atomic(path, header + "version: 1\nattestations:\n" + textwrap.indent(item, "  "))
        return
    old_text = read_text(path)
    old = _plain(old_text)
    expected = dict(old, attestations=[*old["attestations"], entry.to_dict()])
    base = old_text if old_text.endswith("\n") else old_text + "\n"
    for candidate in (base + textwrap.indent(item, "  "), base + item):
        try:
            if _plain(candidate) == expected:
                write_text_atomic(path, candidate)
                return
        except yaml.YAMLError:
            continue
    write_text_atomic(path, yaml.safe_dump(expected, sort_keys=False, allow_unicode=True, width=100))


def _evidence_item(value: str, base: Path, root: Path) -> Evidence:
    """A URL as given, or a file inside ``root`` hashed now and named relative to the attestations file."""
    import os

    if value.startswith(("http://", "https://")):
        return Evidence(url=value)
    target = Path(value)
    if not target.is_file():
        raise InputError(f"--evidence {value}", "no such file")
    if not target.resolve().is_relative_to(root):
        raise InputError(f"--evidence {value}", f"outside the evidence root {root} (name another with --evidence-root)")
    try:
        digest = sha256_file(target)
    except OSError as exc:
        raise InputError(f"--evidence {value}", exc.strerror or "cannot read") from None
    relative = os.path.relpath(target.resolve(), base.resolve())
    return Evidence(path=Path(relative).as_posix(), sha256=digest)


def build_attestation(controls: Mapping[str, Any], control_id: str, file: Path, *, by: str, role: str,
                      statement: str | None = None, evidence: Iterable[str] = (), valid_days: int | None = None,
                      specification: str | None = None, on: str | None = None,
                      evidence_root: Path | None = None) -> Attestation:
    """A validated new entry for ``control_id``; evidence files (inside ``evidence_root``, by default the
    attestations file's folder) are hashed here, at attest time."""
    from datetime import datetime, timezone

    control = controls.get(control_id)
    if control is None:
        raise InputError("attest", f"unknown control {control_id!r}")
    if control.check not in ATTESTATION_CHECKS:
        raise InputError("attest", f"{control_id!r} is an automated control (check {control.check!r}), "
                                   "not an attestation control")
    kind = "alternative" if control.check == ALTERNATIVE_CHECK else "implemented"
    if kind == "alternative":
        if not specification or not statement:
            raise InputError("attest", f"{control_id} needs --specification CITATION and --statement TEXT "
                                       "(the alternative measure, or why none is reasonable and appropriate)")
        paragraph = security_rule().resolve(specification)
        if paragraph is None or paragraph.designation != "addressable":
            raise InputError("--specification", f"{specification!r} is not an addressable implementation "
                                                "specification of the Security Rule")
        specification = paragraph.citation
    elif specification:
        raise InputError("--specification",
                         f"only the documented-alternatives control takes a specification, not {control_id}")
    if not by.strip() or not role.strip():
        raise InputError("attest", "--by and --role must not be empty")
    if valid_days is not None and not 1 <= valid_days <= 3660:
        raise InputError("--valid-days", f"{valid_days} is outside 1..3660")
    try:
        when = date.fromisoformat(on) if on else datetime.now(timezone.utc).date()
    except ValueError:
        raise InputError("--date", f"{on!r} is not a YYYY-MM-DD date") from None
    return Attestation(control=control_id, by=by.strip(), role=role.strip(), date=when, kind=kind,
                       specification=specification, valid_days=valid_days,
                       statement=(statement or "").strip() or None,
                       evidence=tuple(_evidence_item(v, file.parent, AttestationsFile(file, evidence_root=evidence_root).root)
                                      for v in evidence))
