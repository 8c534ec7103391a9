"""PAM stacks (/etc/pam.d/*): type, control, module and arguments, with includes expanded.

``include``/``substack`` pull in the named service's lines of the same type and
Debian's ``@include`` pulls in all of them, so each service's stack is what
libpam actually runs, and each entry records the file and line it came from.
"""
from __future__ import annotations

from pathlib import PurePosixPath
from typing import Any, Callable

from ...model import Resource
from .registry import host_collector
from .expansion import ExpansionBudget
from .files import FileRead, HostContext
from .parsing import continued_lines
from .redaction import pam_args, quoted

PAM_DIR = "/etc/pam.d"
TYPES = {"auth", "account", "password", "session"}
MAX_DEPTH = 10
MAX_EXPANSIONS = 5000


def _split_control(rest: str, where: str) -> tuple[str, str]:
    if rest.startswith("["):
        end = rest.find("]")
        if end < 0:
            raise ValueError(f"{where}: unclosed '[' in control field")
        return rest[: end + 1], rest[end + 1:].strip()
    parts = rest.split(None, 1)
    return parts[0], (parts[1] if len(parts) > 1 else "")


def parse_pam(text: str, path: str) -> list[dict[str, Any]]:
    """Raw lines of one PAM file: {type, control, module, args, path, line} or {include, path, line}."""
    entries: list[dict[str, Any]] = []
    for number, raw in continued_lines(text):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        where = f"{path}:{number}"
        if line.startswith("@include"):
            parts = line.split()
            if len(parts) != 2:
                raise ValueError(f"{where}: @include needs one service name")
            entries.append({"include": parts[1], "type": None, "path": path, "line": number})
            continue
        first, *tail = line.split(None, 1)
        rest = tail[0] if tail else ""
        pam_type = first.lstrip("-").lower()
        if pam_type not in TYPES:
            raise ValueError(f"{where}: unknown PAM type{quoted(first)}")
        control, rest = _split_control(rest.strip(), where)
        words = rest.split()
        if not control or not words:
            raise ValueError(f"{where}: expected 'type control module [args]'")
        if control in ("include", "substack"):
            entries.append({"include": words[0], "type": pam_type, "control": control, "path": path, "line": number})
            continue
        entries.append({"type": pam_type, "control": control, "module": PurePosixPath(words[0]).name,
                        "args": pam_args(words[1:]), "path": path, "line": number})
    return entries


class PamStacks:
    """Expands services lazily; remembers which files could not be read."""

    def __init__(self, read: Callable[[str], FileRead]) -> None:
        self._read = read
        self._raw: dict[str, list[dict[str, Any]] | str] = {}  # service → entries, or an error reason
        self._expanded: dict[tuple[str, str | None], list[dict[str, Any]] | str] = {}  # the same, expanded
        # One budget for every stack this reader expands: a service runs a few includes, a host has ~100 services.
        self.budget = ExpansionBudget("PAM include", MAX_DEPTH, max_files=MAX_EXPANSIONS)

    def raw(self, service: str) -> list[dict[str, Any]]:
        if service not in self._raw:
            read = self._read(f"{PAM_DIR}/{service}")
            if not read.exists:
                self._raw[service] = f"{read.path}: missing"
            elif read.error:
                self._raw[service] = f"{read.path}: {read.error}"
            else:
                try:
                    self._raw[service] = parse_pam(read.text or "", read.path)
                except ValueError as exc:
                    self._raw[service] = f"parse error: {exc}"
        value = self._raw[service]
        if isinstance(value, str):
            raise ValueError(value)
        return value

    def stack(self, service: str, only_type: str | None = None) -> list[dict[str, Any]]:
        """The expanded entries of ``service`` (of ``only_type`` if given), expanded once (treat them as
        read-only); ValueError if unreadable."""
        key = (service, only_type)
        if key not in self._expanded:
            try:
                self._expanded[key] = self._expand(service, only_type, 0)
            except ValueError as exc:
                self._expanded[key] = str(exc)
        value = self._expanded[key]
        if isinstance(value, str):
            raise ValueError(value)
        return value

    def _expand(self, service: str, only_type: str | None, depth: int) -> list[dict[str, Any]]:
        self.budget.enter(f"{PAM_DIR}/{service}", depth)
        out: list[dict[str, Any]] = []
        for entry in self.raw(service):
            if only_type and entry["type"] not in (None, only_type):
                continue
            if "include" in entry:
                out.extend(self._expand(entry["include"], entry["type"] or only_type, depth + 1))
            else:
                out.append(entry)
        return out


def pam_stacks(ctx: HostContext) -> PamStacks:
    """The host's PAM stacks, read and expanded once for every collector that looks at them."""
    return ctx.memo("pam_stacks", lambda: PamStacks(ctx.read))


@host_collector("host.pam")
def collect(ctx: HostContext) -> list[Resource]:
    resource = Resource(type="host.pam", id=PAM_DIR, attributes={"present": ctx.exists(PAM_DIR), "services": {}})
    stacks = pam_stacks(ctx)
    for path in ctx.glob(f"{PAM_DIR}/*"):
        service = PurePosixPath(path).name
        try:
            resource.attributes["services"][service] = stacks.stack(service)
        except ValueError as exc:
            resource.unreadable[f"services.{service}"] = str(exc)
    return [resource]


def module_entries(ctx: HostContext, module: str, pam_types: tuple[str, ...]) -> list[dict[str, Any]]:
    """Every line of ``pam_types`` using ``module`` in any service's expanded stack, once per file:line,
    with ``services``: every service whose stack runs it (``service``: the first of them).

    Raises ValueError if a stack could not be read: a lockout or password
    setting in it might be the one that applies.
    """
    stacks = pam_stacks(ctx)
    seen: dict[tuple[str, int], dict[str, Any]] = {}
    for path in ctx.glob(f"{PAM_DIR}/*"):
        service = PurePosixPath(path).name
        for entry in stacks.stack(service):  # expanded once, whatever the types asked for
            if entry["module"] == module and entry["type"] in pam_types:
                kept = seen.setdefault((entry["path"], entry["line"]), {**entry, "service": service,
                                                                        "services": []})
                if service not in kept["services"]:
                    kept["services"].append(service)
    return [seen[key] for key in sorted(seen)]


def module_arg_settings(entries: list[dict[str, Any]], integers: set[str]) -> dict[str, dict[str, Any]]:
    """``key=value`` module arguments (they override the module's config file): {key: {value, path, line}}."""
    settings: dict[str, dict[str, Any]] = {}
    for entry in entries:
        for arg in entry["args"]:
            key, eq, value = arg.partition("=")
            if eq and key in integers:
                try:
                    settings[key] = {"value": int(value), "path": entry["path"], "line": entry["line"]}
                except ValueError:
                    raise ValueError(f"{entry['path']}:{entry['line']}: {key} needs a whole number") from None
    return settings
