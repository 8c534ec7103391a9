"""``hipaacheck profiles list|show``."""
from __future__ import annotations

import argparse
import sys


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("profiles", help="list or show profiles")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    actions.add_parser("list", help="list built-in profiles").set_defaults(handler=run)
    show = actions.add_parser("show", help="show a profile as resolved (extends applied)")
    show.add_argument("profile")
    show.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from ..controls import builtin_controls
    from ..profiles import list_profiles, load_profile, select_controls
    from ..registry import load_all
    from ..yamlio import dump_yaml

    load_all()
    catalog = builtin_controls()
    if args.action == "list":
        from tabulate import tabulate

        rows = [[p.id, len(select_controls(p, catalog)), ", ".join(p.parents) or "-", p.title]
                for p in list_profiles()]
        print(tabulate(rows, headers=["ID", "CONTROLS", "EXTENDS", "TITLE"], tablefmt="simple"))
        return 0
    profile = load_profile(args.profile)
    active = select_controls(profile, catalog)
    data = profile.to_dict()
    data["controls_selected"] = {a.id: {"severity": a.severity, "params": a.params} for a in active}
    sys.stdout.write(dump_yaml(data))
    return 0
