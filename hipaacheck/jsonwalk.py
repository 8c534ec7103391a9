"""Walking JSON text one member at a time, for readers that must not build a whole document at once."""
from __future__ import annotations

import json
import re
from typing import Any, Iterator

WHITESPACE = re.compile(r"[ \t\n\r]*")  # what json skips between tokens
_DECODER = json.JSONDecoder()
_scanstring = json.decoder.scanstring  # type: ignore[attr-defined]


class JsonWalker:
    """A place in JSON ``text``, always on a token (or the end). Text that is not JSON raises
    :class:`ValueError` (or :class:`IndexError` where it ends too soon), as ``json`` would refuse it."""

    def __init__(self, text: str, pos: int = 0) -> None:
        self.text = text
        self.pos = WHITESPACE.match(text, pos).end()  # type: ignore[union-attr]

    def members(self) -> Iterator[str | int]:
        """The key (of an object) or index (of an array) of each member of the container here.

        At each one :attr:`pos` is on the member's value, which the caller must read with :meth:`value`
        (or :meth:`skip`) before asking for the next; afterwards :attr:`pos` is past the container.
        """
        text, space = self.text, WHITESPACE.match
        opener = text[self.pos]
        if opener not in "{[":
            raise ValueError(f"expected an object or array at {self.pos}")
        closer = "}" if opener == "{" else "]"
        pos = space(text, self.pos + 1).end()  # type: ignore[union-attr]
        index = 0
        while text[pos] != closer or index:  # after a comma, a closer is a trailing comma: value() refuses it
            if opener == "{":
                if text[pos] != '"':
                    raise ValueError(f"expected a key at {pos}")
                key, pos = _scanstring(text, pos + 1)
                pos = space(text, pos).end()  # type: ignore[union-attr]
                if text[pos] != ":":
                    raise ValueError(f"expected ':' at {pos}")
                self.pos = space(text, pos + 1).end()  # type: ignore[union-attr]
                yield key
            else:
                self.pos = pos
                yield index
            index += 1
            pos = self.pos
            if text[pos] == closer:
                break
            if text[pos] != ",":
                raise ValueError(f"expected ',' or {closer!r} at {pos}")
            pos = space(text, pos + 1).end()  # type: ignore[union-attr]
        self.pos = space(text, pos + 1).end()  # type: ignore[union-attr]

    def keys(self) -> Iterator[str]:
        """:meth:`members` of the object here (ValueError if another value is here)."""
        return self._members_of("{")  # type: ignore[return-value]

    def indexes(self) -> Iterator[int]:
        """:meth:`members` of the array here (ValueError if another value is here)."""
        return self._members_of("[")  # type: ignore[return-value]

    def _members_of(self, opener: str) -> Iterator[str | int]:
        if self.text[self.pos] != opener:
            raise ValueError(f"expected {opener!r} at {self.pos}")
        return self.members()

    def value(self) -> Any:
        """Decode the value here and step past it."""
        value, end = _DECODER.raw_decode(self.text, self.pos)
        self.pos = WHITESPACE.match(self.text, end).end()  # type: ignore[union-attr]
        return value

    skip = value  # skipping a value costs decoding it: walkers skip only small or rare ones

    def find(self, part: str | int) -> bool:
        """Move onto the value of member ``part`` of the container here (of duplicate keys, the last,
        as json keeps); False if it has none."""
        found = None
        for key in self.members():
            if key == part and type(key) is type(part):
                found = self.pos
                if isinstance(key, int):
                    break
            self.skip()
        if found is None:
            return False
        self.pos = found
        return True

    def at_end(self) -> bool:
        return self.pos == len(self.text)
