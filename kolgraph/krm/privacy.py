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


# Records about the person, exported whole; other neighbours (papers, sessions) as links.
PERSONAL_RECORDS = ("Engagement", "Plan", "Score", "Mention", "PrescribingYear", "QuizResult",
                    "SpeakerProposal")
_CLEARED = {"Mention": MENTION_PERSONAL, "Engagement": ENGAGEMENT_PERSONAL,
            "PrescribingYear": PRESCRIBING_PERSONAL}


def _linked(store: GraphStore, hcp_id: str) -> list[dict[str, Any]]:
    return [*store.run("subject_links_in", id=hcp_id), *store.run("subject_links_out", id=hcp_id)]


def subject_export(store: GraphStore, viewer: Viewer, hcp_id: str) -> dict[str, Any]:
    """Everything held about one HCP: the node, records about it, its links, its audit trail.

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
    records: dict[str, list[dict[str, Any]]] = {}
    links: list[dict[str, Any]] = []
    for row in _linked(store, hcp_id):
        if row["label"] in PERSONAL_RECORDS:
            records.setdefault(row["label"], []).append(
                {"relationship": row["type"], **dict(row["node"]), "link": row["props"]})
        else:
            links.append({"type": row["type"], "label": row["label"], "id": row["id"],
                          "props": row["props"]})
    targets = [hcp_id, *sorted({r["id"] for label in ("Engagement", "Plan")
                                for r in records.get(label, [])})]
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
    InvalidRequest
        If the HCP was erased before.
    UnknownHcp
        If no HCP has id ``hcp_id``.
    """
    viewer.require(Permission.HANDLE_PRIVACY_REQUESTS)
    if hcp_id.startswith("erased:"):
        raise InvalidRequest(f"HCP {hcp_id!r} is already erased", "hcp_id")
    node = hcp_node(store, hcp_id)
    new_id = pseudonym(hcp_id)
    at = audit.audit_event(viewer, "privacy.erase", new_id)["props"]["at"]
    per_label: dict[str, dict[str, dict[str, Any]]] = {}
    for row in _linked(store, hcp_id):
        label, props = row["label"], dict(row["node"])
        if label == "HCP" or row["id"] is None:
            continue  # other physicians (referral partners) are not this person's records
        cleared = {k: v for k, v in props.items() if k not in _CLEARED.get(label, ())}
        if cleared.get("hcp_id") == hcp_id:
            cleared["hcp_id"] = new_id
        if cleared != props:
            per_label.setdefault(label, {})[row["id"]] = {"id": row["id"], "props": cleared}
    kept = {k: v for k, v in node.items() if k not in HCP_PERSONAL}
    kept.update(id=new_id, name="[erased]", erased=True, erased_at=at)
    store.run("replace_node_properties", {"label": "HCP"}, rows=[{"id": hcp_id, "props": kept}])
    changed = 0
    for label, rows in sorted(per_label.items()):
        changed += store.write("replace_node_properties", list(rows.values()), {"label": label})
    summary = {"hcp_id": new_id, "records_cleared": changed, "erased_at": at}
    audit.record(store, viewer, "privacy.erase", new_id,
                 {"request_reference": (reference or "")[:200], "records_cleared": changed})
    return summary
