"""``hipaacheck scan``: collect (or load a snapshot), evaluate, report, exit with the verdict."""
from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from .options import (add_attestation_options, add_catalog_options, add_evidence_options, add_logging_options,
                      add_output_options, add_posture_options, add_source_options)

if TYPE_CHECKING:
    from ..request import OutputSpec
    from ..results import Results
    from ..sources import SourceSpec


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("scan", help="scan a host, an AWS account or a saved inventory",
                            description="Scan a host (default: this machine), an AWS account or a saved inventory.")
    add_source_options(parser)
    add_catalog_options(parser)
    add_attestation_options(parser)
    add_output_options(parser)
    add_posture_options(parser)
    add_logging_options(parser)
    add_evidence_options(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from ..memory import keep_until_exit
    from ..pipeline import run_scan, write_outputs
    from ..progress import make_progress
    from .request import scan_request, scan_source

    source, note = scan_source(args)
    if note and not args.quiet:
        sys.stderr.write(f"hipaacheck: {note}\n")
    request = scan_request(args, source)
    sign_key = load_sign_key(request.output)
    progress = make_progress(args.quiet)
    try:
        results, code = run_scan(request, progress)
        keep_until_exit(results)
    finally:
        if progress:
            progress.done()
    output = request.output
    console_table = output.console_table
    reports: dict[str, object] = {}  # filename -> where its bytes are, for the evidence bundle
    keep = reports if output.evidence_bundle else None
    written = write_outputs(results, output.report_formats, output.output_dir, keep, pretty=output.pretty,
                            show_passed=args.show_passed, paths=dict(output.paths))
    if output.evidence_bundle:
        from ..pipeline import write_evidence_bundle

        if console_table:
            keep_table(results, reports, args.show_passed)
        write_evidence_bundle(output.evidence_bundle, results, reports, sign_key)
        written["evidence bundle"] = output.evidence_bundle
    if request.posture.history:
        written["history"] = request.posture.history
    if output.securityhub is not None:
        import_to_securityhub(output.securityhub, results, args.quiet)
    from .console import write_console

    write_console(sys.stdout if console_table else sys.stderr, results, written, args.quiet, args.show_passed,
                  args.wide, args.color, args.max_rows)
    return code


def keep_table(results: Results, reports: dict[str, object], show_passed: bool) -> None:
    """The table the console shows, as a report for the evidence bundle."""
    from functools import partial

    from ..evidence.bundle import spooled
    from ..formats import get_format

    table = get_format("table", show_passed=show_passed)
    reports[table.filename] = spooled(partial(table.write, results))


def load_sign_key(output: OutputSpec) -> object | None:
    """Check --sign-key before scanning, so a bad key fails in a second with exit 2."""
    from ..errors import InputError

    if output.sign_key and not output.evidence_bundle:
        raise InputError("--sign-key", "needs --evidence-bundle FILE.zip")
    if not output.sign_key:
        return None
    from ..evidence.signing import load_private_key

    return load_private_key(output.sign_key)


def import_to_securityhub(aws: SourceSpec, results: Results, quiet: bool) -> None:
    from ..exporters.securityhub import import_results
    from ..text import one_line

    report = import_results(results, aws)
    if not quiet:
        sys.stderr.write(f"Security Hub: imported {report.imported} findings in {report.batches} batches"
                         f"{f', {len(report.failed)} rejected' if report.failed else ''}\n")
    for account, (count, why) in report.unreached.items():
        sys.stderr.write(one_line(f"Security Hub: {count} findings of account {account} not imported: {why}") + "\n")
    for failed in report.failed[:20]:
        sys.stderr.write(one_line(f"Security Hub rejected {failed.get('Id')}: {failed.get('ErrorCode')} "
                                  f"{failed.get('ErrorMessage')}") + "\n")
