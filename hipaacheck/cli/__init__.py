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
from ..text import one_line

SUBCOMMANDS = ("scan", "collect", "report", "controls", "profiles", "resources", "diff", "history", "evidence", "attest",
               "coverage", "incident", "merge", "aws-policy", "peers")
EXIT_INPUT = 2


class _Parser(argparse.ArgumentParser):
    """argparse, but bad flags exit 2 with one line (its default prints usage too)."""

    def error(self, message: str) -> None:  # type: ignore[override]
        sys.stderr.write(f"hipaacheck: error: {one_line(message)}\n")
        raise SystemExit(EXIT_INPUT)


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The whole command line; with ``only`` (a subcommand's name), that subcommand alone: a run of one
    command need not import and build the fifteen others (a tenth of a host scan's start-up)."""
    parser = _Parser(prog="hipaacheck", description="HIPAA Security Rule compliance checks for Linux hosts and AWS.")
    parser.add_argument("--version", action="version", version=f"hipaacheck {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name in (only,) if only in SUBCOMMANDS else SUBCOMMANDS:
        module = importlib.import_module(f"{__name__}.{name.replace('-', '_')}")
        module.register(sub)
    return parser


def _command_of(argv: Sequence[str]) -> str | None:
    """The subcommand ``argv`` names first, if any (else the whole parser answers: help, errors)."""
    return argv[0] if argv and argv[0] in SUBCOMMANDS else None


def main(argv: Sequence[str] | None = None, *, process_ends: bool = False) -> int:
    """Run one command; ``process_ends``: the process exits right after, so what the command kept
    alive (:func:`~hipaacheck.memory.keep_until_exit`) is left for the exit to drop whole."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv == ["--version"]:  # answered before building every subcommand's parser: start-up matters here
        sys.stdout.write(f"hipaacheck {__version__}\n")
        return 0
    if not argv:
        argv = ["--help"]
    parser = build_parser(_command_of(argv))
    try:
        from .config import apply_config, apply_env

        apply_config(parser, argv)  # .hipaacheck.yaml / --config become defaults: the command line wins
        apply_env(parser, argv)  # HIPAACHECK_<OPTION> over the config file, under the command line
    except InputError as exc:
        sys.stderr.write(f"hipaacheck: error: {one_line(exc)}\n")
        return EXIT_INPUT
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        parser.print_help()
        return EXIT_INPUT
    args.argv = argv
    log_failure = None
    try:
        code = _dispatch(args, argv)
    finally:
        if not process_ends:
            from ..memory import release_long_lived

            release_long_lived()
        if hasattr(args, "log_level"):
            from ..logsetup import teardown_logging

            log_failure = teardown_logging()
    if log_failure and code != EXIT_INPUT:  # the log is evidence of the run too: an incomplete one is no success
        sys.stderr.write(f"hipaacheck: error: {one_line(_log_error(args.log_file, log_failure))}\n")
        return EXIT_INPUT
    return code


def _log_error(path: object, failure: str) -> InputError:
    return InputError(str(path), f"--log-file: cannot write ({failure})")


def _dispatch(args: argparse.Namespace, argv: list[str]) -> int:
    """Run the subcommand; every failure it can meet becomes one line on stderr and an exit code."""
    try:
        if hasattr(args, "log_level"):
            from ..logsetup import log_file_failure, setup_logging

            setup_logging(args.log_level, args.log_file, getattr(args, "quiet", False))
            logging.getLogger("hipaacheck").debug("command line: hipaacheck %s", " ".join(argv))  # redacted
            if failure := log_file_failure():  # found before scanning, when the first record is written
                raise _log_error(args.log_file, failure)
        code = int(args.handler(args) or 0)
        flush_stdout()
        return code
    except InputError as exc:
        sys.stderr.write(f"hipaacheck: error: {one_line(exc)}\n")
        return EXIT_INPUT
    except KeyboardInterrupt:
        sys.stderr.write("hipaacheck: interrupted\n")
        return 130
    except BrokenPipeError:
        return 0
    except OSError as exc:  # the backstop: stdout and atomic writes already name their file
        where = f"{exc.filename}: " if exc.filename else ""
        sys.stderr.write(f"hipaacheck: error: {one_line(where)}{one_line(exc.strerror or exc)}\n")
        return EXIT_INPUT


def flush_stdout() -> None:
    """Flush stdout now, so a full disk or a closed pipe under it is an error of this run, not of exit."""
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        raise
    except OSError as exc:
        raise InputError("<stdout>", f"cannot write ({exc.strerror or exc})") from None


def run() -> None:
    """The console script. It ends the process with ``os._exit`` once the exit handlers ran (as mypy
    does): interpreter teardown would otherwise free a big scan's objects one by one."""
    import atexit
    import os

    code = main(process_ends=True)
    try:
        sys.stdout.flush()
    except OSError:  # already reported: what stdout could not take goes nowhere, so exit adds no traceback
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        code = code or EXIT_INPUT
    atexit._run_exitfuncs()  # the content cache and logging flush themselves here, as at a normal exit
    try:
        sys.stderr.flush()
    except OSError:
        pass
    os._exit(code)
