"""Where the shipped content lives: controls, checks, profiles and report templates.

In a wheel they are installed under ``hipaacheck/_content``; in a source checkout
(or an editable install) they are the top-level folders of the repository.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

CONTENT_FOLDERS = ("controls", "checks", "profiles", "reports")


@lru_cache(maxsize=1)
def content_root() -> Path:
    package = Path(__file__).resolve().parent
    installed = package / "_content"
    if installed.is_dir():
        return installed
    return package.parent


def content_dir(name: str) -> Path:
    if name not in CONTENT_FOLDERS:
        raise ValueError(name)
    return content_root() / name
