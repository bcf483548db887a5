"""KPIs for a period, department, territory, employee or segment."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query

from kolgraph.api.deps import PolicyDep, StoreDep, ViewerDep
from kolgraph.api.errors import responses
from kolgraph.api.schemas import Kpis
from kolgraph.krm import kpis
from kolgraph.krm.dates import IsoDate
from kolgraph.krm.engagements import Department

router = APIRouter(tags=["kpis"])


@router.get("/kpis", response_model=Kpis, responses=responses(401, 403, 422, 503))
def read_kpis(
    store: StoreDep,
    viewer: ViewerDep,
    policy: PolicyDep,
    period_start: IsoDate,
    period_end: IsoDate,
    department: Department | None = None,
    territory: Annotated[str | None, Query(min_length=1, max_length=64)] = None,
    employee_id: Annotated[str | None, Query(min_length=1, max_length=64)] = None,
    segment: Literal["A", "B", "C"] | None = None,
    radius_m: Annotated[
        float | None, Query(gt=0, le=100_000, description="Verified-visit radius override.")
    ] = None,
) -> Kpis:
    """Coverage, plan adherence, call rate, verified visits, completeness, messages, outcomes."""
    effective = policy.model_copy(update={"visit_radius_m": radius_m}) if radius_m else policy
    return kpis.kpis(
        store,
        viewer,
        effective,
        period_start=period_start,
        period_end=period_end,
        department=department,
        territory=territory,
        employee_id=employee_id,
        segment=segment,
    )
