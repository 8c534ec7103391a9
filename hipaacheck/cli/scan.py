"""``hipaacheck scan``: collect (or load a snapshot), evaluate, report, exit with the verdict."""
from __future__ import annotations

import argparse
import sys

from .options import (add_catalog_options, add_logging_options, add_output_options, add_posture_options,
                      add_source_options)


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("scan", help="scan a host, an AWS account or a saved inventory",
                            description="Scan a host (default: this machine), an AWS account or a saved inventory.")
    add_source_options(parser)
    add_catalog_options(parser)
    add_output_options(parser)
    add_posture_options(parser)
    add_logging_options(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from ..formats import parse_formats
    from ..pipeline import run_scan, write_outputs
    from ..progress import make_progress
    from ..results import EXIT_FAIL, EXIT_INCOMPLETE, EXIT_OK, verdict_line

    progress = make_progress(args.quiet)
    try:
        results, code = run_scan(args, progress)
    finally:
        if progress:
            progress.done()
    formats = parse_formats(args.format)
    write_outputs(results, formats, args.output_dir)
    stream = sys.stdout if args.output_dir is None and formats == ["table"] else sys.stderr
    soft = args.soft_fail and code in (EXIT_FAIL, EXIT_INCOMPLETE)
    if not args.quiet:
        stream.write(verdict_line(results, args.fail_on, args.fail_on_new_only)
                     + (" [--soft-fail: exit 0]" if soft else "") + "\n")
    return EXIT_OK if soft else code
