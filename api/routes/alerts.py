"""Alerts (over-cap spend, new cross-department conflicts, strategic KOLs left untouched) and
acknowledging a conflict."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, ConfigDict, Field

from kolgraph.api.deps import PolicyDep, StoreDep, ViewerDep
from kolgraph.api.errors import responses
from kolgraph.api.schemas import Alerts
from kolgraph.krm import alerts
from kolgraph.krm.dates import IsoDate

router = APIRouter(tags=["contacts"])
HcpId = Annotated[str, Path(min_length=1, max_length=128)]


class AckIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    key: str = Field(min_length=3, max_length=200, description="The conflict's key.")
    note: str | None = Field(None, max_length=1000)


@router.get("/alerts", response_model=Alerts, responses=responses(401, 403, 422, 503))
def read_alerts(
    store: StoreDep,
    viewer: ViewerDep,
    policy: PolicyDep,
    as_of: IsoDate | None = None,
    stale_days: Annotated[int | None, Query(ge=1, le=3650)] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> Alerts:
    """Over-cap spend this year (roles that see spend), cross-department contacts within the
    conflict window not yet acknowledged, and strategic KOLs untouched for ``stale_days``."""
    return alerts.alerts(store, viewer, policy, as_of=as_of, stale_days=stale_days, limit=limit)


@router.post(
    "/hcps/{hcp_id}/conflicts/acknowledge",
    status_code=201,
    responses=responses(401, 403, 404, 422, 503),
)
def acknowledge(hcp_id: HcpId, body: AckIn, store: StoreDep, viewer: ViewerDep) -> dict[str, Any]:
    """Acknowledge one conflict of this KOL (audited as ``conflict.acknowledge``)."""
    return alerts.acknowledge_conflict(store, viewer, hcp_id, body.key, body.note)


@router.get("/hcps/{hcp_id}/conflicts/acknowledged", responses=responses(401, 403, 404, 422, 503))
def acknowledged(hcp_id: HcpId, store: StoreDep, viewer: ViewerDep) -> list[dict[str, Any]]:
    """The conflicts of this KOL someone has acknowledged, newest first."""
    return alerts.conflict_acks(store, viewer, hcp_id)
