"""Score-run metadata: which scoring produced the scores the service shows."""

from __future__ import annotations

from kolgraph.errors import UnknownObject
from kolgraph.krm.access import Permission, Viewer
from kolgraph.krm.profiles import parse_json
from kolgraph.krm.results.runs import ScoreRun
from kolgraph.store import GraphStore


def score_runs(store: GraphStore, viewer: Viewer, *, limit: int = 20) -> list[ScoreRun]:
    """The latest score runs, newest first, with their parameters parsed."""
    viewer.require(Permission.READ_HCPS)
    runs = []
    for row in store.run("score_runs", limit=max(1, min(limit, 200))):
        run = dict(row["run"])
        run["parameters"] = parse_json(run.get("parameters"))
        runs.append(ScoreRun.model_validate(run))
    return runs


def latest_score_run(store: GraphStore, viewer: Viewer) -> ScoreRun:
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
