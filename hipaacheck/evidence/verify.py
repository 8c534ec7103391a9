"""Verifying a bundle on the auditor's machine: every hash, every name, and the signature.

Members are hashed as they are read, a megabyte at a time, so a bundle of any size verifies
in little memory. Only the manifest and the signature are held (and their size is bounded).
"""
from __future__ import annotations

import base64
import binascii
import hashlib
import json
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import InputError
from .bundle import BUNDLE_FORMAT, CHUNK, MANIFEST, SIGNATURE, check_arcname

MAX_HELD = 64 << 20  # manifest.json and manifest.sig are read whole; nothing legitimate comes near this


@dataclass
class Verification:
    """What differs. ``ok`` only when nothing does (and the signature checked out, if a key was given)."""

    files: int = 0
    aliases: int = 0  # reports stored once under another member's name (the JSON report is results.json)
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


@dataclass
class Member:
    sha256: str
    size: int
    data: bytes | None = None  # kept for the manifest and the signature only


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> Member:
    """Hash one member as it is read; the stored CRC is checked at its end."""
    keep = info.filename in (MANIFEST, SIGNATURE)
    hasher, size, held = hashlib.sha256(), 0, bytearray()
    with archive.open(info) as stream:
        while chunk := stream.read(CHUNK):
            hasher.update(chunk)
            size += len(chunk)
            if keep:
                if size > MAX_HELD:
                    raise ValueError(f"{info.filename} is larger than {MAX_HELD} bytes")
                held += chunk
    return Member(hasher.hexdigest(), size, bytes(held) if keep else None)


def _read_members(path: Path) -> tuple[dict[str, Member], list[str]]:
    """Every member's hash and size; a member whose stored CRC fails is reported, not fatal."""
    try:
        archive = zipfile.ZipFile(path)
    except FileNotFoundError:
        raise InputError(str(path), "no such file") from None
    except (zipfile.BadZipFile, OSError) as exc:
        raise InputError(str(path), f"not a readable zip file ({exc})") from None
    members: dict[str, Member] = {}
    unreadable: list[str] = []
    with archive:
        for info in archive.infolist():
            if info.is_dir():
                continue
            try:
                members[info.filename] = _read_member(archive, info)
            except (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError, NotImplementedError, RuntimeError):
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


def _check_signature(members: dict[str, Member], manifest: dict[str, Any], public_key: Any | None,
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
        signature = base64.b64decode((members[SIGNATURE].data or b"").strip(), validate=True)
    except (binascii.Error, ValueError):
        report.problems.append(f"changed: {SIGNATURE} is not base64")
        return
    if verify_signature(public_key, signature, members[MANIFEST].data or b""):
        report.signature_verified = True
    else:
        report.problems.append(f"bad signature: {SIGNATURE} does not verify {MANIFEST} with this key")


def verify_bundle(path: Path, public_key: Any | None = None) -> Verification:
    """Recompute every hash; name each member that changed, is missing or is extra."""
    members, unreadable = _read_members(path)
    report = Verification()
    manifest_member = members.get(MANIFEST)
    if MANIFEST in unreadable:
        report.problems.append(f"changed: {MANIFEST} cannot be read (bad CRC or too large)")
        return report
    manifest = _load_manifest(manifest_member.data if manifest_member else None, report)
    if manifest is None:
        return report
    listed = {entry["path"]: entry for entry in manifest["files"]}
    report.files = len(listed)
    for name, entry in sorted(listed.items()):
        member = members.get(name)
        if name in unreadable:
            report.changed.append(name)
        elif member is None:
            report.missing.append(name)
        elif member.sha256 != entry.get("sha256") or member.size != entry.get("size"):
            report.changed.append(name)
    known = set(listed) | {MANIFEST, SIGNATURE}
    report.extra = sorted(set(members) - known) + sorted(n for n in unreadable if n not in known)
    _check_aliases(manifest, listed, report)
    _check_signature(members, manifest, public_key, report)
    return report


def _check_aliases(manifest: dict[str, Any], listed: dict[str, Any], report: Verification) -> None:
    """An alias names a report stored once under another member; it must point at a listed file."""
    aliases = manifest.get("aliases", [])
    if not isinstance(aliases, list):
        report.problems.append(f"changed: {MANIFEST} aliases are not a list")
        return
    for alias in aliases:
        path = alias.get("path") if isinstance(alias, dict) else None
        target = alias.get("same_as") if isinstance(alias, dict) else None
        if not isinstance(path, str) or not isinstance(target, str) or path in listed or target not in listed:
            report.problems.append(f"changed: {MANIFEST} has an alias that names no stored file")
            continue
        try:
            check_arcname(path)
        except InputError:
            report.problems.append(f"changed: {MANIFEST} has an alias with an unsafe name")
            continue
        report.aliases += 1
