"""Betweenness and harmonic closeness in a worker process equal the inline computation."""

from __future__ import annotations

import os
import signal

import networkx as nx
import numpy as np
import pytest

from kolgraph.scoring import distance_worker
from kolgraph.scoring.distance_worker import DistanceJob
from kolgraph.scoring.edges import EdgeArrays
from tests.scoring.conftest import physicians


def _network() -> EdgeArrays:
    """The real physicians' advice network (KONECT), undirected, largest component."""
    graph = nx.Graph(physicians())
    return EdgeArrays.from_networkx(graph.subgraph(max(nx.connected_components(graph), key=len)))


def test_the_worker_gives_the_inline_values_exactly() -> None:
    arrays = _network()
    job = DistanceJob(
        k_betweenness=40, seed=7, by_component=False, sources=list(range(0, arrays.n_nodes, 3))
    )
    pending = distance_worker.start(arrays, job, parallel_ties=1)
    assert pending is not None, "a worker should start for a network above the threshold"
    bt, harmonic, timings = distance_worker.finish(pending, arrays, job)
    inline_bt, inline_harmonic, _ = distance_worker.compute(arrays, job)
    assert np.array_equal(bt, inline_bt) and np.array_equal(harmonic, inline_harmonic)
    assert bt.max() > 0 and harmonic.min() > 0 and set(timings) == {"betweenness", "harmonic"}


def test_a_small_network_starts_no_worker() -> None:
    arrays = _network()
    job = DistanceJob(k_betweenness=None, seed=0, by_component=False, sources=None)
    assert distance_worker.start(arrays, job) is None  # far below PARALLEL_TIES
    assert arrays.n_edges < distance_worker.PARALLEL_TIES


def test_a_killed_worker_falls_back_to_the_inline_values() -> None:
    arrays = _network()
    job = DistanceJob(k_betweenness=None, seed=0, by_component=False, sources=None)
    pending = distance_worker.start(arrays, job, parallel_ties=1)
    assert pending is not None
    pool, _ = pending
    for pid in list(pool._processes):  # the worker dies before answering
        os.kill(pid, signal.SIGKILL)
    bt, harmonic, _ = distance_worker.finish(pending, arrays, job)
    inline_bt, inline_harmonic, _ = distance_worker.compute(arrays, job)
    assert np.array_equal(bt, inline_bt) and np.array_equal(harmonic, inline_harmonic)


def test_an_error_of_the_computation_is_raised_not_hidden() -> None:
    arrays = _network()
    job = DistanceJob(k_betweenness=None, seed=0, by_component=False, sources=[arrays.n_nodes])
    pending = distance_worker.start(arrays, job, parallel_ties=1)
    with pytest.raises(ValueError):
        distance_worker.finish(pending, arrays, job)
