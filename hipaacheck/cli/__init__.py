"""Command-line entry point. Subcommands live in one module each (``register`` + ``run``).

Heavy modules are imported inside ``run`` so ``hipaacheck --help`` starts fast.
"""
from __future__ import annotations

import argparse
import importlib
import logging
import sys
from typing import Sequence

from .. import __version__
from ..errors import InputError

SUBCOMMANDS = ("scan", "collect", "report", "controls", "profiles", "resources", "diff", "history", "evidence", "attest",
               "coverage", "peers")
EXIT_INPUT = 2


class _Parser(argparse.ArgumentParser):
    """argparse, but bad flags exit 2 with one line (its default prints usage too)."""

    def error(self, message: str) -> None:  # type: ignore[override]
        sys.stderr.write(f"hipaacheck: error: {message}\n")
        raise SystemExit(EXIT_INPUT)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="hipaacheck", description="HIPAA Security Rule compliance checks for Linux hosts and AWS.")
    parser.add_argument("--version", action="version", version=f"hipaacheck {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name in SUBCOMMANDS:
        module = importlib.import_module(f"{__name__}.{name}")
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv == ["--version"]:  # answered before building every subcommand's parser: start-up matters here
        sys.stdout.write(f"hipaacheck {__version__}\n")
        return 0
    parser = build_parser()
    if not argv:
        argv = ["--help"]
    try:
        from .config import apply_config

        apply_config(parser, argv)  # .hipaacheck.yaml / --config become defaults: the command line wins
    except InputError as exc:
        sys.stderr.write(f"hipaacheck: error: {exc}\n")
        return EXIT_INPUT
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        parser.print_help()
        return EXIT_INPUT
    args.argv = argv
    try:
        if hasattr(args, "log_level"):
            from ..logsetup import setup_logging

            setup_logging(args.log_level, args.log_file, getattr(args, "quiet", False))
            logging.getLogger("hipaacheck").debug("command line: hipaacheck %s", " ".join(argv))  # redacted
        return int(args.handler(args) or 0)
    except InputError as exc:
        sys.stderr.write(f"hipaacheck: error: {exc}\n")
        return EXIT_INPUT
    except KeyboardInterrupt:
        sys.stderr.write("hipaacheck: interrupted\n")
        return 130
    except BrokenPipeError:
        return 0
    finally:
        from ..memory import release_long_lived

        release_long_lived()
        if hasattr(args, "log_level"):
            from ..logsetup import teardown_logging

            teardown_logging()


def run() -> None:
    raise SystemExit(main())
