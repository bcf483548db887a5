"""Data-subject requests for one HCP: export everything held, erase (pseudonymise)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query

from kolgraph.api.deps import AuditBufferDep, StoreDep, ViewerDep
from kolgraph.api.errors import responses
from kolgraph.krm import privacy

router = APIRouter(prefix="/privacy", tags=["privacy"])
HcpId = Annotated[str, Path(min_length=1, max_length=128)]


@router.get(
    "/hcps/{hcp_id}", response_model=dict[str, Any], responses=responses(401, 403, 404, 422, 503)
)
def export_subject(
    hcp_id: HcpId, store: StoreDep, viewer: ViewerDep, audit_log: AuditBufferDep
) -> dict[str, Any]:
    """Everything held about one HCP (data-subject access request); audited."""
    if audit_log is not None:
        audit_log.flush()  # the trail must include profile reads still waiting in this process
    return privacy.subject_export(store, viewer, hcp_id)


@router.post(
    "/hcps/{hcp_id}/erase",
    response_model=dict[str, Any],
    responses=responses(401, 403, 404, 422, 503),
)
def erase_subject(
    hcp_id: HcpId,
    store: StoreDep,
    viewer: ViewerDep,
    audit_log: AuditBufferDep,
    reference: Annotated[
        str | None, Query(min_length=1, max_length=200, description="The request's ticket number.")
    ] = None,
) -> dict[str, Any]:
    """Pseudonymise one HCP's personal data; aggregate counts stay; audited."""
    if audit_log is not None:
        audit_log.flush()  # pending events name the HCP's old id: write them before erasure
    return privacy.erase_subject(store, viewer, hcp_id, reference=reference)
