"""``hipaacheck controls list|show|validate``."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .options import add_selection_options
from ..jsonenc import dumps_text


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("controls", help="list, show or validate controls")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    ls = actions.add_parser("list", help="list controls")
    ls.add_argument("--profile", help="only the controls this profile selects")
    ls.add_argument("--format", choices=("table", "json"), default="table")
    add_selection_options(ls)
    show = actions.add_parser("show", help="show one control in full")
    show.add_argument("control_id")
    validate = actions.add_parser("validate", help="validate control files (default: the built-in ones)")
    validate.add_argument("paths", nargs="*", type=Path)
    for action in (ls, show, validate):
        action.add_argument("--checks-dir", type=Path, action="append", default=[])
        action.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from ..content import content_dir
    from ..controls import builtin_controls, load_controls
    from ..errors import InputError
    from ..profiles import load_profile, select_controls
    from ..registry import load_all
    from ..yamlio import dump_yaml
    from ..selection import narrow
    from .request import selection

    load_all(args.checks_dir)
    if args.action == "validate":
        catalog = load_controls(args.paths or [content_dir("controls")])
        print(f"{len(catalog.controls)} controls valid")
        return 0
    catalog = builtin_controls()
    if args.action == "show":
        control = catalog.controls.get(args.control_id)
        if control is None:
            raise InputError("controls show", f"unknown control {args.control_id!r}")
        data = control.to_dict()
        data["params"] = control.params
        data["path"] = str(control.path)
        sys.stdout.write(dump_yaml(data))
        return 0
    if args.profile:
        pairs = [(a.control, a.severity) for a in select_controls(load_profile(args.profile), catalog)]
    else:
        pairs = [(c, c.severity) for c in catalog.sorted()]
    controls = [c for c, _ in narrow(selection(args), pairs, lambda pair: pair)]
    if args.format == "json":
        print(dumps_text([c.to_dict() for c in controls], pretty=True))
        return 0
    from tabulate import tabulate

    rows = [[c.id, c.severity, ", ".join(c.citations), c.title] for c in controls]
    print(tabulate(rows, headers=["ID", "SEVERITY", "CITATIONS", "TITLE"], tablefmt="simple"))
    return 0
