"""``hipaacheck merge RESULTS.json... --output-dir DIR``: one posture from several results documents."""
from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from ..model import SEVERITIES
from .options import add_format_option


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("merge", help="merge results of shards, accounts or hosts into one posture",
                            description="Merge results documents (shards, accounts, hosts, AWS and host together) "
                                        "into one: targets united, findings deduplicated, coverage recomputed; "
                                        "exit code as for scan.")
    parser.add_argument("results", type=Path, nargs="+", metavar="RESULTS.json",
                        help="results documents, or evidence bundles (verified; their manifests are carried)")
    parser.add_argument("--output-dir", type=Path, required=True, help="write each format to a file in DIR")
    add_format_option(parser)
    parser.set_defaults(format="json")
    parser.add_argument("--latest-wins", action="store_true",
                        help="a target found in inputs of different runs is kept from the run that started last "
                             "(default: that is an error)")
    parser.add_argument("--fail-on", choices=SEVERITIES, default="low",
                        help="lowest severity whose failure exits 1 (default: low)")
    parser.add_argument("--soft-fail", action="store_true", help="exit 0 even with failures or errors")
    parser.add_argument("--evidence-bundle", type=Path, metavar="FILE.zip",
                        help="write a verifiable zip: merged results, reports, each input's hash and run")
    parser.add_argument("--sign-key", type=Path, metavar="KEY", help="Ed25519 private key PEM: sign the manifest")
    parser.add_argument("--quiet", "-q", action="store_true", help="print no verdict line")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from ..formats import parse_formats
    from ..merge import load_inputs, merge_results
    from ..pipeline import write_evidence_bundle, write_outputs
    from ..request import OutputSpec
    from ..results import record_verdict
    from .request import formats_with_outputs, redact_command
    from .scan import load_sign_key

    output = OutputSpec(formats=tuple(formats_with_outputs(parse_formats(args.format), args.output)),
                        output_dir=args.output_dir, paths=tuple(args.output), pretty=args.pretty,
                        evidence_bundle=args.evidence_bundle, sign_key=args.sign_key)
    sign_key = load_sign_key(output)
    with tempfile.TemporaryDirectory(prefix="hipaacheck-merge-") as workdir:
        inputs = load_inputs(args.results, Path(workdir))
        results = merge_results(inputs, args.latest_wins, redact_command(getattr(args, "argv", [])))
        verdict = record_verdict(results, args.fail_on, args.soft_fail)  # every format shows it, as for scan
        reports: dict[str, object] = {}
        write_outputs(results, output.formats, output.output_dir, reports if output.evidence_bundle else None,
                      pretty=output.pretty, paths=dict(output.paths))
        if args.evidence_bundle:
            carried = {name: path for item in inputs for name, path in item.carried.items()}
            write_evidence_bundle(args.evidence_bundle, results, reports, sign_key, carried)
    if not args.quiet:
        sys.stderr.write(verdict.line + "\n")
    return verdict.exit_code

