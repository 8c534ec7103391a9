"""in_order: results in the items' order, a bounded number started ahead, the rest cancelled on an early stop."""
from __future__ import annotations

import threading
import time

from hipaacheck.sources.parallel import in_order


def test_results_come_in_the_items_order_whatever_finishes_first():
    delays = [0.03, 0.0, 0.02, 0.0, 0.01]
    assert list(in_order(lambda i: (time.sleep(delays[i]), i)[1], list(range(5)), workers=3)) == [0, 1, 2, 3, 4]


def test_no_more_than_ahead_items_are_started_and_not_taken():
    started: list[int] = []
    lock = threading.Lock()

    def work(item: int) -> int:
        with lock:
            started.append(item)
        return item

    taken = 0
    for result in in_order(work, list(range(20)), workers=2, ahead=4):
        time.sleep(0.005)  # the workers would race ahead if nothing held them
        with lock:
            assert len(started) - taken <= 4
        taken += 1
        assert result == taken - 1


def test_an_early_stop_starts_nothing_more():
    started: list[int] = []
    results = in_order(lambda i: started.append(i) or i, list(range(50)), workers=1, ahead=2)
    assert next(results) == 0
    results.close()
    assert len(started) <= 3
