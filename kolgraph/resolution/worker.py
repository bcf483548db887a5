"""Resolve a run's batches of mentions in a second process, in order, while this one
parses and builds (:class:`ResolverProcess`).

Resolution is the slowest step of a large load and pure Python, so a thread would not
help. The worker holds the run's :class:`~kolgraph.resolution.resolver.ResolutionIndex`
and resolves each batch as :func:`~kolgraph.resolution.resolver.resolve_mentions` with
no store would (the index is the only memory of earlier batches): the decisions are
those of resolving inline, batch after batch. It is for loads that read nothing back
from the store (a first load); batches are resolved in the order they are submitted.

Examples
--------
>>> from kolgraph.resolution.mentions import MentionIn
>>> with ResolverProcess() as resolver:
...     future = resolver.submit([MentionIn(id="m1", source="x", name="J Doe",
...                                         npi="1234567893")])
...     [r.hcp_id for r in future.result()]
['npi:1234567893']
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import threading
from collections.abc import Sequence
from concurrent.futures import CancelledError, Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from types import TracebackType

from kolgraph.config import RESOLUTION_PROFILES
from kolgraph.resolution.mentions import MentionIn, Method, Resolution
from kolgraph.resolution.resolver import ResolutionIndex, resolve_mentions

__all__ = ["ResolverProcess"]

_INDEX: ResolutionIndex | None = None  # the worker's index (set in the worker only)
DERIVED = ("family_name", "given_name", "key", "block_keys", "all_affiliations")
"""The cached properties of a :class:`MentionIn` the resolver reads (kept in the
mention, so they are pickled with it)."""


def _start(max_profiles: int) -> None:
    """Worker start: a fresh index; full collections wait, as in an ingest run (the
    index is long-lived and would be rescanned by every full collection)."""
    global _INDEX
    _INDEX = ResolutionIndex(max_profiles=max_profiles)
    young, middle, _ = gc.get_threshold()
    gc.set_threshold(young, middle, 1_000_000)


def _ready() -> int:
    """Load the match model (while the first batch is being read); the worker's pid."""
    if _INDEX is not None:
        _INDEX.scorer.model  # noqa: B018 - loaded on first use
    return os.getpid()


Packed = tuple[str, str, float, Method, bool, str | None, float | None]
"""A :class:`Resolution` as the worker sends it back: its fields in order (a tuple
pickles in a fraction of the time of a model)."""


def _resolve(mentions: Sequence[MentionIn]) -> list[Packed]:
    if _INDEX is None:  # pragma: no cover - the initializer always ran first
        raise RuntimeError("the resolver process was not started")
    resolutions = resolve_mentions(None, mentions, index=_INDEX)
    gc.freeze()  # what outlives the batch (the index) is never rescanned
    return [
        (r.mention_id, r.hcp_id, r.score, r.method, r.is_new, r.candidate_id, r.candidate_score)
        for r in resolutions
    ]


def _unpack(packed: list[Packed]) -> list[Resolution]:
    """The worker's resolutions as models again (validating seven plain fields is quicker
    than ``model_construct``)."""
    return [
        Resolution(
            mention_id=m, hcp_id=h, score=s, method=k, is_new=n, candidate_id=c, candidate_score=cs
        )
        for m, h, s, k, n, c, cs in packed
    ]


def _settle(done: Future[list[Packed]], result: Future[list[Resolution]]) -> None:
    """Complete ``result`` from the worker's ``done``: its resolutions, or its error."""
    if done.cancelled():  # the worker was closed first
        result.set_exception(CancelledError())
        return
    error = done.exception()
    if error is not None:
        result.set_exception(error)
    else:
        result.set_result(_unpack(done.result()))


class ResolverProcess:
    """One spawned process resolving a run's mention batches against its own index.

    Parameters
    ----------
    max_profiles : int
        The index's in-memory bound (``Settings.resolution_profiles``).

    The process starts here and loads the match model while the caller reads its first
    batch (``OSError`` if it cannot start). :meth:`submit` returns at once; results come
    back in submission order. A worker that dies fails the futures with
    ``BrokenProcessPool``; nothing is retried, as the index it held is gone.
    """

    def __init__(self, max_profiles: int = RESOLUTION_PROFILES) -> None:
        self._pool = ProcessPoolExecutor(
            max_workers=1,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_start,
            initargs=(max_profiles,),
        )
        self.started: Future[int] = self._pool.submit(_ready)  # the worker's pid
        self._closing: threading.Thread | None = None

    def submit(self, mentions: Sequence[MentionIn]) -> Future[list[Resolution]]:
        """Resolve ``mentions`` after every batch submitted before them.

        Their derived names (:data:`DERIVED`) are worked out here and travel with them:
        this process has time to spare while the worker resolves."""
        for mention in mentions:
            for name in DERIVED:
                getattr(mention, name)
        result: Future[list[Resolution]] = Future()
        result.set_running_or_notify_cancel()
        try:
            done = self._pool.submit(_resolve, list(mentions))
        except BrokenProcessPool as exc:  # it died before: this batch fails as the others
            result.set_exception(exc)
            return result
        done.add_done_callback(lambda d: _settle(d, result))
        return result

    def close(self, *, wait: bool = True) -> None:
        """Stop the worker (its index and spill file go with it). With ``wait=False`` it
        stops while the caller goes on (freeing a large index takes a while); a later
        ``close()`` waits for it."""
        if self._closing is None:
            self._closing = threading.Thread(
                target=self._pool.shutdown,
                kwargs={"wait": True, "cancel_futures": True},
                name="resolver-close",
            )
            self._closing.start()
        if wait:
            self._closing.join()

    def __enter__(self) -> ResolverProcess:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()
