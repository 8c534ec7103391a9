"""What of a host's configuration may leave the collector: allow-lists, not deny-lists.

A collector keeps the fields its checks read. Where a value is free text written by the host's
owner (module arguments, sudoers Defaults, mount options, forwarding targets), only values known to
be policy settings are kept; the rest keep their name and lose their value, and URLs lose their
userinfo. Messages name a keyword only through :func:`keyword`, never quote a line.
"""
from __future__ import annotations

import re

REDACTED = "<redacted>"
_KEYWORD = re.compile(r"[A-Za-z_][A-Za-z0-9_.+-]{0,39}")
_USERINFO = re.compile(r"^((?:[A-Za-z][A-Za-z0-9+.-]*:)?//)?[^/@\s]*@")
_FLAG = re.compile(r"[a-z][a-z0-9_-]{0,39}")
_VALUE = re.compile(r"[A-Za-z0-9_./-]{0,64}")  # no "@" or ":": no userinfo, no URL

# PAM module arguments whose values are policy numbers or names the checks (or a policy) read.
PAM_VALUE_ARGS = frozenset({
    "deny", "unlock_time", "root_unlock_time", "fail_interval", "admin_group", "dir", "audit", "silent",
    "minlen", "minclass", "dcredit", "ucredit", "lcredit", "ocredit", "difok", "maxrepeat", "maxsequence",
    "maxclassrepeat", "dictcheck", "usercheck", "retry", "enforce_for_root", "local_users_only", "remember",
    "rounds", "type", "authtok_type", "minimum_uid", "maximum_uid", "debug", "umask", "skel", "onerr", "file",
    "item", "sense", "authfail", "preauth", "authsucc", "even_deny_root", "conf", "revoke", "close", "open",
})


def keyword(text: str) -> str:
    """``text`` if it looks like a configuration keyword (letters, digits, ``_.+-``, at most 40), else ``''``.

    The only piece of file content a message may name: a line, a value or a word of binary garbage
    could be a password hash or a key.
    """
    return text if _KEYWORD.fullmatch(text) else ""


def quoted(text: str) -> str:
    """`` 'Foo'`` (with its leading space) for a clean keyword, ``''`` for anything else: for messages."""
    clean = keyword(text)
    return f" {clean!r}" if clean else ""


def strip_userinfo(target: str) -> str:
    """A host, ``host:port`` or URL without its ``user:password@`` part."""
    return _USERINFO.sub(lambda m: m.group(1) or "", target, count=1)


def pam_arg(arg: str) -> str:
    """A PAM module argument as kept: a flag, a known policy ``key=value``, else ``key=<redacted>``.

    Arguments are free text (``bindpw=``, ``uri=ldaps://user:pw@host``, a script's token), so only
    the known ones keep their value.
    """
    name, eq, value = arg.partition("=")
    if not eq:
        return arg if _FLAG.fullmatch(arg) else REDACTED
    if not _FLAG.fullmatch(name):
        return REDACTED
    return arg if name in PAM_VALUE_ARGS and _VALUE.fullmatch(value) else f"{name}={REDACTED}"



def pam_args(args: list[str]) -> list[str]:
    """A PAM line's arguments as kept (:func:`pam_arg`); from a command on (``pam_exec.so /usr/bin/hook``),
    every word is that command's, so each is ``<redacted>`` whatever it looks like."""
    kept: list[str] = []
    for index, arg in enumerate(args):
        if arg.startswith("/"):
            return kept + [REDACTED] * (len(args) - index)
        kept.append(pam_arg(arg))
    return kept
