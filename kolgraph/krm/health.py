"""Readiness: does the store answer, and what does it hold."""

from __future__ import annotations

from typing import Any

from kolgraph.errors import StoreError
from kolgraph.store import GraphStore


def readiness(store: GraphStore) -> dict[str, Any]:
    """``{"ready": True, "hcps": n, ...}`` when the store answers.

    Raises
    ------
    StoreUnavailable
        If the store cannot be reached.
    """
    if not store.ping():
        raise StoreError("the store answered the ping with an unexpected value")
    hcps = store.run("count_label", {"label": "HCP"})[0]["n"]
    runs = store.run("count_label", {"label": "ScoreRun"})[0]["n"]
    return {"ready": True, "hcps": int(hcps), "score_runs": int(runs)}
