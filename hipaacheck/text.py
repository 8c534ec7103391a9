"""Text bound for a terminal, a log line or a one-line report cell: control characters escaped.

Names and values come from scanned images, checkouts and bundles someone else made. An ESC
sequence in a file name would retitle or clear the terminal, a newline in a waiver id would
forge a whole log line, and bidirectional overrides reorder what a reviewer reads. Each such
character is shown as its Python escape (``\\x1b``, ``\\n``, ``\\u202e``) instead.
"""
from __future__ import annotations

import re

# C0 controls (tab and newline too: the output is one line), DEL, C1 controls, the Unicode
# line and paragraph separators, and the bidirectional embeddings, overrides and isolates.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def _escape(match: re.Match[str]) -> str:
    char = match.group(0)
    return {"\n": "\\n", "\r": "\\r", "\t": "\\t"}.get(char) or (
        f"\\x{ord(char):02x}" if ord(char) < 0x100 else f"\\u{ord(char):04x}")


def one_line(text: object) -> str:
    """``text`` with every control character escaped: safe to print on one terminal or log line."""
    value = text if isinstance(text, str) else str(text)
    return _CONTROL.sub(_escape, value) if _CONTROL.search(value) else value
