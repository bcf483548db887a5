"""One KOL's record in detail (papers, trials, congress roles, affiliations over time) and
employee names for the contact timeline."""

from __future__ import annotations

from typing import Any

from kolgraph.krm.access import Permission, Viewer
from kolgraph.krm.profiles import hcp_node
from kolgraph.store import GraphStore

MAX_EMPLOYEES = 200


def hcp_activity(
    store: GraphStore, viewer: Viewer, hcp_id: str, *, limit: int = 100
) -> dict[str, Any]:
    """Publications (title, journal, year, citations, author role), trials (phase, status,
    role), congress roles (session, congress, year) and affiliations, newest first.

    Raises
    ------
    UnknownHcp
        If no HCP has id ``hcp_id``.
    """
    viewer.require(Permission.READ_HCPS)
    hcp_node(store, hcp_id)
    return {
        "hcp_id": hcp_id,
        "publications": store.run("hcp_publications", id=hcp_id, limit=limit),
        "trials": store.run("hcp_trials", id=hcp_id, limit=limit),
        "congress_roles": store.run("hcp_congress_roles", id=hcp_id, limit=limit),
        "affiliations": store.run("hcp_affiliation_history", id=hcp_id),
    }


def employee_names(store: GraphStore, viewer: Viewer, ids: list[str]) -> dict[str, str | None]:
    """Employee id -> name (as the CRM sent it) for the ids that are known.

    Every role that reads engagement history sees who carried an engagement out; the name
    is shown with the id it already sees.
    """
    viewer.require(Permission.READ_ENGAGEMENTS)
    wanted = [f"emp:{i}" for i in dict.fromkeys(ids)][:MAX_EMPLOYEES]
    return {r["employee_id"]: r["name"] for r in store.run("employee_names", ids=wanted)}
