"""KRM plans per KOL: create, read, update, and plan versus actual."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from kolgraph.api.deps import StoreDep, ViewerDep
from kolgraph.api.errors import responses
from kolgraph.api.schemas import Plan, PlanCreate, PlanVsActual
from kolgraph.krm import plans

router = APIRouter(tags=["plans"])
PlanId = Annotated[str, Path(min_length=1, max_length=64, description="e.g. plan:0f1e2d3c4b5a6978")]
ERRORS = responses(401, 403, 404, 422, 503)
WRITE_ERRORS = responses(400, 401, 403, 404, 413, 422, 503)


@router.post("/plans", response_model=Plan, status_code=201, responses=WRITE_ERRORS)
def create_plan(body: PlanCreate, store: StoreDep, viewer: ViewerDep) -> Plan:
    """Create a KRM plan for one KOL and department."""
    return plans.save_plan(store, viewer, body)


@router.get("/plans/{plan_id}", response_model=Plan, responses=ERRORS)
def read_plan(plan_id: PlanId, store: StoreDep, viewer: ViewerDep) -> Plan:
    """One plan; another department's objectives are hidden unless the role allows."""
    return plans.read_plan(store, viewer, plan_id)


@router.put("/plans/{plan_id}", response_model=Plan, responses=WRITE_ERRORS)
def update_plan(plan_id: PlanId, body: PlanCreate, store: StoreDep, viewer: ViewerDep) -> Plan:
    """Replace a plan's fields."""
    return plans.save_plan(store, viewer, body, plan_id)


@router.get("/plans/{plan_id}/actual", response_model=PlanVsActual, responses=ERRORS)
def read_plan_vs_actual(plan_id: PlanId, store: StoreDep, viewer: ViewerDep) -> PlanVsActual:
    """Planned engagements and budget against what the department did in the period."""
    return plans.plan_vs_actual(store, viewer, plan_id)


@router.get("/hcps/{hcp_id}/plans", response_model=list[Plan], responses=ERRORS)
def read_hcp_plans(
    hcp_id: Annotated[str, Path(min_length=1, max_length=128)], store: StoreDep, viewer: ViewerDep
) -> list[Plan]:
    """Every department's plans for one KOL."""
    return plans.plans_of_hcp(store, viewer, hcp_id)
