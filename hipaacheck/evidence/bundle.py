"""Writing the evidence bundle: deterministic zip members, a SHA-256 manifest, an atomic rename.

Layout::

    manifest.json        every other member with sha256 and size (+ signing key fingerprint)
    manifest.sig         base64 Ed25519 signature of manifest.json (with --sign-key)
    results.json         the results document
    reports/<file>       each rendered report asked for
    inventory.json       the inventory as collected (already redacted by the source)
    controls/<id>.yaml   the control files evaluated, byte for byte
    profile.json         the resolved profile and each control's active params and severity
    run.json             tool and Python versions, start/end, target, regions, redacted command
    attestations/<name>  evidence files handed over by the attestation feature
    workforce/roster.json  the roster as ids, roles, dates and accounts, with the original file's SHA-256
    incidents/<name>     the incident register

Entries are sorted and dated 1980-01-01, so the same inputs give the same bytes.
A document is stored once: the JSON report is the same bytes as ``results.json``,
so the manifest lists ``reports/hipaacheck-results.json`` under ``aliases``
(``same_as: results.json``) instead of storing it twice. Large members are
copied from the files the outputs were written to, in chunks, never held whole.
"""
from __future__ import annotations

import base64
import hashlib
import platform
import sys
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, BinaryIO, Callable, Mapping, Union

from ..atomic import atomic_writer
from ..errors import InputError
from ..jsonenc import dumps

MANIFEST = "manifest.json"
SIGNATURE = "manifest.sig"
BUNDLE_FORMAT = "hipaacheck-evidence-bundle"
BUNDLE_VERSION = 1
ZIP_DATE = (1980, 1, 1, 0, 0, 0)
# zlib level 1: on results JSON, twice as fast as the default 6 for a zip ~15% larger
COMPRESS_LEVEL = 1
CHUNK = 1 << 20

# A member's bytes, the file holding them, or a rewound binary stream (a spooled document).
Source = Union[bytes, Path, BinaryIO]


def dump(data: Any) -> bytes:
    return dumps(data, pretty=True, sort_keys=True) + b"\n"


def spooled(write: Callable[[BinaryIO], None]) -> BinaryIO:
    """What ``write`` writes, in an anonymous temporary file (gone once closed); rewound."""
    spool = tempfile.TemporaryFile()
    write(spool)
    spool.seek(0)
    return spool


def chunks(source: Source) -> Any:
    """The bytes of a member, a megabyte at a time."""
    if isinstance(source, bytes):
        yield source
        return
    handle = open(source, "rb") if isinstance(source, Path) else source
    try:
        handle.seek(0)
        while chunk := handle.read(CHUNK):
            yield chunk
    finally:
        if isinstance(source, Path):
            handle.close()


def digest(source: Source) -> tuple[str, int]:
    """SHA-256 and size of a member, read in chunks."""
    hasher, size = hashlib.sha256(), 0
    for chunk in chunks(source):
        hasher.update(chunk)
        size += len(chunk)
    return hasher.hexdigest(), size


@dataclass
class BundleContents:
    """Everything that goes in a bundle: arcname → source, and alias → the arcname holding the same bytes."""

    members: dict[str, Source] = field(default_factory=dict)
    aliases: dict[str, str] = field(default_factory=dict)

    def add(self, arcname: str, data: Source | str) -> None:
        check_arcname(arcname)
        if arcname in (MANIFEST, SIGNATURE):
            raise InputError(arcname, "reserved bundle member name")
        if arcname in self.members or arcname in self.aliases:
            raise InputError(arcname, "two files would be stored under this bundle member name")
        self.members[arcname] = data.encode("utf-8") if isinstance(data, str) else data

    def alias(self, arcname: str, same_as: str) -> None:
        """Record that ``arcname`` holds exactly the bytes of member ``same_as``, which is stored once."""
        check_arcname(arcname)
        if same_as not in self.members:
            raise ValueError(f"alias {arcname} names no member {same_as}")
        self.aliases[arcname] = same_as

    def add_files(self, files: Mapping[str, Path | bytes], prefix: str) -> None:
        """Files by path, or documents a source built (a roster without its personal fields) as bytes."""
        for arcname, path in sorted(files.items()):
            if isinstance(path, bytes):
                self.add(f"{prefix}{arcname}", path)
                continue
            try:
                data = Path(path).read_bytes()
            except OSError as exc:
                raise InputError(str(path), f"cannot add to the evidence bundle: {exc.strerror or exc}") from None
            self.add(f"{prefix}{arcname}", data)


def check_arcname(arcname: str) -> None:
    path = PurePosixPath(arcname)
    if not arcname or path.is_absolute() or ".." in path.parts or "\\" in arcname or arcname.endswith("/"):
        raise InputError(arcname, "bundle member names must be relative paths without '..'")


def manifest_for(contents: BundleContents, public_key: Any | None) -> dict[str, Any]:
    from ..results import tool_info

    files = []
    for name, source in sorted(contents.members.items()):
        hexdigest, size = digest(source)
        files.append({"path": name, "sha256": hexdigest, "size": size})
    manifest: dict[str, Any] = {"format": BUNDLE_FORMAT, "version": BUNDLE_VERSION, "tool": tool_info(), "files": files}
    if contents.aliases:
        manifest["aliases"] = [{"path": name, "same_as": target} for name, target in sorted(contents.aliases.items())]
    if public_key is not None:  # the key travels with its fingerprint: the verifier shows who signed
        from .signing import ALGORITHM, fingerprint, raw_public_key

        manifest["signature"] = {"algorithm": ALGORITHM, "file": SIGNATURE, "public_key": raw_public_key(public_key),
                                 "public_key_sha256": fingerprint(public_key)}
    return manifest


def sealed_members(contents: BundleContents, sign_key: Any | None) -> dict[str, Source]:
    """The members plus manifest (and signature): what the zip will hold."""
    members = dict(contents.members)
    manifest = dump(manifest_for(contents, sign_key.public_key() if sign_key else None))
    members[MANIFEST] = manifest
    if sign_key is not None:
        members[SIGNATURE] = base64.b64encode(sign_key.sign(manifest)) + b"\n"
    return members


def write_bundle(path: Path, contents: BundleContents, sign_key: Any | None = None) -> None:
    """Write the zip to a temporary file beside ``path``, fsync, then rename over ``path``.

    A crash or kill at any point leaves either the previous file or none under
    ``path``, never a partial bundle.
    """
    members = sealed_members(contents, sign_key)
    with atomic_writer(path) as handle:
        with zipfile.ZipFile(handle, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for name in sorted(members):
                info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
                info.compress_type = zipfile.ZIP_DEFLATED
                # public as compress_level only from Python 3.13; streamed members need it on the info
                info._compresslevel = COMPRESS_LEVEL  # type: ignore[attr-defined]
                info.external_attr = 0o644 << 16
                info.create_system = 3
                source = members[name]
                if isinstance(source, bytes):
                    archive.writestr(info, source)
                    continue
                info.file_size = source.stat().st_size if isinstance(source, Path) else _size(source)
                with archive.open(info, "w") as member:  # zip64 chosen from file_size when needed
                    for chunk in chunks(source):
                        member.write(chunk)


def _size(stream: BinaryIO) -> int:
    stream.seek(0, 2)
    size = stream.tell()
    stream.seek(0)
    return size


def run_info(run: dict[str, Any]) -> dict[str, Any]:
    """Tool, Python and run metadata: who ran what, when, against what."""
    from ..results import tool_info

    target = run.get("target") or {}
    return {
        "tool": tool_info(),
        "python": {"implementation": platform.python_implementation(), "version": platform.python_version(),
                   "executable_version": sys.version.split()[0]},
        # not platform.platform(): it runs `uname -p` in a subprocess for a field it then drops
        "platform": "-".join(part for part in (platform.system(), platform.release(), platform.machine()) if part),
        "started_at": run.get("started_at"),
        "finished_at": run.get("finished_at"),
        "collected_at": run.get("collected_at"),
        "source": run.get("source"),
        "target": target,
        "host": target.get("host"),
        "account": target.get("account"),
        "caller_arn": target.get("caller_arn") or target.get("arn"),
        "regions": target.get("regions"),
        "profile": run.get("profile"),
        "command": run.get("command"),
    }


def scan_contents(results: Any, reports: dict[str, Source], inventory: Any | None, plan: Any | None,
                  extra_files: Mapping[str, Path | bytes] | None = None) -> BundleContents:
    """Assemble a scan's bundle members from the reports already written (filename → where their bytes are).

    The JSON report becomes ``results.json`` (stored once, listed as an alias); without
    one, the results are rendered here. ``extra_files`` maps full archive names
    (``attestations/...``) to files.
    """
    from ..formats.json import JsonFormat

    contents = BundleContents()
    json_report = reports.get(JsonFormat.filename)
    contents.add("results.json", json_report if json_report is not None
                 else spooled(lambda out: JsonFormat().write(results, out)))
    contents.add("run.json", dump(run_info(results.run)))
    for filename, data in sorted(reports.items()):
        if filename == JsonFormat.filename:
            contents.alias(f"reports/{filename}", "results.json")
        else:
            contents.add(f"reports/{filename}", data)
    if inventory is not None:  # streamed as `collect` writes it: no second copy of every resource
        contents.add("inventory.json", spooled(inventory.write_to))
    if plan is not None:
        selected = {a.id: {"severity": a.severity, "params": a.params,
                           "control_file": f"controls/{a.id}.yaml" if a.control.path else None}
                    for a in sorted(plan.active, key=lambda a: a.id)}
        contents.add("profile.json", dump({"profile": plan.profile.to_dict(), "controls": selected}))
        for active in plan.active:
            if active.control.path is not None:
                contents.add_files({f"{active.id}.yaml": Path(active.control.path)}, "controls/")
    if extra_files:
        contents.add_files(extra_files, "")
    return contents
