"""Build container image archives in tests: OCI image layouts (folder or tar) and ``docker save`` tarballs.

Layers are tar streams made from a fixture tree or from explicit entries (whiteouts, hostile names), gzip
or plain, so the image source reads archives built exactly as the formats describe, without docker.
"""
from __future__ import annotations

import gzip
import hashlib
import io
import json
import tarfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

LayerEntries = Callable[[tarfile.TarFile], None]


def tree_layer(root: Path, owner: int = 0) -> LayerEntries:
    """Every file, folder and link under ``root``, owned by ``owner`` as in an image built as root."""
    def add(layer: tarfile.TarFile) -> None:
        for path in sorted(root.rglob("*")):
            info = layer.gettarinfo(str(path), arcname=str(path.relative_to(root)))
            info.uid = info.gid = owner
            info.uname = info.gname = ""
            if info.isreg():
                with path.open("rb") as data:
                    layer.addfile(info, data)
            else:
                layer.addfile(info)
    return add


def file_entry(name: str, text: str = "", mode: int = 0o644) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.size, info.mode = len(text.encode()), mode
    return info


def entries(*items: tuple[tarfile.TarInfo, str | None]) -> LayerEntries:
    def add(layer: tarfile.TarFile) -> None:
        for info, text in items:
            layer.addfile(info, io.BytesIO(text.encode()) if text is not None else None)
    return add


def special(name: str, kind: bytes, linkname: str = "") -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.type, info.linkname = kind, linkname
    return info


def layer_bytes(add: LayerEntries, compress: bool) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.PAX_FORMAT) as layer:
        add(layer)
    data = buffer.getvalue()
    return gzip.compress(data, mtime=0) if compress else data


@dataclass
class ImageSpec:
    layers: list[tuple[LayerEntries, bool]]  # (entries, gzip?)
    tag: str = "registry.example/app:1"
    config: dict = field(default_factory=lambda: {"os": "linux", "architecture": "amd64"})


def _digest(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


def _config_bytes(spec: ImageSpec, diff_ids: list[str]) -> bytes:
    return json.dumps({**spec.config, "rootfs": {"type": "layers", "diff_ids": diff_ids}}).encode()


def oci_layout(folder: Path, spec: ImageSpec) -> str:
    """Write an OCI image layout to ``folder``; returns the manifest digest."""
    blobs = folder / "blobs" / "sha256"
    blobs.mkdir(parents=True)

    def blob(data: bytes) -> str:
        digest = _digest(data)
        (blobs / digest.split(":")[1]).write_bytes(data)
        return digest

    layers, diff_ids = [], []
    for add, compress in spec.layers:
        data = layer_bytes(add, compress)
        diff_ids.append(_digest(gzip.decompress(data) if compress else data))
        media = "application/vnd.oci.image.layer.v1.tar" + ("+gzip" if compress else "")
        layers.append({"mediaType": media, "digest": blob(data), "size": len(data)})
    config = _config_bytes(spec, diff_ids)
    manifest = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                           "config": {"mediaType": "application/vnd.oci.image.config.v1+json",
                                      "digest": blob(config), "size": len(config)},
                           "layers": layers}).encode()
    digest = blob(manifest)
    index = {"schemaVersion": 2, "manifests": [
        {"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": digest, "size": len(manifest),
         "annotations": {"org.opencontainers.image.ref.name": spec.tag}, "platform": {"os": "linux",
                                                                                       "architecture": "amd64"}}]}
    (folder / "index.json").write_text(json.dumps(index))
    (folder / "oci-layout").write_text('{"imageLayoutVersion": "1.0.0"}')
    return digest


def docker_save(path: Path, spec: ImageSpec) -> str:
    """Write a ``docker save`` tarball (legacy layout: ``<id>/layer.tar``); returns the image id (config digest)."""
    members: dict[str, bytes] = {}
    names, diff_ids = [], []
    for number, (add, compress) in enumerate(spec.layers):
        data = layer_bytes(add, compress)
        diff_ids.append(_digest(gzip.decompress(data) if compress else data))
        name = f"{number:064x}/layer.tar"
        members[name] = data
        names.append(name)
    config = _config_bytes(spec, diff_ids)
    image_id = _digest(config)
    members[f"{image_id.split(':')[1]}.json"] = config
    members["manifest.json"] = json.dumps([{"Config": f"{image_id.split(':')[1]}.json", "RepoTags": [spec.tag],
                                            "Layers": names}]).encode()
    with tarfile.open(path, "w") as archive:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return image_id


def tar_folder(folder: Path, path: Path) -> None:
    """An OCI layout folder as one tar file."""
    with tarfile.open(path, "w") as archive:
        for item in sorted(folder.rglob("*")):
            archive.add(item, arcname=str(item.relative_to(folder)), recursive=False)
