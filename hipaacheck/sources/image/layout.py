"""Reading image archives: ``docker save`` tarballs and OCI image layouts (a folder or a tar of one).

:func:`read_images` lists the images an archive holds, each with its digest, tags, config (OS,
architecture) and layer blobs in order. Names inside the archive are confined to it; a malformed archive is
an :class:`~hipaacheck.errors.InputError` naming the file and the place.
"""
from __future__ import annotations

import hashlib
import json
import os
import tarfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Iterator

from ...errors import InputError
from .layers import member_path

MAX_JSON_BYTES = 16 * 1024 * 1024
TAG_ANNOTATIONS = ("io.containerd.image.name", "org.opencontainers.image.ref.name")
INDEX_TYPES = ("application/vnd.oci.image.index.v1+json", "application/vnd.docker.distribution.manifest.list.v2+json")


@dataclass(frozen=True)
class Layer:
    name: str  # blob name inside the archive
    digest: str | None  # expected sha256 of the blob as stored (OCI); None when the archive names none
    media_type: str = ""


@dataclass(frozen=True)
class ImageRef:
    """One image in an archive."""

    archive: Path
    digest: str  # "sha256:...": the manifest's (OCI) or the config's (docker save: the image id)
    tags: tuple[str, ...]
    config: dict[str, Any]
    layers: tuple[Layer, ...]

    @property
    def name(self) -> str:
        return self.tags[0] if self.tags else self.digest[:19]


class Archive:
    """Blobs of an image archive by name: a folder, or a tar file (read in place, never unpacked)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._tar: tarfile.TarFile | None = None
        self._members: dict[str, tarfile.TarInfo] = {}
        if path.is_file():
            try:
                self._tar = tarfile.open(path)
            except (tarfile.TarError, OSError) as exc:
                raise InputError(str(path), f"not a tar archive ({exc})") from None
            self._members = {str(member_path(m.name)): m for m in self._tar.getmembers() if _safe(m.name) and m.isreg()}
        elif not path.is_dir():
            raise InputError(str(path), "no such image archive or folder")

    def exists(self, name: str) -> bool:
        if self._tar is not None:
            return name in self._members
        return self._file(name) is not None

    def open(self, name: str) -> IO[bytes]:
        if self._tar is not None:
            member = self._members.get(str(member_path(name)))
            stream = self._tar.extractfile(member) if member else None
        else:
            file = self._file(name)
            stream = file.open("rb") if file else None
        if stream is None:
            raise InputError(f"{self.path}: {name}", "missing from the archive")
        return stream

    def json(self, name: str) -> Any:
        with self.open(name) as stream:
            data = stream.read(MAX_JSON_BYTES + 1)
        if len(data) > MAX_JSON_BYTES:
            raise InputError(f"{self.path}: {name}", f"larger than {MAX_JSON_BYTES} bytes")
        try:
            return json.loads(data)
        except ValueError as exc:
            raise InputError(f"{self.path}: {name}", f"not JSON ({exc})") from None

    def _file(self, name: str) -> Path | None:
        """A regular file of the folder, links resolved and kept inside it."""
        file = self.path / member_path(name)
        real, base = os.path.realpath(file), os.path.realpath(self.path)
        if not real.startswith(base + os.sep) or not os.path.isfile(real):
            return None
        return Path(real)

    def close(self) -> None:
        if self._tar is not None:
            self._tar.close()


def _safe(name: str) -> bool:
    try:
        member_path(name)
    except ValueError:
        return False
    return True


def blob_name(digest: str, where: str) -> str:
    algorithm, _, hexdigest = str(digest).partition(":")
    if algorithm != "sha256" or len(hexdigest) != 64 or not all(c in "0123456789abcdef" for c in hexdigest):
        raise InputError(where, f"unsupported digest {str(digest)[:80]!r}")
    return f"blobs/sha256/{hexdigest}"


def read_images(archive: Archive) -> list[ImageRef]:
    """The images of a ``docker save`` tarball (``manifest.json``) or an OCI layout (``index.json``)."""
    if archive.exists("manifest.json"):
        return list(_docker_images(archive))
    if archive.exists("index.json"):
        return list(_oci_images(archive, archive.json("index.json"), "index.json", (), depth=0))
    raise InputError(str(archive.path), "neither a docker save archive (manifest.json) nor an OCI layout (index.json)")


def _docker_images(archive: Archive) -> Iterator[ImageRef]:
    manifest = archive.json("manifest.json")
    if not isinstance(manifest, list):
        raise InputError(f"{archive.path}: manifest.json", "expected a list of images")
    for number, entry in enumerate(manifest):
        where = f"{archive.path}: manifest.json: $[{number}]"
        if not isinstance(entry, dict) or not isinstance(entry.get("Config"), str) \
                or not isinstance(entry.get("Layers"), list):
            raise InputError(where, "expected Config and Layers")
        with archive.open(entry["Config"]) as stream:
            raw = stream.read(MAX_JSON_BYTES)
        config = _config(raw, where)
        tags = tuple(str(tag) for tag in entry.get("RepoTags") or ())
        layers = tuple(Layer(_name(name, where), None) for name in entry["Layers"])
        yield ImageRef(archive.path, "sha256:" + hashlib.sha256(raw).hexdigest(), tags, config, layers)


def _oci_images(archive: Archive, index: Any, where: str, tags: tuple[str, ...], depth: int) -> Iterator[ImageRef]:
    if not isinstance(index, dict) or not isinstance(index.get("manifests"), list) or depth > 4:
        raise InputError(f"{archive.path}: {where}", "expected an image index with manifests")
    for number, descriptor in enumerate(index["manifests"]):
        place = f"{where}: $.manifests[{number}]"
        if not isinstance(descriptor, dict):
            raise InputError(f"{archive.path}: {place}", "expected a descriptor")
        if (descriptor.get("platform") or {}).get("os") == "unknown":
            continue  # build attestations stored beside the images, not an image
        annotations = descriptor.get("annotations") or {}
        named = tags + tuple(str(annotations[key]) for key in TAG_ANNOTATIONS if key in annotations)
        name = blob_name(descriptor.get("digest", ""), f"{archive.path}: {place}")
        document = archive.json(name)
        if descriptor.get("mediaType") in INDEX_TYPES or "manifests" in document:
            yield from _oci_images(archive, document, name, named, depth + 1)
            continue
        yield _oci_image(archive, descriptor["digest"], document, name, tuple(dict.fromkeys(named)))


def _oci_image(archive: Archive, digest: str, manifest: Any, where: str, tags: tuple[str, ...]) -> ImageRef:
    place = f"{archive.path}: {where}"
    if not isinstance(manifest, dict) or not isinstance(manifest.get("config"), dict) \
            or not isinstance(manifest.get("layers"), list):
        raise InputError(place, "expected an image manifest with config and layers")
    config_digest = manifest["config"].get("digest", "")
    with archive.open(blob_name(config_digest, place)) as stream:
        raw = stream.read(MAX_JSON_BYTES)
    if "sha256:" + hashlib.sha256(raw).hexdigest() != config_digest:
        raise InputError(place, "config blob does not match its digest")
    layers = []
    for number, descriptor in enumerate(manifest["layers"]):
        if not isinstance(descriptor, dict):
            raise InputError(f"{place}: $.layers[{number}]", "expected a descriptor")
        layers.append(Layer(blob_name(descriptor.get("digest", ""), f"{place}: $.layers[{number}]"),
                            descriptor["digest"], str(descriptor.get("mediaType", ""))))
    return ImageRef(archive.path, digest, tags, _config(raw, place), tuple(layers))


def _config(raw: bytes, where: str) -> dict[str, Any]:
    try:
        config = json.loads(raw)
    except ValueError as exc:
        raise InputError(where, f"image config is not JSON ({exc})") from None
    if not isinstance(config, dict):
        raise InputError(where, "image config is not an object")
    return config


def _name(name: Any, where: str) -> str:
    try:
        return str(member_path(str(name)))
    except ValueError as exc:
        raise InputError(where, str(exc)) from None
