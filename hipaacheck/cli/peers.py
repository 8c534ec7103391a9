"""``hipaacheck peers``: which controls cover each HIPAA check of Prowler and AWS Config (docs/COVERAGE.md)."""
from __future__ import annotations

import argparse
from ..jsonenc import dumps_text


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("peers", help="map Prowler's and AWS Config's HIPAA checks to controls")
    parser.add_argument("--format", choices=("markdown", "json"), default="markdown")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    import sys

    from ..controls import builtin_controls
    from ..peers import load_sources, markdown, rows
    from ..registry import load_all

    load_all()
    sources = load_sources()
    table = rows(builtin_controls().controls.values(), sources)
    if args.format == "json":
        print(dumps_text([{"source": r.source, "check": r.check, "controls": list(r.controls),
                           "out_of_scope": r.out_of_scope} for r in table], pretty=True))
    else:
        print(markdown(table, sources), end="")
    problems = [r.problem for r in table if r.problem]
    for problem in problems:
        print(f"hipaacheck: {problem}", file=sys.stderr)
    return 1 if problems else 0
