"""Verifying a bundle on the auditor's machine: every hash, every name, and who signed it.

A bundle is someone else's file. Its zip directory is checked before any member is read: a
name that appears twice (``unzip`` would show one copy, a verifier another), an absolute or
``..`` name, a symbolic link or a folder entry holding data is reported. Only the members the
manifest lists are read, as streams of at most the size it states, so a small zip holding a
huge member costs nothing. The manifest (bounded in size and nesting) and the signature are
the only members held whole.
"""
from __future__ import annotations

import base64
import binascii
import hashlib
import stat
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import InputError
from .bundle import BUNDLE_FORMAT, CHUNK, MANIFEST, SIGNATURE, check_arcname

MAX_HELD = 64 << 20  # manifest.json and manifest.sig are read whole; nothing legitimate comes near this
READ_ERRORS = (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError, NotImplementedError, RuntimeError)


@dataclass
class Verification:
    """What differs. ``ok`` only when nothing does (and the signature checked out, if a key was given)."""

    files: int = 0
    aliases: int = 0  # reports stored once under another member's name (the JSON report is results.json)
    changed: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # names, manifest or signature problems
    signed: bool = False
    signature_verified: bool = False  # against --public-key, or the key the manifest carries
    key_fingerprint: str | None = None  # of the key that signed (as far as the bundle says), always shown
    pinned: bool = False  # the signature was checked against --public-key
    other_signer: bool = False  # signed by a key other than --public-key: not tampering, but not verified

    @property
    def ok(self) -> bool:
        return not (self.tampered or self.other_signer)

    @property
    def tampered(self) -> bool:
        return bool(self.changed or self.missing or self.extra or self.problems)

    def lines(self) -> list[str]:
        out = [f"changed: {name}" for name in self.changed]
        out += [f"missing: {name}" for name in self.missing]
        out += [f"extra: {name}" for name in self.extra]
        out += self.problems
        return out


def _open(path: Path) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(path)
    except FileNotFoundError:
        raise InputError(str(path), "no such file") from None
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise InputError(str(path), f"not a readable zip file ({exc})") from None


def _directory(archive: zipfile.ZipFile, report: Verification) -> dict[str, zipfile.ZipInfo]:
    """The zip's members by name; duplicates, unsafe names, links and folders with data are reported."""
    members: dict[str, zipfile.ZipInfo] = {}
    for info in archive.infolist():
        name = info.orig_filename
        if name in members:
            report.problems.append(f"duplicate: {name} is stored more than once (tools disagree on which copy)")
            continue
        members[name] = info
        if stat.S_ISLNK(info.external_attr >> 16):
            report.problems.append(f"link: {name} is a symbolic link, not a file")
        elif name.endswith("/"):
            if info.file_size or info.compress_size > 2:  # an empty deflate stream is 2 bytes
                report.extra.append(f"{name} (a folder entry holding data)")
            continue
        try:
            check_arcname(name)
        except InputError:
            report.problems.append(f"unsafe name: {name} (absolute, '..' or '\\\\' would write outside the "
                                   "folder it is unpacked in)")
    return members


def _digest(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int, keep: bool = False
            ) -> tuple[str, int, bytes | None]:
    """SHA-256 and size of a member, reading at most ``limit + 1`` bytes; the stored CRC is checked at its end."""
    hasher, size, held = hashlib.sha256(), 0, bytearray()
    with archive.open(info) as stream:
        while size <= limit and (chunk := stream.read(min(CHUNK, limit + 1 - size))):
            hasher.update(chunk)
            size += len(chunk)
            if keep:
                held += chunk
    return hasher.hexdigest(), size, bytes(held) if keep else None


def _held(archive: zipfile.ZipFile, members: dict[str, zipfile.ZipInfo], name: str,
          report: Verification) -> bytes | None:
    """The manifest or the signature, whole (at most :data:`MAX_HELD`), or None when absent or unreadable."""
    info = members.get(name)
    if info is None:
        return None
    try:
        _, size, data = _digest(archive, info, MAX_HELD, keep=True)
    except READ_ERRORS:
        report.problems.append(f"changed: {name} cannot be read (bad CRC or not a zip member)")
        return None
    if size > MAX_HELD:
        report.problems.append(f"changed: {name} is larger than {MAX_HELD} bytes")
        return None
    return data


def _load_manifest(data: bytes | None, report: Verification) -> dict[str, Any] | None:
    from ..yamlio import parse_json

    if data is None:
        if not report.problems:
            report.problems.append(f"missing: {MANIFEST} (not an evidence bundle, or the manifest was removed)")
        return None
    try:
        manifest = parse_json(data, MANIFEST)
    except InputError as exc:
        report.problems.append(f"changed: {MANIFEST} is not valid JSON ({exc.problem})")
        return None
    files = manifest.get("files") if isinstance(manifest, dict) else None
    if not isinstance(manifest, dict) or manifest.get("format") != BUNDLE_FORMAT or not isinstance(files, list) \
            or not all(isinstance(f, dict) and isinstance(f.get("path"), str) and _size_of(f) is not None
                       for f in files):
        report.problems.append(f"changed: {MANIFEST} is not a hipaacheck evidence manifest")
        return None
    return manifest


def _size_of(entry: dict[str, Any]) -> int | None:
    size = entry.get("size")
    return size if isinstance(size, int) and not isinstance(size, bool) and size >= 0 else None


def _check_listed(archive: zipfile.ZipFile, members: dict[str, zipfile.ZipInfo], manifest: dict[str, Any],
                  report: Verification) -> dict[str, Any]:
    """Hash every listed member within the size the manifest states; returns the listing by name."""
    listed: dict[str, Any] = {}
    for entry in manifest["files"]:
        name = entry["path"]
        if name in listed:
            report.problems.append(f"changed: {MANIFEST} lists {name} twice")
            continue
        listed[name] = entry
        try:
            check_arcname(name)
        except InputError:
            report.problems.append(f"changed: {MANIFEST} lists an unsafe name {name}")
    report.files = len(listed)
    for name, entry in sorted(listed.items()):
        info = members.get(name)
        if info is None or name.endswith("/"):
            report.missing.append(name)
            continue
        size = _size_of(entry)
        if info.file_size != size:  # the zip's own record disagrees: not worth reading a byte
            report.changed.append(name)
            continue
        try:
            digest, read, _ = _digest(archive, info, int(size or 0))
        except READ_ERRORS:
            report.changed.append(name)
            continue
        if read != size or digest != entry.get("sha256"):
            report.changed.append(name)
    return listed


def verify_bundle(path: Path, public_key: Any | None = None) -> Verification:
    """Recompute every hash; name each member that changed, is missing or is extra; say who signed."""
    report = Verification()
    with _open(path) as archive:
        members = _directory(archive, report)
        manifest_bytes = _held(archive, members, MANIFEST, report)
        manifest = _load_manifest(manifest_bytes, report)
        if manifest is None or manifest_bytes is None:
            return report
        listed = _check_listed(archive, members, manifest, report)
        known = set(listed) | {MANIFEST, SIGNATURE}
        report.extra += sorted(name for name in members if name not in known and not name.endswith("/"))
        _check_aliases(manifest, listed, report)
        signature = _held(archive, members, SIGNATURE, report) if SIGNATURE in members else None
    _check_signature(manifest, manifest_bytes, signature, SIGNATURE in members, public_key, report)
    return report


def _check_signature(manifest: dict[str, Any], manifest_bytes: bytes, signature_member: bytes | None,
                     has_signature: bool, public_key: Any | None, report: Verification) -> None:
    """Who signed, and whether the signature holds: against ``public_key`` when given (pinned), else against
    the key the manifest carries. The signer's fingerprint is always reported."""
    from .signing import fingerprint, public_key_from_raw, verify_signature

    block = manifest.get("signature")
    declared: dict[str, Any] = block if isinstance(block, dict) else {}
    report.signed = has_signature or bool(declared)
    if declared and not has_signature:
        report.missing.append(SIGNATURE)
    if not report.signed:
        if public_key is not None:
            report.problems.append(f"unsigned: the bundle has no {SIGNATURE}, but --public-key was given")
        return
    carried = public_key_from_raw(declared.get("public_key"))
    named = declared.get("public_key_sha256")
    if carried is not None and named != fingerprint(carried):
        report.problems.append(f"changed: {MANIFEST} names key {named} but carries key {fingerprint(carried)}")
    report.key_fingerprint = fingerprint(carried) if carried is not None else named if isinstance(named, str) else None
    if public_key is not None:
        report.pinned = True
        if report.key_fingerprint != fingerprint(public_key):
            report.other_signer = True  # said by the CLI; the hashes still tell whether it was tampered with
            return
    key = public_key if public_key is not None else carried
    if key is None or signature_member is None:
        return  # an older bundle without its public key: the fingerprint is what it says
    try:
        signature = base64.b64decode(signature_member.strip(), validate=True)
    except (binascii.Error, ValueError):
        report.problems.append(f"changed: {SIGNATURE} is not base64")
        return
    if verify_signature(key, signature, manifest_bytes):
        report.signature_verified = True
    else:
        report.problems.append(f"bad signature: {SIGNATURE} does not verify {MANIFEST} with key {fingerprint(key)}")


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
