"""``.hipaacheck.yaml`` (or ``--config FILE``): scan options kept in a file.

Keys are the scan command's long option names, with dashes or underscores
(``fail-on: high``, ``output_dir: out``). The file's values become the scan
parser's defaults before parsing, so the command line always wins. Relative
paths are taken relative to the config file's folder.

Every long option of every command may also come from the environment as ``HIPAACHECK_<OPTION>``
(``HIPAACHECK_FAIL_ON=high``, ``HIPAACHECK_SOFT_FAIL=true``; a list option's values separated by the path
separator, ``:``). Precedence: the command line, then the environment, then the config file.
``HIPAACHECK_CONFIG`` names a config file as ``--config`` does.

A ``.hipaacheck.yaml`` found in the working folder is the checkout's, not the
operator's: a scan of an untrusted checkout (a pull request in CI) must not run
its code, write outside it or read the scanning machine's files. So a found file
(unlike one named with ``--config``) may not set ``checks-dir`` (imports Python),
``log-file`` (appends to a file of its choosing) or ``endpoint-url`` (decides
which server answers for AWS), every path it names must resolve inside its own
folder, and it must itself be a file of that folder, not a link out of it.
"""
from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Any, Mapping, Sequence

from ..errors import InputError

CONFIG_NAME = ".hipaacheck.yaml"
COMMANDS = ("scan",)
NOT_IN_FILE = {"help", "config"}
# Refused from a config file that was found, not named: why each would let a checkout reach past itself.
NOT_FROM_FOUND = {"checks_dir": "loads Python code",
                  "log_file": "appends to a file anywhere",
                  "endpoint_url": "decides which server answers for AWS"}
ENV_PREFIX = "HIPAACHECK_"
TRUE, FALSE = ("1", "true", "yes", "on"), ("0", "false", "no", "off", "")


def subparser(parser: argparse.ArgumentParser, name: str) -> argparse.ArgumentParser | None:
    for action in parser._actions:  # argparse keeps subparsers only here
        if isinstance(action, argparse._SubParsersAction):
            return action.choices.get(name)
    return None


def _command(argv: Sequence[str]) -> tuple[str | None, list[str]]:
    for index, token in enumerate(argv):
        if not token.startswith("-"):
            return token, list(argv[index + 1:])
    return None, []


def find_config(argv: Sequence[str], cwd: Path | None = None, env: Mapping[str, str] | None = None) -> Path | None:
    """``--config FILE`` from the command's arguments, else ``$HIPAACHECK_CONFIG``, else ``.hipaacheck.yaml``
    in ``cwd`` if present."""
    _, rest = _command(argv)
    for index, token in enumerate(rest):
        if token == "--":
            break
        if token == "--config":
            if index + 1 >= len(rest):
                raise InputError("--config", "expected a file name")
            return Path(rest[index + 1])
        if token.startswith("--config="):
            return Path(token.split("=", 1)[1])
    named = (os.environ if env is None else env).get(ENV_PREFIX + "CONFIG")
    if named:
        return Path(named)
    default = (cwd or Path.cwd()) / CONFIG_NAME
    return default if default.is_file() else None


def _options(parser: argparse.ArgumentParser) -> dict[str, argparse.Action]:
    out = {}
    for action in parser._actions:
        for option in action.option_strings:
            if option.startswith("--") and action.dest not in NOT_IN_FILE:
                out[option[2:].replace("-", "_")] = action
    return out


def _convert(action: argparse.Action, value: Any, base: Path, where: str, key: str) -> Any:
    if isinstance(action, (argparse._StoreTrueAction, argparse._StoreFalseAction)):
        if not isinstance(value, bool):
            raise InputError(where, f"{key}: expected true or false, got {value!r}")
        return value
    if isinstance(action, argparse._AppendAction):
        values = value if isinstance(value, list) else [value]
        return [_scalar(action, v, base, where, key) for v in values]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        value = ",".join(value)  # format: [json, sarif] is the same as "json,sarif"
    return _scalar(action, value, base, where, key)


def _scalar(action: argparse.Action, value: Any, base: Path, where: str, key: str) -> Any:
    if isinstance(value, (dict, list)) or value is None:
        raise InputError(where, f"{key}: expected a single value, got {value!r}")
    kind = action.type
    try:
        if kind is Path:
            value = Path(str(value)).expanduser()
            value = value if value.is_absolute() else base / value
        elif kind in (int, float):
            if isinstance(value, bool) or not isinstance(value, (int, float, str)):
                raise ValueError
            value = kind(value)
        elif callable(kind):
            value = kind(str(value))
        else:
            value = str(value)
    except (TypeError, ValueError):
        raise InputError(where, f"{key}: invalid value {value!r}") from None
    except argparse.ArgumentTypeError as exc:  # the option's own type says why (positive_seconds...)
        raise InputError(where, f"{key}: {exc}") from None
    if action.choices is not None and value not in action.choices:
        raise InputError(where, f"{key}: {value!r} is not one of {', '.join(map(str, action.choices))}")
    return value


def load_config(path: Path, parser: argparse.ArgumentParser, discovered: bool = False) -> dict[str, Any]:
    """Parse a config file into ``{dest: value}`` for ``parser.set_defaults``."""
    from ..yamlio import LineDict, load_yaml

    data = load_yaml(path)
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise InputError(f"{path}:{getattr(data, 'line', 1)}", "expected a mapping of option: value")
    options = _options(parser)
    defaults: dict[str, Any] = {}
    for key, value in data.items():
        line = data.key_lines.get(key) if isinstance(data, LineDict) else None
        where = f"{path}:{line}" if line else str(path)
        action = options.get(str(key).replace("-", "_"))
        if action is None:
            raise InputError(where, f"unknown option {key!r} (keys are scan's long options, e.g. fail-on)")
        if discovered and action.dest in NOT_FROM_FOUND:
            raise InputError(where, f"{key} {NOT_FROM_FOUND[action.dest]}, so a {CONFIG_NAME} found in the working "
                                    "folder may not set it: pass it on the command line or name this file with "
                                    "--config")
        converted = _convert(action, value, path.parent.resolve(), where, str(key))
        if discovered:
            _inside_folder(action, converted, path.parent.resolve(), where, str(key))
        defaults[action.dest] = converted
    return defaults


def _inside_folder(action: argparse.Action, value: Any, folder: Path, where: str, key: str) -> None:
    """A found config names paths inside its folder only, links followed (``~``, ``..``, absolute paths
    and links out of the checkout are refused). ``profile`` is a path when it looks like one."""
    values = value if isinstance(value, list) else [value]
    for item in values:
        if action.dest == "profile" and isinstance(item, str) and (item.endswith((".yaml", ".yml")) or "/" in item):
            item = folder / item
        if isinstance(item, Path) and not item.resolve().is_relative_to(folder):
            raise InputError(where, f"{key}: {str(item)!r} is outside this file's folder {folder}, so a "
                                    f"{CONFIG_NAME} found in the working folder may not name it: pass it on the "
                                    "command line or name this file with --config")


def apply_config(parser: argparse.ArgumentParser, argv: Sequence[str], cwd: Path | None = None) -> Path | None:
    """Turn the config file into defaults of the command's subparser; returns the file used."""
    command, _ = _command(argv)
    if command not in COMMANDS:
        return None
    sub = subparser(parser, command)
    path = find_config(argv, cwd)
    if sub is None or path is None:
        return None
    if not path.is_file():
        raise InputError(str(path), "--config: file not found")
    named = any(token == "--config" or token.startswith("--config=") for token in argv)
    named = named or bool(os.environ.get(ENV_PREFIX + "CONFIG"))
    if not named and not path.resolve().is_relative_to(path.parent.resolve()):
        raise InputError(str(path), f"a {CONFIG_NAME} found in the working folder must be a file of that folder, "
                                    "not a link out of it: name the file it leads to with --config")
    sub.set_defaults(**load_config(path, sub, discovered=not named))
    return path


def env_defaults(parser: argparse.ArgumentParser, env: Mapping[str, str]) -> dict[str, Any]:
    """``{dest: value}`` from the ``HIPAACHECK_<OPTION>`` variables naming ``parser``'s long options."""
    defaults: dict[str, Any] = {}
    for key, action in _options(parser).items():
        name = ENV_PREFIX + key.upper()
        if name not in env:
            continue
        raw: Any = env[name]
        if isinstance(action, (argparse._StoreTrueAction, argparse._StoreFalseAction)):
            word = raw.strip().lower()
            if word not in TRUE + FALSE:
                raise InputError("environment", f"{name}: expected true or false, got {raw!r}")
            raw = word in TRUE
        elif isinstance(action, argparse._AppendAction):
            raw = [part for part in raw.split(os.pathsep) if part]
        defaults[action.dest] = _convert(action, raw, Path.cwd(), "environment", name)
    return defaults


def apply_env(parser: argparse.ArgumentParser, argv: Sequence[str], env: Mapping[str, str] | None = None) -> None:
    """Turn ``HIPAACHECK_<OPTION>`` variables into defaults of the command's subparser (and of its action's,
    for ``controls list``...), over those a config file set: the command line still wins."""
    env = os.environ if env is None else env
    if not any(name.startswith(ENV_PREFIX) for name in env):
        return
    command, rest = _command(argv)
    sub = subparser(parser, command) if command else None
    while sub is not None:
        sub.set_defaults(**env_defaults(sub, env))
        action, rest = _command(rest)
        sub = subparser(sub, action) if action else None
