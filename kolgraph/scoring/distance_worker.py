"""Betweenness and harmonic closeness of a large network in a second process.

Both walk shortest paths from many sources and are the slowest metrics of a run; igraph
holds the interpreter lock while it works, so a thread would not help. On a large
network (:data:`PARALLEL_TIES` ties or more, on a machine with two or more cores) they
run in a spawned worker while this process computes PageRank, communities and reach;
the values are the same as computed inline (same functions, same seeds). Anything that
stops the worker (no process can be started, it dies) falls back to computing inline;
an error of the computation itself is raised as it would be inline.

Examples
--------
>>> import numpy as np
>>> from kolgraph.scoring.edges import EdgeArrays
>>> path = EdgeArrays(["a", "b", "c"], np.array([0, 1]), np.array([1, 2]), np.ones(2))
>>> job = DistanceJob(k_betweenness=None, seed=0, by_component=False, sources=None)
>>> pending = start(path, job, parallel_ties=10)  # a small network: nothing started
>>> bt, harmonic, timings = finish(pending, path, job)
>>> bt.round(3).tolist(), sorted(timings)
([0.0, 1.0, 0.0], ['betweenness', 'harmonic'])
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import time
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass

import numpy as np

from kolgraph.scoring import centrality
from kolgraph.scoring.edges import EdgeArrays

logger = logging.getLogger(__name__)

__all__ = ["PARALLEL_TIES", "DistanceJob", "finish", "start"]

PARALLEL_TIES = 200_000
"""Ties from which the distance metrics run in a worker (below it, starting one costs more)."""

Pending = tuple[ProcessPoolExecutor, "Future[tuple[np.ndarray, np.ndarray, dict[str, float]]]"]


@dataclass(frozen=True)
class DistanceJob:
    """How to compute the two metrics: sample sizes, seed and the per-component shortcut."""

    k_betweenness: int | None
    seed: int
    by_component: bool
    sources: list[int] | None


def compute(
    arrays: EdgeArrays, job: DistanceJob
) -> tuple[np.ndarray, np.ndarray, dict[str, float]]:
    """Betweenness and harmonic closeness of ``arrays`` (and the seconds each took)."""
    timings: dict[str, float] = {}
    started = time.perf_counter()
    bt = centrality.betweenness_array(arrays, k=job.k_betweenness, seed=job.seed)
    timings["betweenness"] = time.perf_counter() - started
    started = time.perf_counter()
    harmonic = (
        centrality.harmonic_by_component(arrays)
        if job.by_component
        else centrality.harmonic_array(arrays, sources=job.sources)
    )
    timings["harmonic"] = time.perf_counter() - started
    return np.asarray(bt, dtype=float), np.asarray(harmonic, dtype=float), timings


def start(
    arrays: EdgeArrays, job: DistanceJob, *, parallel_ties: int = PARALLEL_TIES
) -> Pending | None:
    """Start the worker on a large network; None when it is computed inline instead."""
    if arrays.n_edges < parallel_ties or (os.cpu_count() or 1) < 2:
        return None
    bare = EdgeArrays(list(arrays.nodes), arrays.src, arrays.dst, arrays.weight, arrays.directed)
    try:
        pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"))
        return pool, pool.submit(compute, bare, job)
    except (OSError, RuntimeError) as exc:
        logger.warning("distance metrics computed inline: no worker process (%s)", exc)
        return None


def finish(
    pending: Pending | None, arrays: EdgeArrays, job: DistanceJob
) -> tuple[np.ndarray, np.ndarray, dict[str, float]]:
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
