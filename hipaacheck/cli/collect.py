"""``hipaacheck collect {aws|host} -o inventory.json``: collect now, evaluate later (offline)."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .options import add_catalog_options, add_source_options


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("collect", help="collect an inventory for a later offline scan")
    from ..sources import sources

    parser.add_argument("source", choices=[name for name, info in sources().items() if info.collectable])
    parser.add_argument("-o", "--output", type=Path, required=True, help="inventory JSON to write")
    add_source_options(parser, with_source=False)
    add_catalog_options(parser)
    parser.add_argument("--quiet", "-q", action="store_true")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from ..pipeline import collect_source, plan_collection
    from .request import catalog_spec, resolve_source, source_spec

    resolve_source(vars(args), args.source)  # an option of the other source is refused, not ignored
    source, _, _, active = plan_collection(source_spec(args), catalog_spec(args))
    inventory = collect_source(source, active)
    inventory.write(args.output)
    if not args.quiet:
        sys.stderr.write(f"collected {len(inventory.resources)} resources of {len(inventory.resource_types)} types"
                         f" ({len(inventory.errors)} collection errors) into {args.output}\n")
    return 0
