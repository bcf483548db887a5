"""Python's cyclic garbage collector kept from rescanning what outlives a batch of work.

Long runs build large, long-lived structures (a resolver's index of a million profiles, a
scoring run's tables and evidence) and then make many short-lived containers a batch at a
time (records, explanations). Each full collection rescans everything alive, and they come
more often as the heap grows: a quarter of a PubMed load, a third of writing back a scoring
run's explanations. Inside :data:`QUIET_COLLECTOR` full collections wait (young ones still
run) and :meth:`QuietCollector.batch_done` freezes what exists (``gc.freeze``), so it is
not rescanned either; when the last user leaves, objects are unfrozen and the thresholds
restored. Use it where nothing outlives a batch in a reference cycle, so nothing is held
longer than the work.

>>> import gc
>>> before = gc.get_threshold()
>>> with QUIET_COLLECTOR:
...     QUIET_COLLECTOR.batch_done()
...     gc.get_threshold()[2] > before[2]
True
>>> gc.get_threshold() == before, gc.get_freeze_count()
(True, 0)
"""

from __future__ import annotations

import gc
import threading

__all__ = ["QUIET_COLLECTOR", "QuietCollector"]


class QuietCollector:
    """Full collections paused while any user is inside (reentrant, thread-safe); see
    the module docstring."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._runs = 0
        self._thresholds = gc.get_threshold()

    def __enter__(self) -> QuietCollector:
        with self._lock:
            if self._runs == 0:
                self._thresholds = gc.get_threshold()
                gc.set_threshold(self._thresholds[0], self._thresholds[1], 1_000_000)
            self._runs += 1
        return self

    def __exit__(self, *exc: object) -> None:
        with self._lock:
            self._runs -= 1
            if self._runs == 0:
                gc.unfreeze()
                gc.set_threshold(*self._thresholds)

    @staticmethod
    def batch_done() -> None:
        gc.freeze()


QUIET_COLLECTOR = QuietCollector()
