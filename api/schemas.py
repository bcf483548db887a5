"""Response and request bodies of the HTTP API (pydantic; they make the OpenAPI spec).

The responses are the core's own result classes (:mod:`kolgraph.krm.results`), re-exported
here; declared here are only the request bodies and the answers no core function makes
(problem+json, liveness, the caller's key). ``tests/api/test_schema_reuse.py`` keeps it so.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from kolgraph.krm.engagements import EngagementIn, no_nul
from kolgraph.krm.plans import PlanIn
from kolgraph.krm.results.alerts import Alert, Alerts
from kolgraph.krm.results.audit import AuditEvent, AuditPage
from kolgraph.krm.results.base import Open
from kolgraph.krm.results.contacts import (
    Conflict,
    Contacts,
    DepartmentContacts,
    LastContact,
    Portfolio,
    PortfolioKol,
    YearSpend,
)
from kolgraph.krm.results.engagements import BulkResult, Engagement, EngagementPage, RecordResult
from kolgraph.krm.results.hcps import Hcp, HcpPage, LookupHit, LookupMiss, LookupResult
from kolgraph.krm.results.health import Readiness
from kolgraph.krm.results.kpis import Kpis, SegmentCoverage
from kolgraph.krm.results.network import Community, CommunityName, Network, NetworkEdge, NetworkNode
from kolgraph.krm.results.payments import IndustryPayment, IndustryPayments, PaymentGroup
from kolgraph.krm.results.plans import Plan, PlanTypeActual, PlanVsActual
from kolgraph.krm.results.profile import (
    CongressSummary,
    DepartmentEngagements,
    Eligibility,
    EngagementSummary,
    Profile,
    PublicationSummary,
    Referrals,
    ReferralSide,
)
from kolgraph.krm.results.runs import ScoreRun

__all__ = [
    "Alert",
    "Alerts",
    "AuditEvent",
    "AuditPage",
    "BulkEngagements",
    "BulkResult",
    "Community",
    "CommunityName",
    "Conflict",
    "CongressSummary",
    "Contacts",
    "DepartmentContacts",
    "DepartmentEngagements",
    "Eligibility",
    "Engagement",
    "EngagementCreate",
    "EngagementPage",
    "EngagementSummary",
    "Hcp",
    "HcpPage",
    "Health",
    "IndustryPayment",
    "IndustryPayments",
    "Kpis",
    "LastContact",
    "LookupHit",
    "LookupMiss",
    "LookupRequest",
    "LookupResult",
    "Me",
    "Network",
    "NetworkEdge",
    "NetworkNode",
    "Open",
    "PaymentGroup",
    "Plan",
    "PlanCreate",
    "PlanTypeActual",
    "PlanVsActual",
    "Portfolio",
    "PortfolioKol",
    "Problem",
    "Profile",
    "PublicationSummary",
    "Readiness",
    "RecordResult",
    "ReferralSide",
    "Referrals",
    "ScoreRun",
    "SegmentCoverage",
    "YearSpend",
]


class Problem(BaseModel):
    """An RFC 9457 problem: what went wrong and what to do about it."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str
    instance: str | None = None
    field: str | None = Field(None, description="The request field at fault, dotted.")
    errors: list[dict[str, Any]] | None = Field(None, description="Every invalid field.")


class Health(BaseModel):
    status: Literal["ok"] = "ok"
    version: str


class Me(BaseModel):
    key_id: str
    role: str
    department: str
    employee_id: str | None = None
    permissions: list[str]


class LookupRequest(BaseModel):
    """Up to 1,000 identifiers in total, of any kinds."""

    model_config = ConfigDict(extra="forbid")

    id: list[str] = Field(default_factory=list, max_length=1000)
    npi: list[str] = Field(default_factory=list, max_length=1000)
    orcid: list[str] = Field(default_factory=list, max_length=1000)
    crm_id: list[str] = Field(default_factory=list, max_length=1000)
    profile_id: list[str] = Field(default_factory=list, max_length=1000)

    @field_validator("*", mode="before")
    @classmethod
    def _no_nul(cls, value: Any) -> Any:
        return no_nul(value)


class EngagementCreate(EngagementIn):
    """One engagement from the CRM; `crm_id` makes retries harmless."""


class BulkEngagements(BaseModel):
    model_config = ConfigDict(extra="forbid")

    engagements: list[EngagementCreate] = Field(min_length=1, max_length=1000)


class PlanCreate(PlanIn):
    """A KRM plan for one KOL and department."""
