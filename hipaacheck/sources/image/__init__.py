"""The image source (``--source image --image PATH``): container images scanned without running them.

A ``docker save`` tarball or an OCI image layout (folder or tar) may hold several images; each is one target
(digest, tags, OS from its config). Its layers are applied in order, whiteouts included, to a private
temporary root (:mod:`.layers`: confined, no device nodes, sizes bounded), the host collectors run on it,
and the root is removed. The implementation is in :mod:`.source`; this module only declares the source.
"""
from __future__ import annotations

from pathlib import Path

from .. import SourceInfo, SourceOption

SOURCE = SourceInfo(
    name="image",
    help="container images: docker save tarballs or OCI image layouts (folder or tar)",
    factory="hipaacheck.sources.image.source:build",
    families=("host",),
    options=(SourceOption("--image", "image: a docker save tarball or OCI layout (folder or tar); repeatable",
                          type=Path, metavar="PATH", action="append"),),
)
