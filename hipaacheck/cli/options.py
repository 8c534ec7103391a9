"""Option groups shared by several subcommands."""
from __future__ import annotations

import argparse
import functools
from pathlib import Path
from typing import Any, Callable

from ..errors import OptionValueError
from ..model import SEVERITIES


def explained(kind: Callable[[str], Any]) -> Callable[[str], Any]:
    """``kind`` as an argparse type whose refusals say why: argparse shows an :class:`OptionValueError`'s
    text only as an ArgumentTypeError (a plain ValueError becomes "invalid <type> value")."""
    if isinstance(kind, type):  # str, int, Path: argparse's and the config file's own handling
        return kind

    @functools.wraps(kind)
    def convert(text: str) -> Any:
        try:
            return kind(text)
        except OptionValueError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None

    return convert


def add_source_options(parser: argparse.ArgumentParser, with_source: bool = True) -> None:
    """``--source`` and every option each registered source declares (see ``hipaacheck.sources``)."""
    from ..sources import sources

    registry = sources()
    group = parser.add_argument_group("source")
    if with_source:
        choices = [name for name, info in registry.items() if not info.auxiliary]
        group.add_argument("--source", choices=choices,
                           help="what to scan (default: the source whose options are given, else host)")
    declared: dict[str, list] = {}  # flag -> the options declaring it: one flag serves several sources
    for _, info in registry.items():
        if info.auxiliary or not (with_source or info.collectable):  # `collect host|aws` offers no --inventory
            continue
        for option in info.options:
            declared.setdefault(option.flag, []).append(option)
    for flag, options in declared.items():
        first = options[0]
        help_text = "; ".join(option.help for option in options)
        if first.action == "store_true":
            group.add_argument(flag, action="store_true", help=help_text)
            continue
        group.add_argument(flag, type=explained(first.type), default=first.default, metavar=first.metavar,
                           help=help_text, action=first.action or "store")


def add_catalog_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("controls")
    group.add_argument("--profile", help="profile name or YAML path (default: hipaa-host, or hipaa-aws for --source aws)")
    group.add_argument("--checks-dir", type=Path, action="append", default=[], help="load extra checks from DIR")
    group.add_argument("--controls-dir", type=Path, action="append", default=[], help="load extra controls from DIR")
    add_selection_options(parser)


def comma_list(value: str) -> tuple[str, ...]:
    """``a,b, c`` → ``("a", "b", "c")``; a list option from the command line, environment or config file."""
    return tuple(part.strip() for part in value.split(",") if part.strip())


def add_selection_options(parser: argparse.ArgumentParser) -> None:
    """Filters that narrow the profile's selection for one run (``hipaacheck.selection``)."""
    group = parser.add_argument_group("selection (narrows the profile's controls for this run)")
    group.add_argument("--controls", type=comma_list, metavar="GLOB,...", help="only controls whose id matches")
    group.add_argument("--skip-controls", type=comma_list, metavar="GLOB,...", help="not controls whose id matches")
    group.add_argument("--min-severity", choices=SEVERITIES, help="only controls of this severity or above")
    group.add_argument("--services", type=comma_list, metavar="NAME,...",
                       help="only controls on these services (s3,iam,... or sshd,pam,...: the resource type's second part)")
    group.add_argument("--tags", type=comma_list, metavar="TAG,...", help="only controls with one of these tags")


def add_output_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("output")
    add_format_option(group)
    group.add_argument("--output-dir", type=Path, help="write each format to a file in DIR")
    group.add_argument("--quiet", "-q", action="store_true",
                       help="print the verdict line alone (and any format written to stdout)")
    add_listing_options(group)


def add_listing_options(group: argparse.ArgumentParser | argparse._ArgumentGroup) -> None:
    """How the table lists findings: which ones, and how wide."""
    group.add_argument("--show-passed", action="store_true",
                       help="list passing, skipped, waived and manual findings too (default: failing and error "
                            "findings, the rest counted)")
    group.add_argument("--color", choices=("auto", "always", "never"), default="auto",
                       help="colour statuses and the verdict (default: auto, a terminal without NO_COLOR)")
    group.add_argument("--wide", action="store_true",
                       help="full resource ids and no cut to the terminal width (COLUMNS is honoured otherwise)")
    group.add_argument("--max-rows", type=row_count, default=CONSOLE_ROWS, metavar="N",
                       help=f"findings the console lists, most severe first (default: {CONSOLE_ROWS}; 0: all). "
                            "Reports written to files list every finding")


CONSOLE_ROWS = 100  # a CI log of a 100k-resource scan would otherwise hold 237k rows


def row_count(value: str) -> int:
    try:
        count = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number") from None
    if count < 0:
        raise argparse.ArgumentTypeError(f"{value!r} is negative (0 lists every finding)")
    return count


def add_attestation_options(parser: argparse.ArgumentParser) -> None:
    """The options of auxiliary sources (``--attestations``...), which any scan may add."""
    from ..sources import sources

    group = parser.add_argument_group("attestations")
    for _, info in sources().items():
        if info.auxiliary:
            for option in info.options:
                group.add_argument(option.flag, type=explained(option.type), default=option.default, metavar=option.metavar,
                                   help=option.help)


def add_posture_options(parser: argparse.ArgumentParser) -> None:
    """Waivers, baseline drift, history and the exit-code gates built on them."""
    group = parser.add_argument_group("waivers, drift and history")
    group.add_argument("--waivers", type=Path, metavar="FILE", help="YAML waivers: accepted failures with expiry")
    group.add_argument("--baseline", type=Path, metavar="RESULTS.json",
                       help="earlier results JSON: mark findings new/unchanged/resolved")
    add_different_targets_option(group)
    add_gate_options(group)
    group.add_argument("--history", type=Path, metavar="DB", help="append this run to an SQLite history database")
    group.add_argument("--config", type=Path, metavar="FILE",
                       help="YAML file of scan options (default: .hipaacheck.yaml in this folder if present)")


def add_different_targets_option(group: argparse.ArgumentParser | argparse._ArgumentGroup) -> None:
    group.add_argument("--allow-different-targets", action="store_true",
                       help="compare with a baseline of another AWS account or host (refused by default)")


def add_gate_options(group: argparse.ArgumentParser | argparse._ArgumentGroup, recorded: bool = False) -> None:
    """``--fail-on``, ``--fail-on-new-only``, ``--soft-fail``: the gate the exit code expresses. With
    ``recorded`` (``report``), an option not given leaves the gate recorded in the results as it was."""
    default = "the gate recorded in the results" if recorded else None
    group.add_argument("--fail-on", choices=SEVERITIES, default=None if recorded else "low",
                       help=f"lowest severity whose failure exits 1 (default: {default or 'low'})")
    group.add_argument("--fail-on-new-only", action="store_true", default=None if recorded else False,
                       help="exit 1 only for failures the baseline did not have (needs --baseline)")
    group.add_argument("--soft-fail", action="store_true", default=None if recorded else False,
                       help="exit 0 even with failures or errors (still reported); bad input still exits 2")


def add_logging_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("logging")
    group.add_argument("--log-level", choices=("debug", "info", "warning", "error"), default="warning",
                       help="log verbosity (default: warning); secrets are redacted from every log line")
    group.add_argument("--log-file", type=Path, metavar="FILE",
                       help="also write the full log to FILE (stderr keeps warnings only)")


def add_evidence_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("evidence")
    group.add_argument("--evidence-bundle", type=Path, metavar="FILE.zip",
                       help="write a verifiable zip: results, reports, inventory, controls, profile, SHA-256 manifest")
    group.add_argument("--sign-key", type=Path, metavar="KEY",
                       help="Ed25519 private key PEM: sign the bundle manifest (manifest.sig)")
    group.add_argument("--securityhub-import", action="store_true",
                       help="send findings to AWS Security Hub (BatchImportFindings, batches of 100)")


def format_path(value: str) -> tuple[str, Path]:
    """``sarif=out/scan.sarif`` → ``("sarif", Path("out/scan.sarif"))``."""
    from ..formats import FORMATS

    name, eq, path = value.partition("=")
    name = name.strip()
    if not eq or not path:
        raise argparse.ArgumentTypeError(f"expected FORMAT=PATH, got {value!r}")
    if name not in FORMATS:
        raise argparse.ArgumentTypeError(f"unknown format {name!r} (known: {', '.join(sorted(FORMATS))})")
    return name, Path(path)


def add_format_option(parser: argparse.ArgumentParser | argparse._ArgumentGroup) -> None:
    from ..formats import FORMATS

    parser.add_argument("--format", default="table",
                        help=f"comma-separated, from: {', '.join(FORMATS)} (default: table)")
    parser.add_argument("--output", type=format_path, action="append", default=[], metavar="FORMAT=PATH",
                        help="write FORMAT to PATH (repeatable; adds FORMAT to --format)")
    parser.add_argument("--pretty", action="store_true",
                        help="indent JSON formats for reading (default: compact, much faster to write)")
