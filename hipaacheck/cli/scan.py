"""``hipaacheck scan``: collect (or load a snapshot), evaluate, report, exit with the verdict."""
from __future__ import annotations

import argparse
import sys

from .options import add_catalog_options, add_output_options, add_source_options


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("scan", help="scan a host, an AWS account or a saved inventory",
                            description="Scan a host (default: this machine), an AWS account or a saved inventory.")
    add_source_options(parser)
    add_catalog_options(parser)
    add_output_options(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from ..formats import parse_formats
    from ..pipeline import run_scan, write_outputs
    from ..results import verdict_line

    progress = None
    results, code = run_scan(args, progress)
    formats = parse_formats(args.format)
    write_outputs(results, formats, args.output_dir)
    if not args.quiet:
        stream = sys.stdout if args.output_dir is None and formats == ["table"] else sys.stderr
        stream.write(verdict_line(results, args.fail_on) + "\n")
    return code
