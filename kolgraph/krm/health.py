"""Readiness: does the store answer, and what does it hold."""

from __future__ import annotations

from kolgraph.errors import StoreError
from kolgraph.krm.results.health import Readiness
from kolgraph.store import GraphStore


def readiness(store: GraphStore) -> Readiness:
    """``Readiness(ready=True, hcps=n, ...)`` when the store answers.

    Raises
    ------
    StoreUnavailable
        If the store cannot be reached.
    """
    if not store.ping():
        raise StoreError("the store answered the ping with an unexpected value")
    hcps = store.run("count_label", {"label": "HCP"})[0]["n"]
    runs = store.run("count_label", {"label": "ScoreRun"})[0]["n"]
    return Readiness(ready=True, hcps=int(hcps), score_runs=int(runs))
