"""Pausing the cyclic garbage collector while a large document is built.

Loading 100k findings makes millions of small dicts and lists, none of them in a
cycle; each allocation burst sets off collections that walk every object already
made, which cost as much as the parsing itself. Reference counting still frees
everything as usual; the collector runs again when the block ends.
"""
from __future__ import annotations

import gc
from contextlib import contextmanager
from typing import Iterator


@contextmanager
def paused_gc() -> Iterator[None]:
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
