"""Cross-department contact tracking for one KOL, and the portfolio view."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query

from kolgraph.api.deps import AuditBufferDep, PolicyDep, StoreDep, ViewerDep
from kolgraph.api.errors import responses
from kolgraph.api.schemas import Contacts, Portfolio
from kolgraph.krm import audit, contacts
from kolgraph.krm.dates import IsoDate

router = APIRouter(tags=["contacts"])
ERRORS = responses(401, 403, 404, 422, 503)
LookbackDays = Annotated[
    int | None,
    Query(
        ge=1,
        le=3660,
        description="Days before as_of that count (the period); default the policy's.",
    ),
]


@router.get("/hcps/{hcp_id}/contacts", response_model=Contacts, responses=ERRORS)
def read_contacts(
    hcp_id: Annotated[str, Path(min_length=1, max_length=128)],
    store: StoreDep,
    viewer: ViewerDep,
    policy: PolicyDep,
    audit_log: AuditBufferDep,
    as_of: IsoDate | None = None,
    window_days: Annotated[
        int | None, Query(ge=0, le=365, description="Conflict window override.")
    ] = None,
    annual_cap: Annotated[
        float | None, Query(ge=0, le=100_000_000, description="Annual FMV cap override, USD.")
    ] = None,
    lookback_days: LookbackDays = None,
) -> Contacts:
    """Who contacted this KOL: per department, conflicts and spend against the annual cap."""
    overrides = {
        k: v
        for k, v in (
            ("conflict_window_days", window_days),
            ("annual_spend_cap", annual_cap),
            ("lookback_days", lookback_days),
        )
        if v is not None
    }
    effective = policy.model_copy(update=overrides) if overrides else policy
    found = contacts.contact_tracking(store, viewer, hcp_id, effective, as_of=as_of)
    audit.record_read(store, viewer, "hcp.contacts.read", hcp_id, audit_log=audit_log)
    return found


@router.get("/portfolio", response_model=Portfolio, responses=ERRORS)
def read_portfolio(
    store: StoreDep,
    viewer: ViewerDep,
    policy: PolicyDep,
    as_of: IsoDate | None = None,
    min_departments: Annotated[int, Query(ge=2, le=6)] = 2,
    tier: Literal["strategic", "potential", "basic"] = "strategic",
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    lookback_days: LookbackDays = None,
) -> Portfolio:
    """KOLs several departments contact, and strategic KOLs nobody contacted lately."""
    effective = (
        policy
        if lookback_days is None
        else policy.model_copy(update={"lookback_days": lookback_days})
    )
    return contacts.portfolio(
        store,
        viewer,
        effective,
        as_of=as_of,
        min_departments=min_departments,
        tier=tier,
        limit=limit,
    )
