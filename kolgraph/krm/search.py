"""Find KOLs: filtered, ranked search with keyset cursors, and lookups by CRM identifiers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from kolgraph.errors import InvalidRequest, UnknownHcp
from kolgraph.krm.access import Permission, Viewer
from kolgraph.krm.areas import areas_of_hcps
from kolgraph.krm.cursors import decode_cursor, encode_cursor
from kolgraph.krm.results.hcps import Hcp, HcpPage, LookupResult
from kolgraph.mesh import AreaNotFound, resolve_area
from kolgraph.schema import SCORE_PROPERTIES
from kolgraph.store import GraphStore

IdKind = Literal["id", "npi", "orcid", "crm_id", "profile_id"]
ID_KINDS: tuple[str, ...] = ("id", "npi", "orcid", "crm_id", "profile_id")
SORTABLE: tuple[str, ...] = SCORE_PROPERTIES
MAX_PAGE = 200
MAX_BULK = 1000
_TOPIC_CAP = 100_000


@dataclass(frozen=True)
class HcpFilters:
    """What to search for; every field is optional and they combine with AND."""

    q: str | None = None
    specialty: str | None = None
    topic: str | None = None
    institution: str | None = None
    city: str | None = None
    state: str | None = None
    country: str | None = None
    tier: str | None = None
    segment: str | None = None
    scope: str | None = None
    community: str | None = None
    min_influence: float | None = None
    rising_star: bool | None = None
    include_non_hcp: bool = False
    """Also list people a scoring run found not eligible (industry, no HCP evidence)."""


def _lower(value: str | None) -> str | None:
    value = (value or "").strip().lower()
    return value or None


def _ids_by_topic(store: GraphStore, topic: str) -> list[str]:
    """HCPs with a topic whose name contains ``topic``, and, when ``topic`` names a
    therapeutic area (a MeSH tree number such as ``C14``, a descriptor id or name:
    :func:`kolgraph.mesh.resolve_area`), with any topic of its subtree: "Cardiovascular
    Diseases" finds the authors of papers on aortic stenosis."""
    found = [r["id"] for r in store.run("hcp_ids_by_topic", topic=_lower(topic), limit=_TOPIC_CAP)]
    try:
        area = resolve_area(topic, suggest=False)  # not an area: a plain topic search
    except AreaNotFound:
        return found
    topic_ids = sorted(f"mesh:{ui}" for ui in area.descriptors)
    in_area = store.run("hcp_ids_by_topic_ids", topic_ids=topic_ids, limit=_TOPIC_CAP)
    return list(dict.fromkeys([*found, *(r["id"] for r in in_area)]))[:_TOPIC_CAP]


def search_hcps(
    store: GraphStore,
    viewer: Viewer,
    filters: HcpFilters,
    *,
    sort: str = "influence",
    order: Literal["asc", "desc"] = "desc",
    limit: int = 50,
    cursor: str | None = None,
) -> HcpPage:
    """HCPs matching ``filters`` ranked by the score ``sort``: a page and the next cursor.

    HCPs without that score sort last (descending) or first (ascending).

    Raises
    ------
    InvalidRequest
        If ``sort`` is not a score or the cursor is not one this service issued.
    """
    viewer.require(Permission.READ_HCPS)
    if sort not in SORTABLE:
        raise InvalidRequest(f"cannot sort by {sort!r}; use one of {', '.join(SORTABLE)}", "sort")
    after_value, after_id = decode_cursor(cursor, "cursor") if cursor else (None, None)
    ids: list[str] | None = None
    if _lower(filters.topic):
        ids = _ids_by_topic(store, filters.topic or "")
    limit = max(1, min(limit, MAX_PAGE))
    rows = store.run(
        f"search_hcps_{order}",
        {"sort": sort},
        ids=ids,
        q=_lower(filters.q),
        specialty=_lower(filters.specialty),
        institution=_lower(filters.institution),
        city=_lower(filters.city),
        state=filters.state,
        country=filters.country,
        tier=filters.tier,
        segment=filters.segment,
        scope=filters.scope,
        community=filters.community,
        min_influence=filters.min_influence,
        rising_star=filters.rising_star,
        include_non_hcp=filters.include_non_hcp,
        after_value=after_value,
        after_id=after_id,
        limit=limit,
    )
    next_cursor = (
        encode_cursor([rows[-1]["sv"], rows[-1]["hcp"]["id"]]) if len(rows) == limit else None
    )
    areas = areas_of_hcps(store, [row["hcp"]["id"] for row in rows])
    items = [Hcp.model_validate({**row["hcp"], "areas": areas[row["hcp"]["id"]]}) for row in rows]
    return HcpPage(items=items, next_cursor=next_cursor)


def lookup_hcp(store: GraphStore, viewer: Viewer, kind: str, value: str) -> Hcp:
    """The one HCP whose ``kind`` identifier (id, npi, orcid, crm_id, profile_id) is ``value``.

    Raises
    ------
    UnknownHcp
        If none has it.
    """
    result = lookup_hcps(store, viewer, {kind: [value]})
    if result.missing:
        raise UnknownHcp(f"no HCP with {kind} {value!r}; search with GET /hcps?q=...")
    return result.found[0].hcp


def lookup_hcps(
    store: GraphStore, viewer: Viewer, identifiers: dict[str, list[str]]
) -> LookupResult:
    """Resolve up to 1,000 identifiers of any kinds; return matches and the ones not found.

    Returns
    -------
    LookupResult
        ``found`` (kind, value, hcp) in request order, and the ``missing`` (kind, value).

    Raises
    ------
    InvalidRequest
        If a kind is unknown or more than 1,000 identifiers are asked for.
    """
    viewer.require(Permission.READ_HCPS)
    total = sum(len(v) for v in identifiers.values())
    if total > MAX_BULK:
        raise InvalidRequest(f"at most {MAX_BULK} identifiers per call, got {total}", "body")
    found: list[dict[str, Any]] = []
    missing: list[dict[str, str]] = []
    for kind, values in identifiers.items():
        if kind not in ID_KINDS:
            raise InvalidRequest(
                f"unknown identifier kind {kind!r}; use {', '.join(ID_KINDS)}", kind
            )
        if not values:
            continue
        rows = store.run("hcps_by_identifier", {"prop": kind}, values=list(values))
        by_value = {str(r["value"]): r["hcp"] for r in rows}
        for value in values:
            if value in by_value:
                found.append({"kind": kind, "value": value, "hcp": by_value[value]})
            else:
                missing.append({"kind": kind, "value": value})
    areas = areas_of_hcps(store, list(dict.fromkeys(hit["hcp"]["id"] for hit in found)))
    for hit in found:
        hit["hcp"] = {**hit["hcp"], "areas": areas[hit["hcp"]["id"]]}
    return LookupResult.model_validate({"found": found, "missing": missing})
