"""Industry payments an HCP received (CMS Open Payments): the transparency panel."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from kolgraph.api.deps import StoreDep, ViewerDep
from kolgraph.api.errors import responses
from kolgraph.api.schemas import IndustryPayments
from kolgraph.krm import payments

router = APIRouter(tags=["hcps"])
HcpId = Annotated[
    str, Path(min_length=1, max_length=128, description="kolgraph HCP id, e.g. npi:1234567893")
]


@router.get(
    "/hcps/{hcp_id}/industry-payments",
    response_model=IndustryPayments,
    responses=responses(401, 403, 404, 422, 503),
)
def read_industry_payments(hcp_id: HcpId, store: StoreDep, viewer: ViewerDep) -> IndustryPayments:
    """Payments every manufacturer disclosed making to the HCP, by manufacturer, nature,
    product and year; ``ours`` marks our company's (only those count in our spend)."""
    return payments.industry_payments(store, viewer, hcp_id)
