"""What :mod:`kolgraph.krm.plans` returns: plans as the viewer may see them, plan versus actual.

>>> PlanTypeActual(type="visit", planned=None, actual=3).model_dump()
{'type': 'visit', 'planned': None, 'actual': 3}
"""

from __future__ import annotations

from pydantic import BaseModel, Field

from kolgraph.krm.results.base import Open


class Plan(Open):
    id: str
    hcp_id: str
    department: str
    owner: str | None = None
    objectives: list[str] | None = Field(None, description="Null across the firewall.")
    period_start: str
    period_end: str
    planned_engagements: int
    planned_by_type: dict[str, int]
    budget: float | None = None
    status: str
    redacted: bool = False


class PlanTypeActual(BaseModel):
    type: str
    planned: int | None
    actual: int


class PlanVsActual(BaseModel):
    plan: Plan
    planned_engagements: int
    actual_engagements: int
    adherence: float | None
    by_type: list[PlanTypeActual]
    last_engagement: str | None
    budget: float | None
    spend: float | None
    budget_used: float | None
