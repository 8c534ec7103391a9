"""``hipaacheck evidence verify FILE.zip [--public-key KEY]``: exit 0 intact, 1 tampered, 2 unreadable."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("evidence", help="verify an evidence bundle")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    verify = actions.add_parser("verify", help="recompute every hash (and the signature, with --public-key)")
    verify.add_argument("bundle", type=Path, metavar="FILE.zip")
    verify.add_argument("--public-key", type=Path, metavar="KEY", help="Ed25519 public key PEM to check the signature")
    verify.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from ..evidence.signing import load_public_key
    from ..evidence.verify import verify_bundle

    key = load_public_key(args.public_key) if args.public_key else None
    report = verify_bundle(args.bundle, key)
    for line in report.lines():
        sys.stdout.write(f"{args.bundle}: {line}\n")
    if not report.ok:
        sys.stdout.write(f"TAMPERED: {args.bundle} does not match its manifest\n")
        return 1
    if report.signature_verified:
        how = f"signature verified (key {report.key_fingerprint})"
    elif report.signed:
        how = "signed, but the signature was not checked (pass --public-key)"
    else:
        how = "not signed"
    sys.stdout.write(f"OK: {args.bundle}: {report.files} files match the manifest; {how}\n")
    return 0
