"""Targets scanned a few at a time, handed on in order: for the sources of several targets."""
from __future__ import annotations

from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from itertools import islice
from typing import Callable, Iterator, TypeVar

T = TypeVar("T")
R = TypeVar("R")


def in_order(function: Callable[[T], R], items: list[T], workers: int, ahead: int | None = None,
             name: str = "hipaacheck") -> Iterator[R]:
    """``function`` over ``items`` on ``workers`` threads, results in the items' order. At most ``ahead``
    (default ``workers``) results are started and not yet taken: the next item starts only once the
    consumer has taken (and, for one worker, let go of) a result. Items not started when the consumer
    stops early are cancelled."""
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix=name) as pool:
        queue = iter(items)
        pending: deque[Future[R]] = deque(pool.submit(function, item) for item in islice(queue, ahead or workers))
        try:
            while pending:
                result = pending.popleft().result()
                yield result
                del result
                for item in queue:
                    pending.append(pool.submit(function, item))
                    break
        finally:
            for future in pending:
                future.cancel()
