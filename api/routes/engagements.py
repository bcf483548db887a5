"""Engagement history and recording engagements from the CRM (single and bulk)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Response

from kolgraph.api.deps import AuditBufferDep, StoreDep, ViewerDep
from kolgraph.api.errors import responses
from kolgraph.api.schemas import (
    BulkEngagements,
    BulkResult,
    EngagementCreate,
    EngagementPage,
    RecordResult,
)
from kolgraph.krm import audit, engagements
from kolgraph.krm.dates import IsoDate
from kolgraph.krm.engagements import Department, EngagementType

router = APIRouter(tags=["engagements"])
HcpId = Annotated[str, Path(min_length=1, max_length=128)]
WRITE_ERRORS = responses(400, 401, 403, 413, 422, 503)


@router.get(
    "/hcps/{hcp_id}/engagements",
    response_model=EngagementPage,
    responses=responses(401, 403, 404, 422, 503),
)
def read_engagements(
    hcp_id: HcpId,
    store: StoreDep,
    viewer: ViewerDep,
    audit_log: AuditBufferDep,
    department: Department | None = None,
    type: EngagementType | None = None,
    date_from: IsoDate | None = None,
    date_to: IsoDate | None = None,
    employee_id: Annotated[str | None, Query(min_length=1, max_length=64)] = None,
    limit: Annotated[int, Query(ge=1, le=engagements.MAX_PAGE)] = 50,
    cursor: Annotated[
        str | None,
        Query(
            min_length=1,
            max_length=400,
            pattern=r"^[A-Za-z0-9_-]+$",
            description="next_cursor of the previous page (opaque)",
        ),
    ] = None,
) -> EngagementPage:
    """Every department's engagements with the HCP, newest first; content behind the firewall."""
    page = engagements.engagement_history(
        store,
        viewer,
        hcp_id,
        department=department,
        type=type,
        date_from=date_from,
        date_to=date_to,
        employee_id=employee_id,
        limit=limit,
        cursor=cursor,
    )
    audit.record_read(
        store,
        viewer,
        "engagement.history.read",
        hcp_id,
        {"items": len(page.items), "department": department},
        audit_log=audit_log,
    )
    return page


@router.post(
    "/engagements",
    response_model=RecordResult,
    status_code=201,
    responses={
        200: {"model": RecordResult, "description": "Already recorded; updated."},
        **WRITE_ERRORS,
    },
)
def record_engagement(
    body: EngagementCreate, response: Response, store: StoreDep, viewer: ViewerDep
) -> RecordResult:
    """Record one engagement; resending the same crm_id updates it (200) instead of adding one."""
    (result,) = engagements.record_engagements(store, viewer, [body])
    if result.status == "updated":
        response.status_code = 200
    return result


@router.post("/engagements/bulk", response_model=BulkResult, responses=WRITE_ERRORS)
def record_engagements(body: BulkEngagements, store: StoreDep, viewer: ViewerDep) -> BulkResult:
    """Record up to 1,000 engagements, all or none; idempotent on each crm_id."""
    results = engagements.record_engagements(
        store, viewer, list(body.engagements), prefix="engagements"
    )
    return BulkResult.of(results)
