"""``hipaacheck resources list|show``: the declared resource types and their attributes."""
from __future__ import annotations

import argparse
from pathlib import Path


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("resources", help="list resource types or show one's attributes")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    ls = actions.add_parser("list", help="list resource types: source, attribute count, meaning")
    show = actions.add_parser("show", help="show each attribute path of a resource type, its type and meaning")
    show.add_argument("resource_type", metavar="TYPE")
    for action in (ls, show):
        action.add_argument("--checks-dir", type=Path, action="append", default=[],
                            help="also load checks (and the types declared beside them) from this folder")
        action.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from tabulate import tabulate

    from ..registry import load_all
    from ..resource_types import declared_types, describe

    load_all(args.checks_dir)  # plugins may declare types beside their check modules
    if args.action == "list":
        rows = [[t.name, t.family, len(t.schema["properties"]), t.description]
                for t in sorted(declared_types().values(), key=lambda t: t.name)]
        print(tabulate(rows, headers=["TYPE", "SOURCE", "ATTRIBUTES", "DESCRIPTION"], tablefmt="simple"))
        return 0
    declared = describe(args.resource_type)
    named = "" if declared.name == args.resource_type else f" (declared as {declared.name})"
    print(f"{args.resource_type}{named}: {declared.description}")
    print(f"source: {declared.family}; declared in {declared.source}\n")
    rows = [[a.path, a.type, a.description] for a in declared.attributes()]
    print(tabulate(rows, headers=["PATH", "TYPE", "MEANING"], tablefmt="simple"))
    return 0
