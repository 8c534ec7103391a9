"""``hipaacheck report RESULTS.json --format ...``: re-render a saved results file."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from .options import add_format_option, add_gate_options, add_listing_options

if TYPE_CHECKING:
    from ..results import Results


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("report", help="render a saved results JSON in other formats")
    parser.add_argument("results", type=Path)
    add_format_option(parser)
    parser.add_argument("--output-dir", type=Path, help="write each format to a file in DIR")
    add_listing_options(parser)
    add_gate_options(parser.add_argument_group("gate (the verdict every format shows)"), recorded=True)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from ..formats import parse_formats
    from ..memory import keep_until_exit
    from ..pipeline import write_outputs
    from ..request import OutputSpec
    from ..results import Results

    from .request import formats_with_outputs

    output = OutputSpec(formats=tuple(formats_with_outputs(parse_formats(args.format), args.output)),
                        output_dir=args.output_dir, paths=tuple(args.output), pretty=args.pretty)
    output.check_stdout()
    results = Results.load(args.results)
    keep_until_exit(results)
    regate(results, args.fail_on, args.soft_fail, args.fail_on_new_only)
    write_outputs(results, output.report_formats, output.output_dir, pretty=output.pretty,
                  show_passed=args.show_passed, paths=dict(output.paths))
    if output.console_table:
        from .console import write_console

        write_console(sys.stdout, results, {}, show_passed=args.show_passed, wide=args.wide, color=args.color,
                      max_rows=args.max_rows)
    return 0


def regate(results: Results, fail_on: str | None, soft_fail: bool | None, new_only: bool | None) -> None:
    """Record the verdict under the gate the results were judged under, with any option given replacing
    its part of that gate (results written before gates were recorded are judged under the defaults)."""
    from ..errors import InputError
    from ..results import record_verdict, recorded_gate

    gate = recorded_gate(results)
    if new_only and "drift" not in results.extra:
        raise InputError("--fail-on-new-only", "these results were not compared with a baseline (scan --baseline)")
    if fail_on is None and soft_fail is None and new_only is None:
        return  # the recorded verdict, or for older results the one under the default gate (verdict_of)
    record_verdict(results, fail_on or gate["fail_on"], gate["soft_fail"] if soft_fail is None else soft_fail,
                   gate["fail_on_new_only"] if new_only is None else new_only)
