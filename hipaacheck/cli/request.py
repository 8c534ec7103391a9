"""Turning parsed arguments into the typed :class:`~hipaacheck.request.ScanRequest` the core runs from."""
from __future__ import annotations

import argparse
from pathlib import Path
from typing import Sequence

from ..request import CatalogSpec, Gate, OutputSpec, PostureSpec, ScanRequest
from ..sources import SourceSpec, sources

ALWAYS_SECRET_FLAGS = ("--sign-key",)


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


def catalog_spec(args: argparse.Namespace) -> CatalogSpec:
    return CatalogSpec(profile=getattr(args, "profile", None),
                       checks_dirs=tuple(Path(p) for p in getattr(args, "checks_dir", None) or ()),
                       controls_dirs=tuple(Path(p) for p in getattr(args, "controls_dir", None) or ()))


def source_spec(args: argparse.Namespace, name: str | None = None) -> SourceSpec:
    return SourceSpec.of(name or args.source, vars(args))


def auxiliary_specs(args: argparse.Namespace) -> tuple[SourceSpec, ...]:
    values = vars(args)
    return tuple(SourceSpec.of(name, values) for name, info in sources().items() if info.auxiliary)


def scan_request(args: argparse.Namespace) -> ScanRequest:
    from ..formats import parse_formats

    return ScanRequest(
        source=source_spec(args),
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
