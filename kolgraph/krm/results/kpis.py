"""What :func:`kolgraph.krm.kpis.kpis` returns: one period's KPIs under the given filters.

>>> SegmentCoverage(segment="A", hcps=4, contacted=1, coverage=0.25).coverage
0.25
"""

from __future__ import annotations

from pydantic import BaseModel, Field


class SegmentCoverage(BaseModel):
    segment: str
    hcps: int
    contacted: int
    coverage: float | None


class Kpis(BaseModel):
    period_start: str
    period_end: str
    department: str | None
    territory: str | None
    employee_id: str | None
    segment: str | None
    engagements: int
    latest_engagement_date: str | None = Field(
        description="Only when the period has no engagement: the latest date with one under "
        "the same filters (null if none at all)."
    )
    hcps_engaged: int
    targets: int
    target_coverage_rate: float | None
    plan_adherence: float | None
    working_days: int
    call_rate: float | None
    call_rate_per_employee: float | None
    visits: int
    visits_located: int = Field(description="Visits to HCPs whose practice location is known.")
    verified_visits: int = Field(description="Located visits with a GPS fix within the radius.")
    verified_visit_rate: float | None = Field(description="verified_visits / visits_located.")
    call_report_completeness: float | None
    key_message_delivery_rate: float | None
    outcome_mix: dict[str, int]
    suppressed: list[str] = Field(
        default_factory=list,
        description="Figures withheld across the firewall: fewer than 5 engagements behind "
        "them (outcome buckets under 5 are merged into 'other').",
    )
    segment_coverage: list[SegmentCoverage]
