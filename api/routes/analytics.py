"""KRM analytics over HTTP: coverage, speakers, field activity, knowledge, prescribing, ROI.

Each route checks the caller's role against ``kolgraph.analytics.access`` (403 otherwise),
records an audit event and calls one core function.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from pydantic import StringConstraints

from kolgraph import analytics
from kolgraph.analytics import access
from kolgraph.analytics.fabrication import suspicious_activity
from kolgraph.analytics.field_activity import FieldActivityParams
from kolgraph.api.deps import PolicyDep, StoreDep, ViewerDep
from kolgraph.api.errors import responses
from kolgraph.krm import audit
from kolgraph.krm.access import Permission, Viewer
from kolgraph.krm.dates import IsoDate
from kolgraph.krm.engagements import Department
from kolgraph.store import GraphStore

# A product name as written in prescriber data: printable text, no control characters.
ProductName = Annotated[
    str, StringConstraints(min_length=1, max_length=100, pattern=r"^[^\x00-\x1f\x7f-\x9f]+$")
]

router = APIRouter(prefix="/analytics", tags=["analytics"])
ERRORS = responses(401, 403, 422, 503)
Report = dict[str, Any]
Days = Annotated[int, Query(ge=1, le=3660, description="Window length in days.")]
Limit = Annotated[int, Query(ge=1, le=1000)]


def _allow(store: GraphStore, viewer: Viewer, analysis: str, detail: dict[str, Any]) -> None:
    access.require(analysis, viewer)
    audit.record(
        store,
        viewer,
        f"analytics.{analysis}",
        None,
        {k: v for k, v in detail.items() if v is not None},
    )


@router.get("/coverage", response_model=Report, responses=ERRORS)
def read_coverage(
    store: StoreDep,
    viewer: ViewerDep,
    until: IsoDate | None = None,
    days: Days = 180,
    limit: Limit = 50,
) -> Report:
    """Influential HCPs with too little engagement, and effort on low-influence HCPs."""
    _allow(store, viewer, "coverage", {"days": days})
    return analytics.coverage_gaps(
        store,
        until=until,
        params=analytics.CoverageParams(days=days, limit=limit),
        show_spend=viewer.can(Permission.SEE_SPEND),
    )


@router.get("/speakers", response_model=Report, responses=ERRORS)
def read_speakers(
    store: StoreDep,
    viewer: ViewerDep,
    until: IsoDate | None = None,
    years: Annotated[int, Query(ge=1, le=10)] = 2,
    min_expertise: Annotated[float, Query(ge=0, le=1)] = 0.5,
    limit: Limit = 50,
    include_non_hcp: Annotated[
        bool, Query(description="Also propose people scoring found not eligible as HCPs.")
    ] = False,
) -> Report:
    """Speaker candidates ranked with reasons; prescribing data is never read."""
    _allow(store, viewer, "speakers", {"years": years})
    return analytics.speaker_candidates(
        store,
        until=until,
        years=years,
        min_expertise=min_expertise,
        limit=limit,
        include_non_hcp=include_non_hcp,
    )


@router.post(
    "/speakers/proposals",
    response_model=Report,
    status_code=201,
    responses=responses(401, 403, 422, 503),
)
def record_speakers(
    store: StoreDep,
    viewer: ViewerDep,
    until: IsoDate | None = None,
    years: Annotated[int, Query(ge=1, le=10)] = 2,
    min_expertise: Annotated[float, Query(ge=0, le=1)] = 0.5,
    limit: Limit = 50,
) -> Report:
    """Rank speaker candidates and store each proposal with its reasons."""
    _allow(store, viewer, "speakers", {"years": years, "record": True})
    report = analytics.speaker_candidates(
        store, until=until, years=years, min_expertise=min_expertise, limit=limit
    )
    report["recorded"] = analytics.record_proposals(store, report["candidates"])
    return report


@router.get("/field-activity", response_model=Report, responses=ERRORS)
def read_field_activity(
    store: StoreDep,
    viewer: ViewerDep,
    policy: PolicyDep,
    until: IsoDate | None = None,
    days: Days = 180,
    period: Literal["month", "week", "all"] = "month",
    department: Department | None = None,
    contamination: Annotated[float, Query(gt=0, le=0.5)] = 0.1,
    seed: Annotated[int, Query(ge=0, le=2**31 - 1)] = 0,
) -> Report:
    """Employee-periods whose records look fabricated, each flag with its drivers."""
    _allow(store, viewer, "field_activity", {"days": days, "department": department})
    params = FieldActivityParams.for_policy(
        policy, days=days, period=period, contamination=contamination, seed=seed
    )
    return suspicious_activity(store, until=until, department=department, params=params)


@router.get("/knowledge", response_model=Report, responses=ERRORS)
def read_knowledge(
    store: StoreDep,
    viewer: ViewerDep,
    hcp_id: Annotated[str | None, Query(min_length=1, max_length=128)] = None,
    segment: Literal["A", "B", "C"] | None = None,
    until: IsoDate | None = None,
    days: Days = 365,
    weak_below: Annotated[float, Query(gt=0, le=1)] = 0.6,
    limit: Limit = 100,
) -> Report:
    """Weak quiz dimensions per HCP, messages delivered (behind the firewall), what next."""
    _allow(store, viewer, "knowledge", {"hcp_id": hcp_id, "segment": segment})
    return analytics.knowledge_gaps(
        store,
        viewer=viewer,
        hcp_id=hcp_id,
        segment=segment,
        until=until,
        days=days,
        weak_below=weak_below,
        limit=limit,
    )


@router.get("/prescribing", response_model=Report, responses=ERRORS)
def read_prescribing(
    store: StoreDep,
    viewer: ViewerDep,
    product: Annotated[list[ProductName] | None, Query(max_length=50)] = None,
    threshold: Annotated[float, Query(gt=0, le=100)] = 0.5,
    min_claims: Annotated[int, Query(ge=0, le=10**9)] = 20,
    limit: Limit = 100,
) -> Report:
    """Prescribing potential and HCPs whose prescribing swings sharply year to year."""
    _allow(store, viewer, "prescribing", {"threshold": threshold})
    return analytics.prescribing_report(
        store, products=product, threshold=threshold, min_claims=min_claims, limit=limit
    )


@router.get("/roi", response_model=Report, responses=ERRORS)
def read_roi(
    store: StoreDep,
    viewer: ViewerDep,
    until: IsoDate | None = None,
    days: Days = 365,
    limit: Limit = 100,
) -> Report:
    """Spend versus change in KOL outcomes per KOL, department, therapeutic area, product."""
    _allow(store, viewer, "roi", {"days": days})
    return analytics.return_on_engagement(store, until=until, days=days, limit=limit)
