"""The typed request a scan runs from. ``cli/`` builds it from arguments, config file and environment;
nothing below the CLI sees argparse."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .selection import Selection
from .sources import SourceSpec


@dataclass(frozen=True)
class CatalogSpec:
    """Which checks and controls to load, and which profile selects among them."""

    profile: str | None = None  # name or path; None: the source's default profile
    checks_dirs: tuple[Path, ...] = ()
    controls_dirs: tuple[Path, ...] = ()
    selection: Selection = field(default_factory=Selection)  # command-line filters narrowing the profile


@dataclass(frozen=True)
class PostureSpec:
    """Inputs around the scan: waivers, a baseline to compare with, a history database."""

    waivers: Path | None = None
    baseline: Path | None = None
    history: Path | None = None


@dataclass(frozen=True)
class Gate:
    """What the exit code expresses."""

    fail_on: str = "low"
    soft_fail: bool = False
    fail_on_new_only: bool = False


@dataclass(frozen=True)
class OutputSpec:
    formats: tuple[str, ...] = ("table",)
    output_dir: Path | None = None
    evidence_bundle: Path | None = None
    sign_key: Path | None = None
    securityhub: SourceSpec | None = None  # import findings to Security Hub with these AWS options
    pretty: bool = False


@dataclass(frozen=True)
class ScanRequest:
    source: SourceSpec
    auxiliary: tuple[SourceSpec, ...] = ()  # option values of auxiliary sources (attestations...)
    catalog: CatalogSpec = field(default_factory=CatalogSpec)
    posture: PostureSpec = field(default_factory=PostureSpec)
    output: OutputSpec = field(default_factory=OutputSpec)
    gate: Gate = field(default_factory=Gate)
    command: tuple[str, ...] = ()  # as recorded in the results: secret values already redacted

    def auxiliary_spec(self, name: str) -> SourceSpec:
        for spec in self.auxiliary:
            if spec.name == name:
                return spec
        return SourceSpec.of(name, {})
