"""sshd_config as sshd reads it: case-insensitive keywords, first value wins, Includes in place.

``Include`` (globs resolved inside the root, relative to /etc/ssh) is read where
it appears, before later lines of the including file. Settings under ``Match``
are kept apart from the global ones: they only apply to some connections. Each
global setting records the file and line that set it, for SARIF locations.
"""
from __future__ import annotations

import re
import shlex
from typing import Any

from ...model import Resource
from .expansion import ExpansionBudget
from .registry import host_collector
from .files import HostContext
from .pam import pam_stacks
from .parsing import fill_resource
from .redaction import REDACTED, quoted

MAIN = "/etc/ssh/sshd_config"
SSHD_BINARIES = ("/usr/sbin/sshd", "/usr/bin/sshd")
MAX_INCLUDE_DEPTH = 16
# Keywords sshd accumulates over several lines instead of keeping the first.
MULTI = {"hostkey", "hostcertificate", "listenaddress", "port", "acceptenv", "allowusers", "denyusers",
         "allowgroups", "denygroups", "subsystem", "setenv", "include"}
INTEGERS = {"maxauthtries", "clientalivecountmax", "maxsessions"}
TIMES = {"clientaliveinterval", "logingracetime"}
CASE_FOLDED = {"permitrootlogin", "passwordauthentication", "kbdinteractiveauthentication", "usepam",
               "challengeresponseauthentication", "permitemptypasswords", "pubkeyauthentication",
               "hostbasedauthentication", "ignorerhosts", "gssapiauthentication", "x11forwarding"}
# Old spellings sshd still accepts as the same option: whichever appears first wins.
ALIASES = {"challengeresponseauthentication": "kbdinteractiveauthentication"}
# Every keyword sshd accepts (OpenSSH 9.x servconf.c, with its deprecated and unsupported ones, which it
# ignores, and common vendor patches): any other word makes sshd refuse to start, so such a file is no
# configuration to read defaults from.
KEYWORDS = frozenset("""
acceptenv addressfamily afstokenpassing allowagentforwarding allowgroups allowstreamlocalforwarding
allowtcpforwarding allowusers authenticationmethods authorizedkeyscommand authorizedkeyscommanduser
authorizedkeysfile authorizedkeysfile2 authorizedprincipalscommand authorizedprincipalscommanduser
authorizedprincipalsfile banner casignaturealgorithms challengeresponseauthentication channeltimeout checkmail
chrootdirectory ciphers clientalivecountmax clientaliveinterval compression debianbanner denygroups denyusers
disableforwarding dsaauthentication exposeauthinfo fingerprinthash forcecommand gatewayports
gssapiauthentication gssapicleanupcredentials gssapienablek5users gssapikexalgorithms gssapikeyexchange
gssapistorecredentialsonrekey gssapistrictacceptorcheck hostbasedacceptedalgorithms hostbasedacceptedkeytypes
hostbasedauthentication hostbasedusesnamefrompacketonly hostcertificate hostdsakey hostkey hostkeyagent
hostkeyalgorithms ignorerhosts ignoreuserknownhosts include ipqos kbdinteractiveauthentication
kerberosauthentication kerberosgetafstoken kerberosorlocalpasswd kerberosticketcleanup kerberostgtpassing
kerberosusekuserok keepalive kexalgorithms keyregenerationinterval listenaddress logingracetime loglevel
logverbose macs match maxauthtries maxsessions maxstartups modulifile pamauthenticationviakbdint
pamservicename passwordauthentication permitemptypasswords permitlisten permitopen permitrootlogin
permittty permittunnel permituserenvironment permituserrc persourcemaxstartups persourcenetblocksize
persourcepenalties persourcepenaltyexemptlist pidfile port printlastlog printmotd protocol
pubkeyacceptedalgorithms pubkeyacceptedkeytypes pubkeyauthentication pubkeyauthoptions rdomain rekeylimit
refuseconnection requiredrsasize revokedkeys rhostsauthentication rhostsrsaauthentication rsaauthentication
securitykeyprovider serverkeybits setenv showpatchlevel skeyauthentication sshdauthpath sshdsessionpath
streamlocalbindmask streamlocalbindunlink strictmodes subsystem syslogfacility tcpkeepalive
trustedusercakeys unusedconnectiontimeout usedns useblacklist useblocklist uselogin usepam
useprivilegeseparation verifyreversemapping reversemappingcheck versionaddendum x11displayoffset
x11forwarding x11maxdisplays x11uselocalhost xauthlocation
""".split())
# Free-text values that may carry credentials: SetEnv keeps variable names, commands their program only.
NAMES_ONLY = {"setenv"}
PROGRAM_ONLY = {"authorizedkeyscommand", "authorizedprincipalscommand", "forcecommand"}
_TIME = re.compile(r"(\d+)([sSmMhHdDwW]?)")
_TIME_UNITS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


def convtime(text: str) -> int:
    """sshd's time format: ``300``, ``5m``, ``1h30m`` → seconds."""
    total, position = 0, 0
    for match in _TIME.finditer(text):
        if match.start() != position:
            break
        total += int(match.group(1)) * _TIME_UNITS[match.group(2).lower()]
        position = match.end()
    if position == 0 or position != len(text):
        raise ValueError("invalid time value")
    return total


def _words(line: str, where: str) -> tuple[str, list[str]]:
    """(keyword, arguments) of one line; a ValueError naming at most a sanitised keyword, never the line."""
    word = re.match(r"[^\s=]*", line).group(0)  # type: ignore[union-attr]  # always matches
    if word.lower() not in KEYWORDS:
        raise ValueError(f"{where}: unknown keyword{quoted(word)}: sshd would refuse this file")
    match = re.match(r"^([A-Za-z0-9]+)\s*(?:=\s*|\s+)(.*)$", line)
    if not match:
        raise ValueError(f"{where}: missing argument for{quoted(word)}")
    try:
        args = shlex.split(match.group(2), comments=False, posix=True)
    except ValueError as exc:
        raise ValueError(f"{where}: {exc}") from None
    # Since OpenSSH 8.7 a word starting with '#' ends the line: "ClientAliveInterval 300 # five minutes".
    args = next((args[:i] for i, arg in enumerate(args) if arg.startswith("#")), args)
    if not args:
        raise ValueError(f"{where}: missing argument for{quoted(word)}")
    keyword = match.group(1).lower()
    return ALIASES.get(keyword, keyword), args


def _value(keyword: str, args: list[str], where: str) -> Any:
    text = " ".join(args)
    try:
        if keyword in INTEGERS:
            return int(text)
        if keyword in TIMES:
            return convtime(text)
    except ValueError:
        raise ValueError(f"{where}: {keyword} needs a number") from None
    if keyword in NAMES_ONLY:
        return " ".join(f"{arg.partition('=')[0]}={REDACTED}" for arg in args)
    if keyword in PROGRAM_ONLY:
        return args[0] if len(args) == 1 else f"{args[0]} {REDACTED}"
    return text.lower() if keyword in CASE_FOLDED else text


class SshdConfig:
    """Accumulates settings while files are read in sshd's order."""

    def __init__(self, ctx: HostContext) -> None:
        self.ctx = ctx
        self.settings: dict[str, Any] = {}
        self.locations: dict[str, dict[str, Any]] = {}
        self.match_blocks: list[dict[str, Any]] = []
        self.files: list[str] = []
        self.budget = ExpansionBudget("sshd_config Include", MAX_INCLUDE_DEPTH)

    def _set(self, target: dict[str, Any], keyword: str, value: Any, location: dict[str, Any] | None) -> None:
        if keyword in MULTI:
            target.setdefault(keyword, []).append(value)
        elif keyword not in target:
            target[keyword] = value
            if location is not None:
                self.locations[keyword] = location

    def read_file(self, path: str, match: dict[str, Any] | None = None, depth: int = 0) -> None:
        self.budget.enter(path, depth)
        read = self.ctx.read(path)
        if read.error:
            raise ValueError(f"{path}: {read.error}")
        if not read.exists:
            raise ValueError(f"{path}: missing")
        self.files.append(path)
        for number, raw in enumerate((read.text or "").splitlines(), start=1):
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            where = f"{path}:{number}"
            keyword, args = _words(line, where)
            if keyword == "match":
                match = {"criteria": " ".join(args), "path": path, "line": number, "settings": {}}
                self.match_blocks.append(match)
                continue
            if keyword == "include":
                self.include(args, match, depth, where)
                continue
            value = _value(keyword, args, where)
            if match is None:
                self._set(self.settings, keyword, value, {"path": path, "line": number})
            else:
                self._set(match["settings"], keyword, value, None)

    def include(self, patterns: list[str], match: dict[str, Any] | None, depth: int, where: str) -> None:
        for pattern in patterns:
            if not pattern.startswith("/"):
                pattern = f"/etc/ssh/{pattern}"
            for path in self.ctx.glob(pattern):  # sorted, as glob(3); no match is not an error
                self.read_file(path, match, depth + 1)  # a Match inside ends with its file


def _sshd_pam_auth(ctx: HostContext) -> dict[str, Any]:
    """The sshd PAM auth stack (modules only), for second-factor checks."""
    if not ctx.exists("/etc/pam.d/sshd"):
        return {"auth": []}
    try:
        stack = pam_stacks(ctx).stack("sshd", "auth")
    except ValueError as exc:
        return {"error": str(exc)}
    return {"auth": [{k: e[k] for k in ("control", "module", "args", "path", "line")} for e in stack]}


@host_collector("host.sshd")
def collect(ctx: HostContext) -> list[Resource]:
    installed = any(ctx.exists(path) for path in SSHD_BINARIES)
    resource = Resource(type="host.sshd", id=MAIN,
                        attributes={"present": ctx.exists(MAIN), "installed": installed})
    pam = _sshd_pam_auth(ctx)
    if "error" in pam:
        resource.unreadable["pam_auth"] = pam["error"]
    else:
        resource.attributes["pam_auth"] = pam["auth"]
    if not resource.attributes["present"]:
        resource.attributes.update(settings={}, locations={}, match_blocks=[], files=[])
        return [resource]
    config = SshdConfig(ctx)

    def read() -> dict[str, Any]:
        config.read_file(MAIN)
        return {"settings": config.settings, "locations": config.locations, "match_blocks": config.match_blocks,
                "files": config.files}

    return [fill_resource(resource, read)]
