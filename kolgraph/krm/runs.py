"""Score-run metadata: which scoring produced the scores the service shows."""

from __future__ import annotations

from typing import Any

from kolgraph.errors import UnknownObject
from kolgraph.krm.access import Permission, Viewer
from kolgraph.krm.profiles import parse_json
from kolgraph.store import GraphStore


def score_runs(store: GraphStore, viewer: Viewer, *, limit: int = 20) -> list[dict[str, Any]]:
    """The latest score runs, newest first, with their parameters parsed."""
    viewer.require(Permission.READ_HCPS)
    runs = []
    for row in store.run("score_runs", limit=max(1, min(limit, 200))):
        run = dict(row["run"])
        run["parameters"] = parse_json(run.get("parameters"))
        runs.append(run)
    return runs


def latest_score_run(store: GraphStore, viewer: Viewer) -> dict[str, Any]:
    """The newest score run.

    Raises
    ------
    UnknownObject
        If scoring never ran (run ``kolgraph score``).
    """
    runs = score_runs(store, viewer, limit=1)
    if not runs:
        raise UnknownObject("no score run yet; run 'kolgraph score' after loading data")
    return runs[0]
