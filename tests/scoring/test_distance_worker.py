"""Betweenness, harmonic closeness and reach in a worker process equal the inline values."""

from __future__ import annotations

import os
import signal

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from kolgraph.scoring import distance_worker
from kolgraph.scoring.distance_worker import DistanceJob, DistanceMetrics
from kolgraph.scoring.edges import EdgeArrays
from kolgraph.scoring.pipeline import score_hcps
from tests.scoring.conftest import physicians


def _network() -> EdgeArrays:
    """The real physicians' advice network (KONECT), undirected, largest component."""
    graph = nx.Graph(physicians())
    return EdgeArrays.from_networkx(graph.subgraph(max(nx.connected_components(graph), key=len)))


def _assert_same(got: DistanceMetrics, want: DistanceMetrics) -> None:
    for name in ("betweenness", "harmonic", "reach_1", "reach_2"):
        assert np.array_equal(getattr(got, name), getattr(want, name)), name
    assert got.reach_2_method == want.reach_2_method


def test_the_worker_gives_the_inline_values_exactly() -> None:
    arrays = _network()
    job = DistanceJob(
        k_betweenness=40, seed=7, by_component=False, sources=list(range(0, arrays.n_nodes, 3))
    )
    pending = distance_worker.start(arrays, job, parallel_ties=1)
    assert pending is not None, "a worker should start for a network above the threshold"
    got = distance_worker.finish(pending, arrays, job)
    _assert_same(got, distance_worker.compute(arrays, job))
    assert got.betweenness.max() > 0 and got.harmonic.min() > 0 and got.reach_2.min() > 0
    assert set(got.timings) == {"betweenness", "harmonic", "reach"}


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
    _assert_same(distance_worker.finish(pending, arrays, job), distance_worker.compute(arrays, job))


def test_an_error_of_the_computation_is_raised_not_hidden() -> None:
    arrays = _network()
    job = DistanceJob(k_betweenness=None, seed=0, by_component=False, sources=[arrays.n_nodes])
    pending = distance_worker.start(arrays, job, parallel_ties=1)
    with pytest.raises(ValueError):
        distance_worker.finish(pending, arrays, job)


def test_a_worker_no_longer_wanted_is_stopped() -> None:
    arrays = _network()
    job = DistanceJob(k_betweenness=None, seed=0, by_component=False, sources=None)
    pending = distance_worker.start(arrays, job, parallel_ties=1)
    assert pending is not None
    pool, _ = pending
    distance_worker.cancel(pending)
    assert not any(p.is_alive() for p in (pool._processes or {}).values())


def test_a_run_with_the_worker_equals_a_run_without(world, monkeypatch) -> None:
    """The whole scoring run on the seeded world: the worker started right after the
    projection gives every score, rank and tier the inline run gives."""
    inline = score_hcps(world).frame
    monkeypatch.setattr(distance_worker, "PARALLEL_TIES", 1)
    started, real_start = [], distance_worker.start

    def spy(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        started.append(real_start(*args, **kwargs))
        return started[-1]

    monkeypatch.setattr(distance_worker, "start", spy)
    parallel = score_hcps(world)
    assert started and started[0] is not None, "the run should have started a worker"
    pd.testing.assert_frame_equal(parallel.frame, inline)


def test_on_a_large_network_communities_wait_for_the_worker(world, monkeypatch) -> None:
    """From ``COMMUNITIES_AFTER_WORKER_TIES`` ties communities are found once the worker
    has answered (its graph and Leiden's never held together), with the same results."""
    from kolgraph.scoring import communities, pipeline

    inline = score_hcps(world)
    monkeypatch.setattr(distance_worker, "PARALLEL_TIES", 1)
    monkeypatch.setattr(pipeline, "COMMUNITIES_AFTER_WORKER_TIES", 1)
    started, real_start = [], distance_worker.start
    worker_done_at_communities = []
    real_membership = communities.membership_array

    def spy_start(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        started.append(real_start(*args, **kwargs))
        return started[-1]

    def spy_membership(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        worker_done_at_communities.append(started[0][1].done())
        return real_membership(*args, **kwargs)

    monkeypatch.setattr(distance_worker, "start", spy_start)
    monkeypatch.setattr(communities, "membership_array", spy_membership)
    parallel = score_hcps(world)
    assert started and started[0] is not None, "the run should have started a worker"
    assert worker_done_at_communities == [True]
    pd.testing.assert_frame_equal(parallel.frame, inline.frame)
    assert parallel.info["n_communities"] == inline.info["n_communities"] > 1


def test_the_worker_process_loads_without_the_pipeline() -> None:
    """A spawned worker imports its module alone: not pandas, the pipeline or explanations
    (about 90 MB more in the worker of a large run)."""
    import subprocess
    import sys

    probe = (
        "import sys, kolgraph.scoring.distance_worker\n"
        "heavy = ['pandas', 'pyarrow', 'sklearn', 'kolgraph.scoring.pipeline',"
        " 'kolgraph.scoring.reasons']\n"
        "print(','.join(m for m in heavy if m in sys.modules))\n"
        "from kolgraph.scoring import score_hcps, ScoringParams, write_run\n"
        "print(score_hcps.__module__, ScoringParams.__module__, write_run.__module__)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout.splitlines()
    assert out[0] == ""
    assert out[1] == "kolgraph.scoring.pipeline kolgraph.scoring.params kolgraph.scoring.runs"
