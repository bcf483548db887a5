"""Community names for the pages and API clients: ``GET /communities?ids=…``."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from kolgraph.api.deps import StoreDep, ViewerDep
from kolgraph.api.errors import responses
from kolgraph.api.schemas import CommunityName
from kolgraph.krm import communities

router = APIRouter(tags=["hcps"])


@router.get(
    "/communities", response_model=list[CommunityName], responses=responses(401, 403, 422, 503)
)
def name_communities(
    store: StoreDep,
    viewer: ViewerDep,
    ids: Annotated[
        list[str],
        Query(
            min_length=1,
            max_length=communities.MAX_IDS,
            description="Community ids, as on HCP rows.",
        ),
    ],
) -> list[CommunityName]:
    """Each community's size, its members' most shared major topics and institutions, and a
    readable label (``"Multiple Sclerosis, Interferon-beta · UCSF"``); unknown ids are left out."""
    return communities.community_names(store, viewer, ids)
