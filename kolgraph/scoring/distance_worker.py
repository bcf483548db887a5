"""Betweenness, harmonic closeness and 2-hop reach of a large network in a second process.

They walk paths from many sources and are the slowest metrics of a run; igraph holds the
interpreter lock while it works, so a thread would not help. On a large network
(:data:`PARALLEL_TIES` ties or more, on a machine with two or more cores) they run in a
spawned worker, started as soon as the network is projected, while this process works
out activity, scope, PageRank and communities; the values are the same as computed
inline (same functions, same seeds). Anything that
stops the worker (no process can be started, it dies) falls back to computing inline;
an error of the computation itself is raised as it would be inline.

Examples
--------
>>> import numpy as np
>>> from kolgraph.scoring.edges import EdgeArrays
>>> path = EdgeArrays(["a", "b", "c"], np.array([0, 1]), np.array([1, 2]), np.ones(2))
>>> job = DistanceJob(k_betweenness=None, seed=0, by_component=False, sources=None)
>>> pending = start(path, job, parallel_ties=10)  # a small network: nothing started
>>> metrics = finish(pending, path, job)
>>> metrics.betweenness.round(3).tolist(), metrics.reach_2.tolist(), sorted(metrics.timings)
([0.0, 1.0, 0.0], [2, 2, 2], ['betweenness', 'harmonic', 'reach'])
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import time
from collections.abc import Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass

import numpy as np

from kolgraph.scoring import centrality, heap, reach
from kolgraph.scoring.edges import EdgeArrays

logger = logging.getLogger(__name__)

__all__ = ["PARALLEL_TIES", "DistanceJob", "DistanceMetrics", "cancel", "finish", "start"]

PARALLEL_TIES = 200_000
"""Ties from which the distance metrics run in a worker (below it, starting one costs more)."""


@dataclass(frozen=True)
class DistanceJob:
    """How to compute the metrics: sample sizes, seed, the per-component shortcut and the
    work up to which 2-hop reach is exact."""

    k_betweenness: int | None
    seed: int
    by_component: bool
    sources: list[int] | None
    reach_exact_work: float = 5e7


@dataclass(frozen=True)
class DistanceMetrics:
    """The worker's answer: one value per node for each metric, and seconds per metric."""

    betweenness: np.ndarray
    harmonic: np.ndarray
    reach_1: np.ndarray
    reach_2: np.ndarray
    reach_2_method: str
    timings: dict[str, float]


Pending = tuple[ProcessPoolExecutor, "Future[DistanceMetrics]"]


def compute(arrays: EdgeArrays, job: DistanceJob) -> DistanceMetrics:
    """Betweenness, harmonic closeness and reach of ``arrays`` (and the seconds each took)."""
    in_worker = multiprocessing.parent_process() is not None
    if in_worker:  # large arrays unmapped when freed
        heap.map_large_blocks()
    timings: dict[str, float] = {}
    started = time.perf_counter()
    bt = centrality.betweenness_array(arrays, k=job.k_betweenness, seed=job.seed)
    timings["betweenness"] = time.perf_counter() - started
    if in_worker:  # its igraph graph is not used again here (10M ties: about 0.35 GB)
        arrays.release()
        heap.give_back()
    started = time.perf_counter()
    harmonic = (
        centrality.harmonic_by_component(arrays)
        if job.by_component
        else centrality.harmonic_array(arrays, sources=job.sources)
    )
    timings["harmonic"] = time.perf_counter() - started
    started = time.perf_counter()
    r1, r2, how = reach.reach_counts(arrays, exact_work=job.reach_exact_work, seed=job.seed)
    timings["reach"] = time.perf_counter() - started
    return DistanceMetrics(
        np.asarray(bt, dtype=float), np.asarray(harmonic, dtype=float), r1, r2, how, timings
    )


def start(
    arrays: EdgeArrays, job: DistanceJob, *, parallel_ties: int | None = None
) -> Pending | None:
    """Start the worker on a network of ``parallel_ties`` ties or more (default
    :data:`PARALLEL_TIES`); None when it is computed inline instead."""
    limit = PARALLEL_TIES if parallel_ties is None else parallel_ties
    if arrays.n_edges < limit or (os.cpu_count() or 1) < 2:
        return None
    # The worker needs positions only: node names and cached structures stay here.
    nodes: Sequence[str] = [""] * arrays.n_nodes
    bare = EdgeArrays(nodes, arrays.src, arrays.dst, arrays.weight, arrays.directed)
    try:
        pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"))
        return pool, pool.submit(compute, bare, job)
    except (OSError, RuntimeError) as exc:
        logger.warning("distance metrics computed inline: no worker process (%s)", exc)
        return None


def finish(pending: Pending | None, arrays: EdgeArrays, job: DistanceJob) -> DistanceMetrics:
    """The worker's answer, or the metrics computed here when it was not started or failed."""
    if pending is None:
        return compute(arrays, job)
    pool, future = pending
    try:
        return future.result()
    except (BrokenProcessPool, OSError) as exc:  # the worker died: the run goes on here
        logger.warning("distance metrics computed inline: the worker died (%s)", exc)
        return compute(arrays, job)
    finally:
        pool.shutdown(wait=True)


def cancel(pending: Pending | None) -> None:
    """Stop a worker whose answer is no longer wanted (the run failed before using it)."""
    if pending is not None:
        pool, future = pending
        future.cancel()
        pool.shutdown(wait=True, cancel_futures=True)
