"""``hipaacheck attest CONTROL_ID``: append one signed-off attestation to the attestations file."""
from __future__ import annotations

import argparse
from pathlib import Path


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "attest", help="record an attestation for a manual control",
        description="Append an attestation (who, role, when, statement, hashed evidence) for an attestation "
                    "control to the attestations file that 'scan --attestations FILE' reads.")
    parser.add_argument("control_id", metavar="CONTROL_ID", help="an attestation control, e.g. manual.risk.analysis")
    parser.add_argument("--by", required=True, help="name of the person attesting")
    parser.add_argument("--role", required=True, help="their role, e.g. 'Security Official'")
    parser.add_argument("--statement", help="what is attested (required for a documented alternative)")
    parser.add_argument("--evidence", nargs="+", default=[], metavar="FILE_OR_URL",
                        help="evidence files (hashed with SHA-256 now) or http(s) URLs")
    parser.add_argument("--valid-days", type=int, help="days this attestation stays current (default: the control's)")
    parser.add_argument("--specification", help="for manual.addressable.alternatives: the addressable citation")
    parser.add_argument("--date", help="date of the attestation, YYYY-MM-DD (default: today, UTC)")
    parser.add_argument("--file", type=Path, default=Path("attestations.yaml"),
                        help="attestations file to append to (default: ./attestations.yaml)")
    parser.add_argument("--evidence-root", type=Path, metavar="DIR",
                        help="folder evidence files must be inside (default: the attestations file's folder)")
    parser.add_argument("--checks-dir", type=Path, action="append", default=[], help="load extra checks from DIR")
    parser.add_argument("--controls-dir", type=Path, action="append", default=[], help="load extra controls from DIR")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from ..atomic import locked
    from ..attestations import append_attestation, build_attestation, load_attestations
    from ..controls import builtin_controls
    from ..registry import load_all
    from ..text import one_line

    load_all(args.checks_dir)
    controls = builtin_controls(args.controls_dir).controls
    entry = build_attestation(controls, args.control_id, args.file, by=args.by, role=args.role,
                              statement=args.statement, evidence=args.evidence, valid_days=args.valid_days,
                              specification=args.specification, on=args.date, evidence_root=args.evidence_root)
    with locked(args.file):  # concurrent runs append one after the other, each to the file the last one left
        if args.file.exists():
            load_attestations(args.file, controls, args.evidence_root)  # refuse to append to a broken file
        append_attestation(args.file, entry)
    what = f"{entry.control} ({entry.specification})" if entry.specification else entry.control
    hashed = sum(1 for e in entry.evidence if e.path)
    print(one_line(f"recorded attestation for {what} by {entry.by} on {entry.date.isoformat()} in {args.file} "
                   f"({hashed} evidence file{'s' if hashed != 1 else ''} hashed)"))
    return 0
