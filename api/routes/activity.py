"""A KOL's record in detail for the profile page, and employee names for the timeline."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query

from kolgraph.api.deps import StoreDep, ViewerDep
from kolgraph.api.errors import responses
from kolgraph.krm import activity

router = APIRouter(tags=["hcps"])


@router.get("/hcps/{hcp_id}/activity", responses=responses(401, 403, 404, 422, 503))
def read_activity(
    hcp_id: Annotated[str, Path(min_length=1, max_length=128)],
    store: StoreDep,
    viewer: ViewerDep,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> dict[str, Any]:
    """Publications (title, journal, year, citations, author role), trials (phase, status,
    role), congress roles and affiliations of one KOL, newest first."""
    return activity.hcp_activity(store, viewer, hcp_id, limit=limit)


@router.get("/employees/names", responses=responses(401, 403, 422, 503))
def read_employee_names(
    store: StoreDep,
    viewer: ViewerDep,
    ids: Annotated[list[str], Query(min_length=1, max_length=activity.MAX_EMPLOYEES)],
) -> dict[str, str | None]:
    """Employee id -> name for the known ids (``{"K01": "Lena Brandt"}``)."""
    return activity.employee_names(store, viewer, ids)
