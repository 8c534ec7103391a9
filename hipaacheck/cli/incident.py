"""``hipaacheck incident add|assess|notify|list``: keep the incident and breach register.

Each change re-reads the register under a lock, validates the result and replaces the file atomically,
so two people recording notices at once lose neither.
"""
from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from ..errors import InputError

DEFAULT_FILE = Path("incidents.yaml")


def _date(value: str) -> str:
    from ..validation import is_date

    if not is_date(value):
        raise argparse.ArgumentTypeError(f"{value!r} is not a YYYY-MM-DD date")
    return value


def _state_count(value: str) -> tuple[str, int]:
    state, _, count = value.partition("=")
    if not state or not count.isdigit():
        raise argparse.ArgumentTypeError(f"{value!r} is not STATE=COUNT")
    return state, int(count)


def _state_date(value: str) -> tuple[str, str]:
    state, _, day = value.partition("=")
    if not state:
        raise argparse.ArgumentTypeError(f"{value!r} is not STATE=DATE")
    return state, _date(day)


def _boolean(value: str) -> bool:
    if value.lower() not in ("yes", "no", "true", "false"):
        raise argparse.ArgumentTypeError(f"{value!r} is not yes or no")
    return value.lower() in ("yes", "true")


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("incident", help="keep the incident and breach register",
                            description="Record incidents, their breach risk assessment and each notification in "
                                        "the register that 'scan --incidents FILE' reads.")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    file_help = f"the register (default: ./{DEFAULT_FILE})"

    add = actions.add_parser("add", help="record a new incident")
    add.add_argument("incident_id", metavar="ID")
    add.add_argument("--discovered", type=_date, required=True, help="date the incident was discovered")
    add.add_argument("--description", help="what happened, without PHI")
    add.add_argument("--business-associate", action="store_true", help="it happened at a business associate")
    _affected_options(add)

    assess = actions.add_parser("assess", help="record the breach risk assessment")
    assess.add_argument("incident_id", metavar="ID")
    assess.add_argument("--breach", type=_boolean, required=True, metavar="yes|no", help="outcome: a breach or not")
    assess.add_argument("--date", type=_date, required=True, help="date of the assessment")
    assess.add_argument("--by", required=True, help="who assessed: a workforce id or role, not a name")
    _affected_options(assess)

    notify = actions.add_parser("notify", help="record notifications made")
    notify.add_argument("incident_id", metavar="ID")
    notify.add_argument("--individuals", type=_date, metavar="DATE", help="individuals notified on DATE")
    notify.add_argument("--hhs", type=_date, metavar="DATE", help="HHS notified on DATE")
    notify.add_argument("--media", type=_state_date, action="append", default=[], metavar="STATE=DATE",
                        help="prominent media in STATE notified on DATE (repeatable)")
    notify.add_argument("--covered-entity", type=_date, metavar="DATE",
                        help="covered entity notified on DATE (a business associate's breach)")

    listing = actions.add_parser("list", help="list incidents and notification dates")
    for action in (add, assess, notify, listing):
        action.add_argument("--file", type=Path, default=DEFAULT_FILE, help=file_help)
        action.set_defaults(handler=run)


def _affected_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--affected", type=int, metavar="N", help="individuals affected in total")
    parser.add_argument("--affected-state", type=_state_count, action="append", default=[], metavar="STATE=COUNT",
                        help="residents affected in STATE (repeatable)")


def _set_affected(incident: dict[str, Any], args: argparse.Namespace) -> None:
    if args.affected is None and not args.affected_state:
        return
    affected = incident.setdefault("affected", {})
    if args.affected is not None:
        affected["total"] = args.affected
    if args.affected_state:
        affected.setdefault("by_state", {}).update(dict(args.affected_state))


def _change(args: argparse.Namespace, register: Any) -> str:
    if args.action == "add":
        if any(i["id"] == args.incident_id for i in register.incidents):
            raise InputError(str(args.file), f"incident {args.incident_id!r} is already recorded")
        incident: dict[str, Any] = {"id": args.incident_id, "discovered": args.discovered}
        if args.description:
            incident["description"] = args.description
        if args.business_associate:
            incident["business_associate"] = True
        _set_affected(incident, args)
        register.incidents.append(incident)
        return f"recorded incident {args.incident_id} discovered on {args.discovered}"
    incident = register.find(args.incident_id)
    if args.action == "assess":
        incident["assessment"] = {"date": args.date, "by": args.by, "breach": args.breach}
        _set_affected(incident, args)
        return f"recorded assessment of {args.incident_id}: {'a breach' if args.breach else 'not a breach'}"
    notices = {k: v for k, v in (("individuals", args.individuals), ("hhs", args.hhs),
                                 ("covered_entity", args.covered_entity)) if v}
    if not notices and not args.media:
        raise InputError("incident notify", "name at least one of --individuals, --hhs, --media, --covered-entity")
    recorded = incident.setdefault("notifications", {})
    recorded.update(notices)
    if args.media:
        recorded.setdefault("media", {}).update(dict(args.media))
    done = [*notices, *(f"media {state}" for state, _ in args.media)]
    return f"recorded notification of {args.incident_id}: {', '.join(done)}"


def _list(register: Any) -> None:
    print(f"{'ID':<16} {'DISCOVERED':<11} {'BREACH':<7} {'AFFECTED':>8}  NOTIFIED")
    for incident in register.incidents:
        assessment = incident.get("assessment")
        breach = "?" if assessment is None else ("yes" if assessment["breach"] else "no")
        notices = incident.get("notifications") or {}
        done = [f"{k}={v}" for k, v in notices.items() if k != "media"]
        done += [f"media {s}={d}" for s, d in (notices.get("media") or {}).items()]
        total = (incident.get("affected") or {}).get("total", "")
        print(f"{incident['id']:<16} {incident['discovered']:<11} {breach:<7} {total!s:>8}  {', '.join(done) or '-'}")


def run(args: argparse.Namespace) -> int:
    from ..atomic import locked
    from ..incidents import Register, load_register, save_register

    if args.action == "list":
        _list(load_register(args.file))
        return 0
    with locked(args.file):
        register = load_register(args.file) if args.file.exists() else Register(args.file, {"version": 1, "incidents": []})
        message = _change(args, register)
        save_register(register)
    print(f"{message} in {args.file}")
    return 0
