"""What :func:`kolgraph.krm.profiles.hcp_profile` returns: one KOL's profile.

>>> Referrals.model_validate({"outgoing": {"partners": 1, "pair_count": 40, "top": [{"id": "a"}]},
...                          "incoming": {"partners": 0, "pair_count": 0, "top": []}}).outgoing.top
[Open(id='a')]
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from kolgraph.krm.results.base import Open, Scalar
from kolgraph.krm.results.hcps import TherapeuticArea


class PublicationSummary(BaseModel):
    areas: list[TherapeuticArea] = Field(
        default_factory=list,
        description="Therapeutic areas (MeSH disease categories) of the HCP's papers, the "
        "most papers first (at most 5).",
    )
    count: int
    first_author: int
    last_author: int
    first_year: Scalar = None
    last_year: Scalar = None
    recent: list[Open]
    top_topics: list[Open]


class CongressSummary(BaseModel):
    sessions: int
    congresses: int
    roles: list[str]
    last_year: Scalar = None


class ReferralSide(BaseModel):
    partners: int
    pair_count: int
    top: list[Open]


class Referrals(BaseModel):
    outgoing: ReferralSide
    incoming: ReferralSide


class DepartmentEngagements(BaseModel):
    department: str | None
    engagements: int
    last_date: str | None
    spend: float | None = Field(None, description="Only for roles that may see spend.")


class EngagementSummary(BaseModel):
    engagements: int
    last_date: str | None
    total_spend: float | None
    departments: list[DepartmentEngagements]


class Eligibility(BaseModel):
    """Whether the person is ranked as a healthcare professional, and why."""

    eligible: bool | None = Field(
        None, description="Ranked and tiered as a healthcare professional (None: not scored)."
    )
    industry: bool | None = Field(
        None, description="Affiliated with a manufacturer or company (never eligible)."
    )
    reason: str | None = Field(
        None, description="The evidence: NPI, specialty, trial role, clinical affiliation..."
    )


class Profile(BaseModel):
    """Identity, scores and why, activity, network and engagement summary."""

    identity: dict[str, Scalar]
    eligibility: Eligibility
    affiliations: list[Open]
    scores: dict[str, Scalar]
    classification: dict[str, Scalar]
    explanation: dict[str, Any] | None = Field(
        None, description="The score explanation of the latest run (why this tier/segment)."
    )
    score_run: Open | None
    publications: PublicationSummary
    congresses: CongressSummary
    trials: int
    referrals: Referrals
    top_collaborators: list[Open]
    engagement_summary: EngagementSummary
