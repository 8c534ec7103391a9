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
    allow_different_targets: bool = False  # compare with a baseline of another account or host


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
    paths: tuple[tuple[str, Path], ...] = ()  # --output FORMAT=PATH: where a format goes instead

    @property
    def stdout_formats(self) -> tuple[str, ...]:
        """The formats written to standard output: none with --output-dir, else those without a path."""
        named = dict(self.paths)
        return () if self.output_dir is not None else tuple(f for f in self.formats if f not in named)

    @property
    def console_table(self) -> bool:
        """Whether the table is what goes to standard output: then it is the console (fitted, coloured)."""
        return self.stdout_formats == ("table",)

    @property
    def report_formats(self) -> tuple[str, ...]:
        """The formats written as reports: all of them but the table that is the console."""
        return tuple(f for f in self.formats if not (self.console_table and f == "table"))

    def check_stdout(self) -> None:
        """Refuse two formats on standard output: their bytes would be interleaved."""
        from .errors import InputError

        if len(self.stdout_formats) > 1:
            raise InputError("--format", "several formats need --output-dir (or --output FORMAT=PATH for each)")


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
