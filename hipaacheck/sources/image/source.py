"""The image source: each image's layers applied to a private temporary root, then the host collectors."""
from __future__ import annotations

import hashlib
from pathlib import Path
from types import MappingProxyType
from typing import IO, TYPE_CHECKING, Any, Iterator, Mapping

from ...errors import InputError
from ...inventory import Inventory
from .. import ProgressCallback, SourcePlan, Wanted
from ..one_target import only_inventory
from ..staged import StagedTree, collect_staged
from .layers import Budget, ImageTooLarge, LayerApplier
from .layout import Archive, ImageRef, Layer, read_images

if TYPE_CHECKING:
    from ...targets import Target

_CHUNK = 1024 * 1024


class DigestMismatch(Exception):
    pass


class _Verified:
    """A blob stream that checks, at its end, that its bytes have the digest the manifest names."""

    def __init__(self, stream: IO[bytes], digest: str | None) -> None:
        self.stream, self.digest = stream, digest
        self.hash = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data = self.stream.read(size)
        self.hash.update(data)
        if not data and self.digest and "sha256:" + self.hash.hexdigest() != self.digest:
            raise DigestMismatch(f"layer {self.digest[:19]} does not match its digest")
        return data


class ImageSource:
    name = "image"
    family = "host"

    def __init__(self, paths: list[Path]) -> None:
        if not paths:
            raise InputError("--image", "name at least one image archive or OCI layout")
        self.images: list[ImageRef] = []
        # each archive opened (its members indexed) once: to list its images now, to apply their layers later
        self._archives: dict[Path, Archive] = {}
        try:
            for path in paths:
                archive = self._archives[path] = Archive(path)
                self.images.extend(read_images(archive))
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        for archive in self._archives.values():
            archive.close()
        self._archives.clear()

    def collect_targets(self, resource_types: set[str], progress: ProgressCallback | None = None, *,
                        attributes: Wanted | None = None) -> Iterator[tuple[Target, Inventory | None]]:
        try:
            for image in self.images:
                if progress:
                    progress(f"image {image.name}")
                yield self._scan(image, resource_types)
        finally:
            self.close()

    def collect(self, resource_types: set[str], progress: ProgressCallback | None = None, *,
                attributes: Wanted | None = None) -> Inventory:
        """The one image of ``collect image`` (an inventory is one target); scans use :meth:`collect_targets`."""
        return only_inventory(self.collect_targets(resource_types, progress, attributes=attributes), len(self.images),
                              "--image")

    def _scan(self, image: ImageRef, resource_types: set[str]) -> tuple[Target, Inventory | None]:
        from ...targets import Target, TargetStatus, status_of

        details = _details(image)
        with StagedTree("hipaacheck-image-") as tree:
            budget = Budget()
            try:
                if image.archive not in self._archives:  # a second pass over the images
                    self._archives[image.archive] = Archive(image.archive)
                _apply_all(image, self._archives[image.archive], LayerApplier(tree, budget))
            except (ImageTooLarge, DigestMismatch, InputError, OSError, EOFError, ValueError) as exc:
                return Target("image", image.digest, image.name, TargetStatus.ERROR,
                              f"layers could not be applied: {exc}", details), None
            inventory = collect_staged(tree, resource_types, {"image": image.name, "digest": image.digest})
        details = MappingProxyType({**details, "refused_entries": budget.refused})
        status, reason = status_of(inventory)
        return Target("image", image.digest, image.name, status, reason, details), inventory


def _apply_all(image: ImageRef, archive: Archive, applier: LayerApplier) -> None:
    import tarfile

    for layer in image.layers:
        _check_media_type(layer)
        with archive.open(layer.name) as blob:
            stream = _Verified(blob, layer.digest)
            try:
                applier.apply(stream)  # type: ignore[arg-type]
            except tarfile.TarError as exc:
                raise ValueError(f"layer {layer.name}: {exc}") from None
            while stream.read(_CHUNK):  # the rest of the blob (tar padding) is in the digest too
                pass


def _check_media_type(layer: Layer) -> None:
    if "zstd" in layer.media_type:
        raise ValueError(f"layer {layer.name}: zstd layers are not supported")


def _details(image: ImageRef) -> Mapping[str, Any]:
    config = image.config
    details: dict[str, Any] = {"digest": image.digest, "tags": list(image.tags), "archive": str(image.archive),
               "os": config.get("os"), "architecture": config.get("architecture")}
    if config.get("variant"):
        details["variant"] = config["variant"]
    return MappingProxyType(details)


def build(values: Mapping[str, Any], plan: SourcePlan | None = None) -> ImageSource:
    return ImageSource([Path(p) for p in values.get("image") or ()])
