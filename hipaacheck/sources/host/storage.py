"""Encryption at rest: which fstab filesystems and swap sit on a LUKS/dm-crypt device.

A filesystem counts as encrypted when its device is a crypttab mapping, or an
LVM volume whose physical volumes (from /etc/lvm/backup) are all crypttab
mappings, or (on a live host) a device-mapper node whose sysfs uuid says
CRYPT. Raw disk partitions are plain. Anything else is ``unknown``: the
check reports it as an error, never as encrypted.
"""
from __future__ import annotations

import re
from pathlib import PurePosixPath
from typing import Any

from ...model import Resource
from .registry import host_collector
from .files import FileRead, HostContext
from .parsing import files_resource, logical_lines
from .redaction import REDACTED, strip_userinfo

FSTAB = "/etc/fstab"
CRYPTTAB = "/etc/crypttab"
RAW_DEVICE = re.compile(r"^/dev/(sd[a-z]+|vd[a-z]+|xvd[a-z]+|hd[a-z]+|nvme\d+n\d+|mmcblk\d+)(p?\d+)?$")
SPEC_LINKS = {"UUID": "by-uuid", "LABEL": "by-label", "PARTUUID": "by-partuuid", "PARTLABEL": "by-partlabel"}


def option_names(field: str) -> list[str]:
    """Mount or crypttab options without their values: ``password=``, ``credentials=`` and such are secrets."""
    return [option.partition("=")[0] for option in field.split(",")]


def parse_fstab(text: str, path: str) -> list[dict[str, Any]]:
    entries = []
    for number, line in logical_lines(text):
        fields = line.split()
        if len(fields) < 3:
            raise ValueError(f"{path}:{number}: expected 'device mountpoint type [options]'")
        entries.append({"device": strip_userinfo(fields[0]), "mountpoint": fields[1], "fstype": fields[2],
                        "options": option_names(fields[3]) if len(fields) > 3 else [], "line": number})
    return entries


def parse_crypttab(text: str, path: str) -> list[dict[str, Any]]:
    entries = []
    for number, line in logical_lines(text):
        fields = line.split()
        if len(fields) < 2:
            raise ValueError(f"{path}:{number}: expected 'name device [keyfile [options]]'")
        keyfile = fields[2] if len(fields) > 2 else "none"
        if keyfile in ("-", "none"):
            keyfile = "none"
        elif not keyfile.startswith("/"):  # not a path: a key written in place is no file name to keep
            keyfile = REDACTED
        entries.append({"name": fields[0], "device": strip_userinfo(fields[1]), "keyfile": keyfile,
                        "options": option_names(fields[3]) if len(fields) > 3 else [], "line": number})
    return entries


def _lvm_name(device: str) -> tuple[str, str] | None:
    """(volume group, logical volume) for /dev/mapper/vg-lv or /dev/vg/lv, else None."""
    path = PurePosixPath(device)
    if device.startswith("/dev/mapper/"):
        parts = re.split(r"(?<!-)-(?!-)", path.name)
        if len(parts) == 2:
            return parts[0].replace("--", "-"), parts[1].replace("--", "-")
        return None
    if len(path.parts) == 4 and path.parts[1] == "dev" and not device.startswith(("/dev/disk/", "/dev/mapper/")):
        return path.parts[2], path.parts[3]
    return None


class DeviceClassifier:
    def __init__(self, ctx: HostContext, crypt_names: set[str]) -> None:
        self.ctx = ctx
        self.crypt_names = crypt_names

    def _mapped_name(self, device: str) -> str | None:
        for prefix in ("/dev/mapper/", "/dev/disk/by-id/dm-name-"):
            if device.startswith(prefix):
                return device[len(prefix):]
        return None

    def _lvm_pvs(self, vg: str) -> list[str] | None:
        read = self.ctx.read(f"/etc/lvm/backup/{vg}")
        if not read.ok:
            return None
        return re.findall(r'^\s*device\s*=\s*"([^"]+)"', read.text or "", re.MULTILINE) or None

    def _sysfs(self, device: str, depth: int = 0) -> str:
        """Follow /dev links to a dm node and read its sysfs uuid (live hosts only)."""
        real = self.ctx.real(device)
        name = real.name
        if not name.startswith("dm-") or depth > 4:
            return "plain" if RAW_DEVICE.match(f"/dev/{name}") else "unknown"
        uuid = self.ctx.read(f"/sys/block/{name}/dm/uuid")
        if not uuid.ok:
            return "unknown"
        if (uuid.text or "").startswith("CRYPT-"):
            return "crypt"
        slaves = self.ctx.glob(f"/sys/block/{name}/slaves/*")
        kinds = {self._sysfs(f"/dev/{PurePosixPath(s).name}", depth + 1) for s in slaves}
        if kinds and kinds <= {"crypt", "lvm-on-crypt"}:
            return "lvm-on-crypt"
        return "plain" if "plain" in kinds else "unknown"

    def classify(self, device: str) -> dict[str, Any]:
        name = self._mapped_name(device)
        if name in self.crypt_names:
            return {"kind": "crypt", "via": f"crypttab {name}"}
        lvm = _lvm_name(device)
        if lvm:
            pvs = self._lvm_pvs(lvm[0])
            if pvs:
                plain = [pv for pv in pvs if self._mapped_name(pv) not in self.crypt_names]
                return ({"kind": "plain", "via": f"volume group {lvm[0]} on {', '.join(plain)}"} if plain
                        else {"kind": "lvm-on-crypt", "via": f"volume group {lvm[0]} on crypttab devices"})
        if RAW_DEVICE.match(device):
            return {"kind": "plain", "via": "raw partition"}
        key, eq, value = device.partition("=")
        link = f"/dev/disk/{SPEC_LINKS[key]}/{value}" if eq and key in SPEC_LINKS else device
        if self.ctx.exists(link):
            kind = self._sysfs(link)
            return {"kind": kind, "via": "sysfs" if kind != "unknown" else "device not resolvable"}
        return {"kind": "unknown", "via": "device not resolvable from configuration files"}


@host_collector("host.storage")
def collect(ctx: HostContext) -> list[Resource]:
    crypttab = ctx.read(CRYPTTAB)
    fstab_read = ctx.read(FSTAB)

    def parse(reads: list[FileRead]) -> dict[str, Any]:
        fstab = parse_fstab(fstab_read.text or "", FSTAB)
        crypt = parse_crypttab(crypttab.text or "", CRYPTTAB) if crypttab.ok else []
        classifier = DeviceClassifier(ctx, {entry["name"] for entry in crypt})
        for entry in fstab:
            entry.update(classifier.classify(entry["device"]))
        return {"filesystems": fstab, "crypttab": crypt, "crypttab_present": crypttab.exists}

    reads = [fstab_read]
    if crypttab.error:
        reads.append(crypttab)  # an unreadable crypttab hides which devices are encrypted
    resource = files_resource("host.storage", FSTAB, reads, parse)
    resource.attributes["present"] = fstab_read.exists
    return [resource]
