"""Sources collect resources; each knows how to reach one kind of system.

A source is built from CLI options and asked for a set of resource types; it
returns an :class:`~hipaacheck.inventory.Inventory`. Only sources do I/O.
"""
from __future__ import annotations

from typing import Any, Callable, Protocol

from ..inventory import Inventory

ProgressCallback = Callable[[str], None]


class Source(Protocol):
    name: str  # "host" | "aws"

    def supported_types(self) -> set[str]:
        """Resource types this source knows how to collect."""

    def collect(self, resource_types: set[str], progress: ProgressCallback | None = None) -> Inventory:
        """Collect only ``resource_types`` (those it supports) into an inventory."""


def source_family(resource_type: str) -> str:
    return resource_type.split(".", 1)[0]


def make_source(name: str, options: Any) -> Source:
    """Build the source named on the command line (imports lazily: boto3 is heavy)."""
    if name == "host":
        from .host import HostSource

        return HostSource(options.root)
    if name == "aws":
        from .aws import AwsSource

        return AwsSource.from_options(options)
    raise ValueError(name)
