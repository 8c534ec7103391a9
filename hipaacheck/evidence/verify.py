"""Verifying a bundle on the auditor's machine: every hash, every name, and the signature."""
from __future__ import annotations

import base64
import binascii
import json
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import InputError
from .bundle import BUNDLE_FORMAT, MANIFEST, SIGNATURE, sha256


@dataclass
class Verification:
    """What differs. ``ok`` only when nothing does (and the signature checked out, if a key was given)."""

    files: int = 0
    changed: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # manifest / signature problems
    signed: bool = False
    signature_verified: bool = False
    key_fingerprint: str | None = None

    @property
    def ok(self) -> bool:
        return not (self.changed or self.missing or self.extra or self.problems)

    def lines(self) -> list[str]:
        out = [f"changed: {name}" for name in self.changed]
        out += [f"missing: {name}" for name in self.missing]
        out += [f"extra: {name}" for name in self.extra]
        out += self.problems
        return out


def _read_members(path: Path) -> tuple[dict[str, bytes], list[str]]:
    """All members' bytes; a member whose stored CRC fails is reported, not fatal."""
    try:
        archive = zipfile.ZipFile(path)
    except FileNotFoundError:
        raise InputError(str(path), "no such file") from None
    except (zipfile.BadZipFile, OSError) as exc:
        raise InputError(str(path), f"not a readable zip file ({exc})") from None
    members: dict[str, bytes] = {}
    unreadable: list[str] = []
    with archive:
        for info in archive.infolist():
            if info.is_dir():
                continue
            try:
                members[info.filename] = archive.read(info)
            except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError):
                unreadable.append(info.filename)
    return members, unreadable


def _load_manifest(data: bytes | None, report: Verification) -> dict[str, Any] | None:
    if data is None:
        report.problems.append(f"missing: {MANIFEST} (not an evidence bundle, or the manifest was removed)")
        return None
    try:
        manifest = json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        report.problems.append(f"changed: {MANIFEST} is not valid JSON ({exc})")
        return None
    files = manifest.get("files") if isinstance(manifest, dict) else None
    if not isinstance(manifest, dict) or manifest.get("format") != BUNDLE_FORMAT or not isinstance(files, list) \
            or not all(isinstance(f, dict) and isinstance(f.get("path"), str) for f in files):
        report.problems.append(f"changed: {MANIFEST} is not a hipaacheck evidence manifest")
        return None
    return manifest


def _check_signature(members: dict[str, bytes], manifest: dict[str, Any], public_key: Any | None,
                     report: Verification) -> None:
    from .signing import fingerprint, verify_signature

    declared = manifest.get("signature") or {}
    report.signed = SIGNATURE in members or bool(declared)
    if declared and SIGNATURE not in members:
        report.missing.append(SIGNATURE)
    if public_key is None:
        return
    report.key_fingerprint = fingerprint(public_key)
    if SIGNATURE not in members:
        if not declared:
            report.problems.append(f"unsigned: the bundle has no {SIGNATURE}, but --public-key was given")
        return
    if declared.get("public_key_sha256") != report.key_fingerprint:
        report.problems.append(f"wrong key: manifest was signed by key {declared.get('public_key_sha256')}, "
                               f"not {report.key_fingerprint}")
    try:
        signature = base64.b64decode(members[SIGNATURE].strip(), validate=True)
    except (binascii.Error, ValueError):
        report.problems.append(f"changed: {SIGNATURE} is not base64")
        return
    if verify_signature(public_key, signature, members[MANIFEST]):
        report.signature_verified = True
    else:
        report.problems.append(f"bad signature: {SIGNATURE} does not verify {MANIFEST} with this key")


def verify_bundle(path: Path, public_key: Any | None = None) -> Verification:
    """Recompute every hash; name each member that changed, is missing or is extra."""
    members, unreadable = _read_members(path)
    report = Verification()
    manifest = _load_manifest(members.get(MANIFEST), report)
    if manifest is None:
        return report
    listed = {entry["path"]: entry for entry in manifest["files"]}
    report.files = len(listed)
    for name, entry in sorted(listed.items()):
        if name in unreadable:
            report.changed.append(name)
        elif name not in members:
            report.missing.append(name)
        elif sha256(members[name]) != entry.get("sha256") or len(members[name]) != entry.get("size"):
            report.changed.append(name)
    known = set(listed) | {MANIFEST, SIGNATURE}
    report.extra = sorted(set(members) - known) + sorted(n for n in unreadable if n not in known)
    _check_signature(members, manifest, public_key, report)
    return report
