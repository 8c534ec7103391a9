"""``hipaacheck collect {aws|host} -o inventory.json``: collect now, evaluate later (offline)."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .options import add_catalog_options, add_source_options


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("collect", help="collect an inventory for a later offline scan")
    parser.add_argument("source", choices=("host", "aws"))
    parser.add_argument("-o", "--output", type=Path, required=True, help="inventory JSON to write")
    add_source_options(parser, with_source=False)
    add_catalog_options(parser)
    parser.add_argument("--quiet", "-q", action="store_true")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from ..pipeline import collect, default_profile, load_catalog

    _, _, active = load_catalog(args, default_profile(args))
    inventory = collect(args, active, None)
    inventory.write(args.output)
    if not args.quiet:
        sys.stderr.write(f"collected {len(inventory.resources)} resources of {len(inventory.resource_types)} types"
                         f" ({len(inventory.errors)} collection errors) into {args.output}\n")
    return 0
