"""Find KOLs, look them up from the CRM, read profiles, ego networks and communities."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query

from kolgraph.api.deps import AuditBufferDep, StoreDep, ViewerDep
from kolgraph.api.errors import responses
from kolgraph.api.schemas import (
    Community,
    Hcp,
    HcpPage,
    LookupRequest,
    LookupResult,
    Network,
    Profile,
)
from kolgraph.errors import InvalidRequest
from kolgraph.krm import network, profiles, search
from kolgraph.schema import SCORE_PROPERTIES

router = APIRouter(tags=["hcps"])
HcpId = Annotated[
    str, Path(min_length=1, max_length=128, description="kolgraph HCP id, e.g. npi:1234567893")
]
Text = Annotated[str | None, Query(min_length=1, max_length=100)]
SortKey = Literal[SCORE_PROPERTIES]  # type: ignore[valid-type]
ERRORS = responses(401, 403, 404, 422, 503)


@router.get("/hcps", response_model=HcpPage, responses=ERRORS)
def find_hcps(
    store: StoreDep,
    viewer: ViewerDep,
    q: Annotated[str | None, Query(min_length=1, max_length=100, description="Name.")] = None,
    specialty: Text = None,
    topic: Annotated[
        str | None,
        Query(
            min_length=1,
            max_length=100,
            description="Therapeutic area (MeSH tree number, descriptor id or name: its whole "
            "subtree) or text in a topic's name.",
        ),
    ] = None,
    institution: Text = None,
    city: Text = None,
    state: Annotated[str | None, Query(min_length=1, max_length=40)] = None,
    country: Annotated[str | None, Query(min_length=1, max_length=60)] = None,
    tier: Literal["strategic", "potential", "basic"] | None = None,
    segment: Literal["A", "B", "C"] | None = None,
    scope: Literal["local", "regional", "national", "international"] | None = None,
    community: Annotated[str | None, Query(min_length=1, max_length=64)] = None,
    min_influence: Annotated[float | None, Query(ge=0, le=100)] = None,
    rising_star: bool | None = None,
    include_non_hcp: Annotated[
        bool,
        Query(
            description="Also list people scoring found not eligible as HCPs (industry authors, "
            "no HCP evidence); analysts only need this."
        ),
    ] = False,
    sort: SortKey = "influence",
    order: Literal["asc", "desc"] = "desc",
    limit: Annotated[int, Query(ge=1, le=search.MAX_PAGE)] = 50,
    cursor: Annotated[
        str | None,
        Query(
            min_length=1,
            max_length=400,
            pattern=r"^[A-Za-z0-9_-]+$",
            description="next_cursor of the previous page (opaque)",
        ),
    ] = None,
) -> HcpPage:
    """Search and rank HCPs by any score; follow `next_cursor` for more."""
    filters = search.HcpFilters(
        q=q,
        specialty=specialty,
        topic=topic,
        institution=institution,
        city=city,
        state=state,
        country=country,
        tier=tier,
        segment=segment,
        scope=scope,
        community=community,
        min_influence=min_influence,
        rising_star=rising_star,
        include_non_hcp=include_non_hcp,
    )
    return search.search_hcps(
        store, viewer, filters, sort=sort, order=order, limit=limit, cursor=cursor
    )


Ident = Annotated[str | None, Query(min_length=1, max_length=128)]


@router.get("/hcps/lookup", response_model=Hcp, responses=ERRORS)
def lookup_hcp(
    store: StoreDep,
    viewer: ViewerDep,
    npi: Ident = None,
    orcid: Ident = None,
    crm_id: Ident = None,
    id: Ident = None,
    profile_id: Ident = None,
) -> Hcp:
    """Find one HCP by exactly one of npi, orcid, crm_id, id or profile_id."""
    given = {
        k: v
        for k, v in {
            "npi": npi,
            "orcid": orcid,
            "crm_id": crm_id,
            "id": id,
            "profile_id": profile_id,
        }.items()
        if v is not None
    }
    if len(given) != 1:
        raise InvalidRequest("give exactly one of npi, orcid, crm_id, id or profile_id", "npi")
    ((kind, value),) = given.items()
    return search.lookup_hcp(store, viewer, kind, value)


@router.post(
    "/hcps/lookup", response_model=LookupResult, responses=responses(400, 401, 403, 413, 422, 503)
)
def lookup_hcps(body: LookupRequest, store: StoreDep, viewer: ViewerDep) -> LookupResult:
    """Resolve up to 1,000 CRM identifiers in one call; unknown ones are listed as missing."""
    return search.lookup_hcps(store, viewer, body.model_dump())


@router.get("/hcps/{hcp_id}", response_model=Profile, responses=ERRORS)
def read_profile(
    hcp_id: HcpId, store: StoreDep, viewer: ViewerDep, audit_log: AuditBufferDep
) -> Profile:
    """One KOL's profile: identity, scores and why, activity, network and engagements."""
    return profiles.hcp_profile(store, viewer, hcp_id, audit_log=audit_log)


@router.get("/hcps/{hcp_id}/network", response_model=Network, responses=ERRORS)
def read_network(
    hcp_id: HcpId,
    store: StoreDep,
    viewer: ViewerDep,
    hops: Annotated[int, Query(ge=1, le=2)] = 1,
    layers: Annotated[
        list[Literal["coauthor", "referral", "congress", "trial"]] | None, Query()
    ] = None,
    max_nodes: Annotated[int, Query(ge=1, le=network.MAX_NODES)] = 200,
) -> Network:
    """The HCP's ego network (1 or 2 hops, chosen layers) as nodes and edges."""
    return network.ego_network(
        store,
        viewer,
        hcp_id,
        hops=hops,
        layers=list(dict.fromkeys(layers or [])) or None,
        max_nodes=max_nodes,
    )


@router.get("/communities/{community_id}", response_model=Community, responses=ERRORS)
def read_community(
    community_id: Annotated[str, Path(min_length=1, max_length=64)],
    store: StoreDep,
    viewer: ViewerDep,
    limit: Annotated[int, Query(ge=1, le=network.MAX_NODES)] = 200,
) -> Community:
    """A community's members, hubs and bridges."""
    return network.community(store, viewer, community_id, limit=limit)
