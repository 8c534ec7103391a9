"""``hipaacheck evidence verify FILE.zip [--public-key KEY]``: exit 0 intact, 1 tampered, 2 unreadable."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..evidence.verify import Verification


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("evidence", help="verify an evidence bundle")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    verify = actions.add_parser("verify", help="recompute every hash (and the signature, with --public-key)")
    verify.add_argument("bundle", type=Path, metavar="FILE.zip")
    verify.add_argument("--public-key", type=Path, metavar="KEY", help="Ed25519 public key PEM to check the signature")
    verify.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from ..evidence.signing import fingerprint, load_public_key
    from ..evidence.verify import verify_bundle
    from ..text import one_line

    key = load_public_key(args.public_key) if args.public_key else None
    report = verify_bundle(args.bundle, key)
    name = one_line(args.bundle)
    for line in report.lines():
        sys.stdout.write(f"{name}: {one_line(line)}\n")
    signer = signer_text(report, fingerprint(key) if key is not None else None)
    if report.tampered:
        sys.stdout.write(f"TAMPERED: {name} does not match its manifest; {signer}\n")
        return 1
    if report.other_signer:
        sys.stdout.write(f"NOT VERIFIED: {name}: {report.files} files match the manifest, but {signer}\n")
        return 1
    sys.stdout.write(f"OK: {name}: {report.files} files match the manifest; {signer}\n")
    return 0


def signer_text(report: Verification, pinned: str | None) -> str:
    """Who signed, always with the key's fingerprint: the one thing an auditor compares."""
    from ..text import one_line

    found = one_line(report.key_fingerprint or "unknown")
    if not report.signed:
        return "not signed"
    if report.other_signer:
        return f"signed by a different key (fingerprint {found}), not the --public-key given ({pinned})"
    if report.pinned and report.signature_verified:
        return f"signature verified with the --public-key given (fingerprint {found})"
    if report.signature_verified:
        return (f"signed by key {found} (signature valid against the key the bundle carries; "
                "pass --public-key to pin who signed)")
    return f"signed by key {found} as the manifest says, not checked (pass --public-key)"
