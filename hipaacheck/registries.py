"""One registry type for everything looked up by name: checks, collectors, sources.

A name may be registered once. Registering the same object again (a module imported twice under one
name) is a no-op; anything else is an :class:`~hipaacheck.errors.InputError` that names both places,
so two plugins that claim one check id, or two collectors of one resource type, fail loudly instead of
one silently replacing the other.
"""
from __future__ import annotations

from typing import Callable, Generic, Iterable, Iterator, TypeVar

from .errors import InputError

T = TypeVar("T")


class Registry(Generic[T]):
    """Name → entry, with where each entry was registered."""

    def __init__(self, kind: str, same: Callable[[T, T], bool] | None = None) -> None:
        self.kind = kind  # "check", "host collector", ... for messages
        self._entries: dict[str, T] = {}
        self._where: dict[str, str] = {}
        self._same = same or (lambda a, b: a is b)

    def register(self, name: str, entry: T, where: str) -> T:
        existing = self._entries.get(name)
        if existing is not None:
            if self._same(existing, entry):
                return existing
            raise InputError(where, f"{self.kind} {name!r} is already registered by {self._where[name]}")
        self._entries[name] = entry
        self._where[name] = where
        return entry

    def copy(self) -> Registry[T]:
        """An independent registry with the same entries (tests register into a copy)."""
        clone: Registry[T] = Registry(self.kind, self._same)
        clone._entries, clone._where = dict(self._entries), dict(self._where)
        return clone

    def get(self, name: str) -> T | None:
        return self._entries.get(name)

    def where(self, name: str) -> str | None:
        return self._where.get(name)

    def __getitem__(self, name: str) -> T:
        return self._entries[name]

    def __contains__(self, name: object) -> bool:
        return name in self._entries

    def __iter__(self) -> Iterator[str]:
        return iter(self._entries)

    def __len__(self) -> int:
        return len(self._entries)

    def values(self) -> list[T]:
        return list(self._entries.values())

    def items(self) -> list[tuple[str, T]]:
        """In registration order (sources keep their declared order on the command line)."""
        return list(self._entries.items())

    def names(self) -> list[str]:
        return sorted(self._entries)


def import_submodules(package: str, skip: Iterable[str]) -> None:
    """Import every module of ``package`` but ``skip`` and ``_private`` ones, so their decorators register."""
    import importlib
    import pkgutil

    skipped = set(skip)
    for module in pkgutil.iter_modules(importlib.import_module(package).__path__):
        if module.name not in skipped and not module.name.startswith("_"):
            importlib.import_module(f"{package}.{module.name}")


def _identity(entry: object) -> tuple[object, object]:
    function = getattr(entry, "function", entry)
    code = getattr(function, "__code__", None)
    return (getattr(code, "co_filename", None), getattr(function, "__qualname__", None))


def same_function(a: object, b: object) -> bool:
    """Two registrations of one function (same file and qualified name): a module imported twice,
    possibly under two module names, is not a clash."""
    return _identity(a) == _identity(b)


def function_origin(function: object) -> str:
    """``module.qualname`` of a registered function, for duplicate messages."""
    return f"{getattr(function, '__module__', '?')}.{getattr(function, '__qualname__', '?')}"
