"""Data-subject requests for one HCP: export everything held, erase (pseudonymise) on request.

Erasure keeps the HCP's node and every relationship, so publication, referral,
engagement and spend totals stay exactly as they were (transparency reports and KPIs
do not change); what identifies the person goes: names, identifiers, address and
location on the HCP and on the source mentions resolved to it, free-text notes on
engagements, and the NPI-derived id itself, replaced by ``erased:<hash>``. Both
requests are written to the audit log.

Examples
--------
>>> pseudonym("npi:1234567893").startswith("erased:")
True
>>> pseudonym("npi:1234567893") == pseudonym("npi:1234567893")
True
"""

from __future__ import annotations

import hashlib
from typing import Any

from kolgraph.errors import InvalidRequest
from kolgraph.krm import audit
from kolgraph.krm.access import Permission, Viewer
from kolgraph.krm.profiles import hcp_node
from kolgraph.store import GraphStore

# HCP properties that identify the person; scores, specialty and state stay (aggregates).
HCP_PERSONAL = (
    "name", "family", "given", "initials", "name_key", "npi", "orcid", "crm_id", "profile_id",
    "credential", "city", "postal_code", "lat", "lon", "institution", "email", "phone",
    "source_id",
)
MENTION_PERSONAL = (
    "name", "family", "given", "initials", "name_key", "block_key", "affiliation",
    "affiliations", "orcid", "npi", "crm_id", "email", "source_id",
)
ENGAGEMENT_PERSONAL = ("notes", "lat", "lon", "datetime")
PRESCRIBING_PERSONAL = ("npi",)


def pseudonym(hcp_id: str) -> str:
    """The id an erased HCP gets: stable for one id, not reversible.

    Examples
    --------
    >>> len(pseudonym("npi:1"))
    23
    """
    return "erased:" + hashlib.sha256(f"kolgraph-erasure:{hcp_id}".encode()).hexdigest()[:16]


def subject_export(store: GraphStore, viewer: Viewer, hcp_id: str) -> dict[str, Any]:
    """Everything held about one HCP: the node, what points at it, its links, its audit trail.

    The audit trail holds the events on the HCP and on its engagements and plans.

    Raises
    ------
    AccessDenied
        Unless the role handles data-subject requests (compliance, admin).
    UnknownHcp
        If no HCP has id ``hcp_id``.
    """
    viewer.require(Permission.HANDLE_PRIVACY_REQUESTS)
    node = hcp_node(store, hcp_id)
    incoming = store.run("subject_links_in", id=hcp_id)
    records: dict[str, list[dict[str, Any]]] = {}
    for row in incoming:
        records.setdefault(row["label"], []).append(
            {"relationship": row["type"], **dict(row["node"]), "link": row["props"]})
    links = [{"type": r["type"], "label": r["label"], "id": r["id"], "props": r["props"]}
             for r in store.run("subject_links_out", id=hcp_id)]
    targets = [hcp_id, *sorted({r["id"] for r in incoming
                                if r["label"] in ("Engagement", "Plan") and r["id"]})]
    trail = [event for target in targets for event in _audit_trail(store, viewer, target)]
    audit.record(store, viewer, "privacy.export", hcp_id,
                 {"records": sum(len(v) for v in records.values()), "links": len(links)})
    return {"hcp": node, "records": records, "links": links, "audit": trail}


def _audit_trail(store: GraphStore, viewer: Viewer, target: str) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = []
    while True:
        page = audit.query_events(store, viewer, target=target, limit=audit.MAX_PAGE,
                                  after=events[-1]["id"] if events else None)
        events += page
        if len(page) < audit.MAX_PAGE:
            return events


def erase_subject(
    store: GraphStore, viewer: Viewer, hcp_id: str, *, reference: str | None = None
) -> dict[str, Any]:
    """Pseudonymise one HCP's personal data; counts and aggregates stay as they were.

    Parameters
    ----------
    reference : str, optional
        The request's reference (ticket number), kept in the audit event.

    Raises
    ------
    AccessDenied
        Unless the role handles data-subject requests (compliance, admin).
    UnknownHcp
        If no HCP has id ``hcp_id`` (an erased HCP is only found by its new id).
    """
    viewer.require(Permission.HANDLE_PRIVACY_REQUESTS)
    if hcp_id.startswith("erased:"):
        raise InvalidRequest(f"HCP {hcp_id!r} is already erased", "hcp_id")
    hcp_node(store, hcp_id)
    new_id = pseudonym(hcp_id)
    at = audit.audit_event(viewer, "privacy.erase", new_id)["props"]["at"]
    props: dict[str, Any] = dict.fromkeys(HCP_PERSONAL)
    props.update(name="[erased]", erased=True, erased_at=at)
    store.run("erase_hcp_properties", id=hcp_id, new_id=new_id, props=props)
    references = store.run("erase_hcp_references", id=hcp_id, new_id=new_id)[0]["n"]
    cleared = sum(
        int(store.run("erase_linked_personal_data", {"label": label}, new_id=new_id,
                      props=dict.fromkeys(fields))[0]["n"])
        for label, fields in (("Mention", MENTION_PERSONAL), ("Engagement", ENGAGEMENT_PERSONAL),
                              ("PrescribingYear", PRESCRIBING_PERSONAL)))
    summary = {"hcp_id": new_id, "references_updated": int(references),
               "records_cleared": int(cleared), "erased_at": at}
    audit.record(store, viewer, "privacy.erase", new_id, {
        "request_reference": (reference or "")[:200], "records_cleared": cleared})
    return summary
