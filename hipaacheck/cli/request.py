"""Turning parsed arguments into the typed :class:`~hipaacheck.request.ScanRequest` the core runs from."""
from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path
from typing import Any, Mapping, Sequence

from ..errors import InputError
from ..request import CatalogSpec, Gate, OutputSpec, PostureSpec, ScanRequest
from ..selection import Selection
from ..sources import SourceSpec, sources

ALWAYS_SECRET_FLAGS = ("--sign-key",)
DEFAULT_SOURCE = "host"  # `hipaacheck scan` with no arguments scans this machine


def secret_flags() -> set[str]:
    """Flags whose values never reach the recorded command line: every source's secret options too."""
    flags = set(ALWAYS_SECRET_FLAGS)
    for _, info in sources().items():
        flags.update(option.flag for option in info.options if option.secret)
    return flags


def redact_command(argv: Sequence[str]) -> list[str]:
    """The command line with secret-bearing flag values removed, for run metadata."""
    secret = secret_flags()
    out: list[str] = []
    skip = False
    for arg in argv:
        if skip:
            out.append("<redacted>")
            skip = False
            continue
        flag, eq, _ = arg.partition("=")
        if flag in secret:
            if eq:
                out.append(f"{flag}=<redacted>")
            else:
                out.append(flag)
                skip = True
            continue
        out.append(arg)
    return out


def selection(args: argparse.Namespace) -> Selection:
    """The command line's filters on the profile's selection (see :func:`.options.add_selection_options`)."""
    return Selection(controls=getattr(args, "controls", None) or (),
                     skip_controls=getattr(args, "skip_controls", None) or (),
                     min_severity=getattr(args, "min_severity", None),
                     services=getattr(args, "services", None) or (), tags=getattr(args, "tags", None) or ())


def catalog_spec(args: argparse.Namespace) -> CatalogSpec:
    return CatalogSpec(profile=getattr(args, "profile", None),
                       checks_dirs=tuple(Path(p) for p in getattr(args, "checks_dir", None) or ()),
                       controls_dirs=tuple(Path(p) for p in getattr(args, "controls_dir", None) or ()),
                       selection=selection(args))


def source_spec(args: argparse.Namespace, name: str | None = None) -> SourceSpec:
    return SourceSpec.of(name or args.source, vars(args))


def auxiliary_specs(args: argparse.Namespace) -> tuple[SourceSpec, ...]:
    values = vars(args)
    return tuple(SourceSpec.of(name, values) for name, info in sources().items() if info.auxiliary)


def given_source_options(values: Mapping[str, Any], exempt: frozenset[str] = frozenset()) -> dict[str, list[str]]:
    """Main source name → the flags of its options given a value other than their default. A flag several
    sources declare (``--deadline``) belongs to none of them: it neither implies nor excludes a source."""
    main = {name: info for name, info in sources().items() if not info.auxiliary}
    declared = Counter(option.flag for info in main.values() for option in info.options)
    given: dict[str, list[str]] = {}
    for name, info in main.items():
        if name in exempt:
            continue
        flags = [o.flag for o in info.options
                 if declared[o.flag] == 1 and _given(values.get(o.dest, o.default), o.default)]
        if flags:
            given[name] = flags
    return given


def _given(value: Any, default: Any) -> bool:
    """Whether an option holds a value of its own: not its default, not an unset flag or empty list."""
    return value not in (None, False, [], (), default)


def resolve_source(values: Mapping[str, Any], requested: str | None,
                   exempt: frozenset[str] = frozenset()) -> tuple[str, str | None]:
    """The source to run and a note when options implied it: the one named; else the one whose options were
    given; else host. An option of another source is refused: it would be silently ignored."""
    given = given_source_options(values, exempt)
    if requested is None:
        if len(given) > 1:
            (one, first), (other, second) = list(given.items())[:2]
            raise InputError("--source", f"{first[0]} ({one}) and {second[0]} ({other}) are options of different "
                                         "sources: name the one to scan")
        if not given:
            return DEFAULT_SOURCE, None
        name, flags = next(iter(given.items()))
        return name, None if name == DEFAULT_SOURCE else f"{flags[0]} implies --source {name}"
    for name, flags in given.items():
        if name != requested:
            raise InputError(flags[0], f"is an option of the {name} source: it does not apply to {requested}")
    return requested, None


def scan_source(args: argparse.Namespace) -> tuple[str, str | None]:
    """:func:`resolve_source` for a scan; with ``--securityhub-import`` the AWS options name Security Hub's
    account, so they neither imply nor conflict with the source scanned."""
    exempt = frozenset({"aws"}) if args.securityhub_import and args.source != "aws" else frozenset()
    return resolve_source(vars(args), args.source, exempt)


def scan_request(args: argparse.Namespace, source: str | None = None) -> ScanRequest:
    from ..formats import parse_formats

    return ScanRequest(
        source=source_spec(args, source),
        auxiliary=auxiliary_specs(args),
        catalog=catalog_spec(args),
        posture=PostureSpec(waivers=args.waivers, baseline=args.baseline, history=args.history),
        output=OutputSpec(formats=tuple(parse_formats(args.format)), output_dir=args.output_dir,
                          evidence_bundle=args.evidence_bundle, sign_key=args.sign_key,
                          securityhub=source_spec(args, "aws") if args.securityhub_import else None,
                           pretty=args.pretty),
        gate=Gate(fail_on=args.fail_on, soft_fail=args.soft_fail, fail_on_new_only=args.fail_on_new_only),
        command=tuple(redact_command(getattr(args, "argv", []))),
    )
