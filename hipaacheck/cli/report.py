"""``hipaacheck report RESULTS.json --format ...``: re-render a saved results file."""
from __future__ import annotations

import argparse
from pathlib import Path

from .options import add_format_option


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("report", help="render a saved results JSON in other formats")
    parser.add_argument("results", type=Path)
    add_format_option(parser)
    parser.add_argument("--output-dir", type=Path, help="write each format to a file in DIR")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from ..errors import InputError
    from ..formats import parse_formats
    from ..pipeline import write_outputs
    from ..results import Results

    formats = parse_formats(args.format)
    if len(formats) > 1 and not args.output_dir:
        raise InputError("--format", "several formats need --output-dir")
    write_outputs(Results.load(args.results), formats, args.output_dir, pretty=args.pretty)
    return 0
