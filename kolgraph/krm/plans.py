"""KRM plans: one per KOL, department and period; objectives, planned engagements, budget."""

from __future__ import annotations

import json
import secrets
from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictInt, field_validator, model_validator

from kolgraph.errors import AccessDenied, InvalidRequest, UnknownObject
from kolgraph.krm import audit
from kolgraph.krm.access import Permission, Viewer, redact
from kolgraph.krm.dates import IsoDate
from kolgraph.krm.engagements import Department, EngagementType, no_nul
from kolgraph.krm.profiles import hcp_node, parse_json
from kolgraph.krm.results.plans import Plan, PlanVsActual
from kolgraph.store import GraphStore

PlanStatus = Literal["draft", "active", "closed"]
PLAN_AUDITED_FIELDS = (
    "owner",
    "objectives",
    "period_start",
    "period_end",
    "planned_engagements",
    "planned_by_type",
    "budget",
    "status",
)


class PlanIn(BaseModel):
    """A plan as a KRM manager or medical lead writes it.

    Examples
    --------
    >>> PlanIn(hcp_id="npi:1", department="medical_affairs", period_start="2024-01-01",
    ...        period_end="2024-12-31", planned_engagements=6).status
    'active'
    """

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    hcp_id: str = Field(min_length=1, max_length=128)
    department: Department
    owner: str | None = Field(None, max_length=128, description="Responsible employee id.")
    objectives: list[str] = Field(default_factory=list, max_length=20)
    period_start: IsoDate
    period_end: IsoDate
    planned_engagements: int = Field(0, ge=0, le=10_000, strict=True)
    planned_by_type: dict[EngagementType, StrictInt] = Field(default_factory=dict)
    budget: float | None = Field(None, ge=0, le=100_000_000, strict=True)
    status: PlanStatus = "active"

    @field_validator("*", mode="before")
    @classmethod
    def _no_nul(cls, value: Any) -> Any:
        return no_nul(value)

    @model_validator(mode="after")
    def _sane(self) -> PlanIn:
        if self.period_end < self.period_start:
            raise ValueError("period_end must not be before period_start")
        if any(len(o) > 500 or not o for o in self.objectives):
            raise ValueError("objectives: each objective 1 to 500 characters")
        if any(n < 0 or n > 10_000 for n in self.planned_by_type.values()):
            raise ValueError("planned_by_type: counts between 0 and 10000")
        return self


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _shown(plan: dict[str, Any], viewer: Viewer) -> Plan:
    out = dict(plan)
    out["planned_by_type"] = parse_json(out.get("planned_by_type")) or {}
    out.setdefault("objectives", [])
    out.setdefault("budget", None)
    return Plan.model_validate(redact(out, viewer, out.get("department")))


def may_change_plan(viewer: Viewer, department: str | None) -> bool:
    """True when ``viewer`` may change a plan owned by ``department``.

    Only the owning department, the compliance department and admins may; a role that
    may *create* plans for any department (KRM managers) may not take over another's.

    Examples
    --------
    >>> may_change_plan(Viewer("k", "krm_manager", "marketing"), "medical_affairs")
    False
    >>> may_change_plan(Viewer("k", "medical_affairs", "medical_affairs"), "medical_affairs")
    True
    """
    if not viewer.can(Permission.WRITE_PLANS):
        return False
    return (
        viewer.role == "admin"
        or viewer.department == "compliance"
        or (department is not None and viewer.department == department)
    )


def _plan(store: GraphStore, plan_id: str) -> dict[str, Any]:
    rows = store.run("plan_by_id", id=plan_id)
    if not rows:
        raise UnknownObject(
            f"no plan with id {plan_id!r}; list an HCP's plans with GET /hcps/{{hcp_id}}/plans"
        )
    return dict(rows[0]["plan"])


def save_plan(store: GraphStore, viewer: Viewer, plan: PlanIn, plan_id: str | None = None) -> Plan:
    """Create a plan (``plan_id`` None) or replace one; return it as the viewer sees it.

    Raises
    ------
    AccessDenied
        If the role may not write plans, or not for that department.
    UnknownHcp, UnknownObject
        If the HCP or (on update) the plan does not exist.
    """
    viewer.require(Permission.WRITE_PLANS)
    if not viewer.may_write_for(plan.department):
        raise AccessDenied(
            f"a {viewer.role} key of department {viewer.department!r} may not "
            f"plan for {plan.department!r}"
        )
    hcp_node(store, plan.hcp_id)
    now = _now()
    old: dict[str, Any] | None = None
    if plan_id is None:
        plan_id, created = f"plan:{secrets.token_hex(8)}", now
    else:
        old = _plan(store, plan_id)
        if not may_change_plan(viewer, old.get("department")):
            raise AccessDenied(
                f"plan {plan_id} belongs to another department; only that "
                "department, compliance or an admin may change it"
            )
        for field in ("department", "hcp_id"):
            if old.get(field) not in (None, getattr(plan, field)):
                raise InvalidRequest(f"a plan's {field} cannot change; create a new plan", field)
        created = old.get("created_at") or now
    props = plan.model_dump(mode="json")
    if old is not None and not viewer.can(Permission.SEE_SPEND):
        props["budget"] = old.get("budget")  # a role that never sees the budget keeps it
    props["planned_by_type"] = json.dumps(props["planned_by_type"], sort_keys=True)
    props.update(created_at=created, updated_at=now, updated_by=viewer.key_id, source="krm")
    rows = store.run(
        "save_plan",
        id=plan_id,
        hcp_id=plan.hcp_id,
        props=props,
        department=plan.department,
        department_id=f"dept:{plan.department}",
    )
    detail: dict[str, Any] = {"hcp_id": plan.hcp_id}
    if old is not None:
        detail["changes"] = audit.changes(old, props, PLAN_AUDITED_FIELDS)
    audit.record(store, viewer, "plan.save", plan_id, detail)
    return _shown(rows[0]["plan"], viewer)


def read_plan(store: GraphStore, viewer: Viewer, plan_id: str) -> Plan:
    """One plan; another department's objectives are hidden unless the role allows."""
    viewer.require(Permission.READ_PLANS)
    return _shown(_plan(store, plan_id), viewer)


def plans_of_hcp(store: GraphStore, viewer: Viewer, hcp_id: str) -> list[Plan]:
    """Every department's plans for one HCP, newest period first."""
    viewer.require(Permission.READ_PLANS)
    hcp_node(store, hcp_id)
    return [_shown(r["plan"], viewer) for r in store.run("plans_of_hcp", id=hcp_id)]


def plan_vs_actual(store: GraphStore, viewer: Viewer, plan_id: str) -> PlanVsActual:
    """Planned engagements and budget against what the department actually did in the period."""
    viewer.require(Permission.READ_PLANS)
    plan = _plan(store, plan_id)
    rows = store.run(
        "plan_actuals",
        hcp_id=plan["hcp_id"],
        department=plan["department"],
        period_start=plan["period_start"],
        period_end=plan["period_end"],
    )
    planned_by_type = parse_json(plan.get("planned_by_type")) or {}
    actual_by_type = {r["type"]: r["engagements"] for r in rows}
    actual = sum(actual_by_type.values())
    planned = int(plan.get("planned_engagements") or 0)
    spend = round(sum(float(r["spend"] or 0.0) for r in rows), 2)
    spend_ok = viewer.can(Permission.SEE_SPEND)
    budget = plan.get("budget")
    found = {
        "plan": _shown(plan, viewer),
        "planned_engagements": planned,
        "actual_engagements": actual,
        "adherence": round(min(actual, planned) / planned, 4) if planned else None,
        "by_type": [
            {"type": t, "planned": planned_by_type.get(t), "actual": actual_by_type.get(t, 0)}
            for t in sorted(set(planned_by_type) | set(actual_by_type))
        ],
        "last_engagement": max((r["last_date"] for r in rows if r["last_date"]), default=None),
        "budget": budget if spend_ok else None,
        "spend": spend if spend_ok else None,
        "budget_used": round(spend / budget, 4) if spend_ok and budget else None,
    }
    return PlanVsActual.model_validate(found)
