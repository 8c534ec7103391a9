"""Logging for the CLI: stdlib ``logging`` with a formatter that redacts secrets.

Every line (including exception text) passes through :func:`redact`, so a
secret in a command line, a botocore debug dump or an error message never
reaches stderr or the log file.
"""
from __future__ import annotations

import logging
import re
import sys
from pathlib import Path

from .text import one_line

REDACTED = "<redacted>"
_SECRET_FLAG = re.compile(r"(--(?:external-id|sign-key|sign-key-passphrase)(?:=|\s+))(\S+)")
_KEY_VALUE = re.compile(
    r"(?i)((?:aws_secret_access_key|secret_?access_?key|aws_session_token|session_?token|x-amz-security-token"
    r"|x-amz-credential|authorization|password|passwd|passphrase|private_?key|client_?secret|api_?key)"
    r"['\"]?\s*[:=]\s*b?['\"]?)([^'\"\s,;}]+(?: [^'\"\s,;}]+)*)")
_AUTH_HEADER = re.compile(r"(?i)(authorization['\"]?\s*[:=]\s*b?['\"]?)([^'\"\n]+)")  # whole header value
_ACCESS_KEY_ID = re.compile(r"\b(?:AKIA|ASIA)[A-Z0-9]{16}\b")
_BARE_SECRET = re.compile(r"(?<![A-Za-z0-9/+=])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])")
_PEM = re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----.*?(?:-----END [A-Z ]*PRIVATE KEY-----|$)", re.DOTALL)
_HANDLER_MARK = "_hipaacheck_handler"
# Loggers whose debug records carry request or response bodies (Lambda environment values, policy
# documents, signed headers): held at INFO whatever --log-level says, since redaction by pattern
# cannot know every secret a body may hold.
BODY_LOGGERS = ("botocore.parsers", "botocore.endpoint", "botocore.auth", "botocore.httpsession",
                "boto3.resources.action", "urllib3.connectionpool")


def _looks_like_secret_key(token: str) -> bool:
    """40 base64 characters mixing cases and digits (an AWS secret key), not a hex digest."""
    return (any(c.islower() for c in token) and any(c.isupper() for c in token)
            and any(c.isdigit() or c in "/+" for c in token))


def redact(text: str) -> str:
    text = _PEM.sub(REDACTED, text)
    text = _SECRET_FLAG.sub(lambda m: m.group(1) + REDACTED, text)
    text = _AUTH_HEADER.sub(lambda m: m.group(1) + REDACTED, text)
    text = _KEY_VALUE.sub(lambda m: m.group(1) + REDACTED, text)
    text = _ACCESS_KEY_ID.sub(REDACTED, text)
    return _BARE_SECRET.sub(lambda m: REDACTED if _looks_like_secret_key(m.group(0)) else m.group(0), text)


class RedactingFormatter(logging.Formatter):
    """Redacted, and one line: control characters (a newline in a waiver id, ESC from a file name) escaped."""

    def format(self, record: logging.LogRecord) -> str:
        return one_line(redact(super().format(record)))


class ConsoleFormatter(RedactingFormatter):
    """``hipaacheck: warning: ...``, like the CLI's own error lines."""

    def __init__(self) -> None:
        super().__init__("%(message)s")

    def format(self, record: logging.LogRecord) -> str:
        return one_line(redact(f"hipaacheck: {record.levelname.lower()}: {logging.Formatter.format(self, record)}"))


class LogFileHandler(logging.FileHandler):
    """The ``--log-file`` handler: a write that fails (a full disk) is remembered for the run's end,
    where it becomes one error line and exit 2, instead of logging's traceback on stderr per record."""

    failure: str | None = None

    def handleError(self, record: logging.LogRecord) -> None:  # noqa: N802 - logging's name
        if self.failure is None:
            exc = sys.exc_info()[1]
            self.failure = (getattr(exc, "strerror", None) or str(exc)) if exc else "write failed"

    def close(self) -> None:
        try:
            super().close()
        except OSError as exc:  # the last flush of a full disk
            self.failure = self.failure or exc.strerror or str(exc)


def setup_logging(level: str = "warning", log_file: Path | None = None, quiet: bool = False) -> None:
    """Route logs to stderr (warnings up, errors only with ``quiet``) and, if given, all of it to ``log_file``.

    Replaces the handlers an earlier call installed, so in-process runs do not stack them.
    """
    teardown_logging()
    root = logging.getLogger()
    wanted = getattr(logging, level.upper())
    console = logging.StreamHandler(sys.stderr)
    console.setLevel(max(wanted, logging.ERROR if quiet else logging.WARNING) if log_file else
                     max(wanted, logging.ERROR) if quiet else wanted)
    console.setFormatter(ConsoleFormatter())
    handlers: list[logging.Handler] = [console]
    if log_file:
        try:
            file_handler = LogFileHandler(log_file, encoding="utf-8")
        except OSError as exc:
            from .errors import InputError

            raise InputError(str(log_file), f"--log-file: cannot open ({exc.strerror})") from None
        file_handler.setLevel(wanted)
        file_handler.setFormatter(RedactingFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        handlers.append(file_handler)
    for handler in handlers:
        setattr(handler, _HANDLER_MARK, True)
        root.addHandler(handler)
    root.setLevel(wanted)
    for name in BODY_LOGGERS:
        logging.getLogger(name).setLevel(max(wanted, logging.INFO))


def log_file_failure() -> str | None:
    """Why the log file could not be written so far, if it could not."""
    handlers = [h for h in logging.getLogger().handlers if getattr(h, _HANDLER_MARK, False)]
    return next((h.failure for h in handlers if isinstance(h, LogFileHandler) and h.failure), None)


def teardown_logging() -> str | None:
    """Remove (and close) the handlers :func:`setup_logging` installed; returns why the log file could
    not be written, if it could not."""
    root = logging.getLogger()
    failure = None
    for handler in [h for h in root.handlers if getattr(h, _HANDLER_MARK, False)]:
        root.removeHandler(handler)
        handler.close()
        failure = failure or getattr(handler, "failure", None)
    return failure
