"""Score-run metadata."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from kolgraph.api.deps import StoreDep, ViewerDep
from kolgraph.api.errors import responses
from kolgraph.api.schemas import ScoreRun
from kolgraph.krm import runs

router = APIRouter(tags=["scores"])


@router.get("/score-runs", response_model=list[ScoreRun], responses=responses(401, 403, 422, 503))
def read_score_runs(
    store: StoreDep, viewer: ViewerDep, limit: Annotated[int, Query(ge=1, le=200)] = 20
) -> list[ScoreRun]:
    """The latest score runs, newest first: when, parameters, data version."""
    return runs.score_runs(store, viewer, limit=limit)


@router.get("/score-runs/latest", response_model=ScoreRun, responses=responses(401, 403, 404, 503))
def read_latest_score_run(store: StoreDep, viewer: ViewerDep) -> ScoreRun:
    """The score run whose scores the service shows."""
    return runs.latest_score_run(store, viewer)
