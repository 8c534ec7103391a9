"""Control characters from scanned images, checkouts and bundles never reach a terminal or log raw."""
from __future__ import annotations

import io
import logging

from assertions import input_error

from hipaacheck.formats.markdown import MarkdownFormat
from hipaacheck.formats.table import TableFormat
from hipaacheck.logsetup import ConsoleFormatter, RedactingFormatter
from hipaacheck.model import Finding
from hipaacheck.results import Results
from hipaacheck.text import one_line

TITLE = "\x1b]0;owned\x07"  # sets the terminal title
CLEAR = "\x1b[2J\x1b[H"  # clears the screen
BIDI = "\u202e"  # right-to-left override: reorders what a reviewer reads
RAW = ("\x1b", "\x07", "\u202e", "\x9b")


def hostile_results() -> Results:
    resource = {"type": "host.file", "id": f"/etc/{TITLE}cron", "account": f"host:{CLEAR}web", "region": TITLE}
    finding = Finding("host.files.x", "files", "fail", "high", resource,
                      ["164.312(b)"], f"mode of /srv/{CLEAR}x{BIDI}fdp.exe\x9b31m is 0777")
    return Results(findings=[finding], run={}, controls={})


def rendered(fmt) -> str:
    out = io.BytesIO()
    fmt.write(hostile_results(), out)
    return out.getvalue().decode("utf-8")


def test_one_line_escapes_controls_and_keeps_the_rest():
    assert one_line("a\nb\tc\x1b[0m\u202ed\x7f") == "a\\nb\\tc\\x1b[0m\\u202ed\\x7f"
    assert one_line("plain text, é and 漢字") == "plain text, é and 漢字"


def test_table_and_markdown_show_escapes_not_raw_sequences():
    for text in (rendered(TableFormat()), rendered(MarkdownFormat())):
        assert not any(char in text for char in RAW), text
        assert "\\x1b]0;owned\\x07" in text and "\\u202e" in text


def test_a_log_record_is_one_line():
    record = logging.LogRecord("hipaacheck.posture", logging.WARNING, __file__, 1,
                               "stale waiver at %s: %s", ("w.yaml:3", "host.x\nforged line\x1b[2J"), None)
    for formatter in (RedactingFormatter("%(levelname)s %(message)s"), ConsoleFormatter()):
        line = formatter.format(record)
        assert "\n" not in line and "\x1b" not in line and "host.x\\nforged line\\x1b[2J" in line


def test_error_lines_escape_a_crafted_file_name(cli, tmp_path):
    name = tmp_path / f"results{CLEAR}.json"
    result = cli("report", name)
    assert "\x1b" not in input_error(result, "\\x1b[2J")
