"""One KOL's profile: identity, scores with their explanation, activity, network and contacts."""

from __future__ import annotations

import json
from typing import Any

from kolgraph.errors import UnknownHcp
from kolgraph.krm import audit
from kolgraph.krm.access import Permission, Viewer
from kolgraph.store import GraphStore

IDENTITY = (
    "id", "name", "family", "given", "npi", "orcid", "crm_id", "profile_id", "credential",
    "specialty", "taxonomy", "institution", "city", "state", "country", "postal_code", "lat", "lon",
)
SCORES = (
    "influence", "scientific", "congress", "trials", "network", "referral", "pagerank",
    "betweenness", "reach_1", "reach_2",
)
CLASSIFICATION = ("tier", "segment", "scope", "community", "community_role", "rising_star",
                  "score_run")


def hcp_node(store: GraphStore, hcp_id: str) -> dict[str, Any]:
    """The HCP node's properties.

    Raises
    ------
    UnknownHcp
        If no HCP has id ``hcp_id``.
    """
    rows = store.run("node_by_id", {"label": "HCP"}, id=hcp_id)
    if not rows:
        raise UnknownHcp(
            f"no HCP with id {hcp_id!r}; find it with GET /hcps?q=... or "
            "GET /hcps/lookup?npi=..."
        )
    return dict(rows[0]["props"])


def parse_json(text: Any) -> Any:
    """A JSON string stored on a node, parsed; objects pass through, bad text gives None.

    Examples
    --------
    >>> parse_json('{"tier": "strategic"}'), parse_json(None), parse_json("{bad")
    ({'tier': 'strategic'}, None, None)
    """
    if text is None or isinstance(text, dict | list):
        return text
    try:
        return json.loads(text)
    except (TypeError, ValueError):
        return None


def _one(store: GraphStore, name: str, hcp_id: str) -> dict[str, Any]:
    rows = store.run(name, id=hcp_id)
    return rows[0] if rows else {}


def _referrals(rows: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "partners": len(rows),
        "pair_count": int(sum(r["pair_count"] or 0 for r in rows)),
        "top": [{"id": r["id"], "name": r["name"], "pair_count": r["pair_count"]}
                for r in rows[:5]],
    }


def engagement_summary(
    store: GraphStore, viewer: Viewer, hcp_id: str
) -> dict[str, Any]:
    """Engagements with one HCP per department: count, last date, spend (if the role sees it)."""
    rows = store.run("hcp_engagement_summary", id=hcp_id)
    spend_ok = viewer.can(Permission.SEE_SPEND)
    departments = [
        {
            "department": r["department"], "engagements": r["engagements"],
            "last_date": r["last_date"],
            "spend": round(float(r["spend"] or 0.0), 2) if spend_ok else None,
        }
        for r in sorted(rows, key=lambda r: (-(r["engagements"] or 0), str(r["department"])))
    ]
    return {
        "engagements": sum(d["engagements"] for d in departments),
        "last_date": max((d["last_date"] for d in departments if d["last_date"]), default=None),
        "total_spend": round(sum(d["spend"] or 0.0 for d in departments), 2) if spend_ok else None,
        "departments": departments,
    }


def hcp_profile(store: GraphStore, viewer: Viewer, hcp_id: str) -> dict[str, Any]:
    """Everything the KRM team needs on one HCP; the read is recorded in the audit log.

    Raises
    ------
    UnknownHcp
        If no HCP has id ``hcp_id``.
    """
    viewer.require(Permission.READ_HCPS)
    node = hcp_node(store, hcp_id)
    score_row = _one(store, "hcp_latest_score", hcp_id)
    score = score_row.get("score") or {}
    explanation = parse_json(score.get("explanation"))
    pubs = _one(store, "hcp_publication_summary", hcp_id)
    congress = _one(store, "hcp_congress_summary", hcp_id)
    profile = {
        "identity": {k: node.get(k) for k in IDENTITY},
        "affiliations": store.run("hcp_affiliations", id=hcp_id),
        "scores": {k: node.get(k, score.get(k)) for k in SCORES},
        "classification": {k: node.get(k, score.get(k)) for k in CLASSIFICATION},
        "explanation": explanation if isinstance(explanation, dict) else None,
        "score_run": score_row.get("run"),
        "publications": {
            "count": pubs.get("publications", 0) or 0,
            "first_author": pubs.get("first_author", 0) or 0,
            "last_author": pubs.get("last_author", 0) or 0,
            "first_year": pubs.get("first_year"), "last_year": pubs.get("last_year"),
            "recent": store.run("hcp_recent_publications", id=hcp_id),
            "top_topics": store.run("hcp_top_topics", id=hcp_id),
        },
        "congresses": {
            "sessions": congress.get("sessions", 0) or 0,
            "congresses": congress.get("congresses", 0) or 0,
            "roles": sorted(r for r in congress.get("roles", []) or [] if r),
            "last_year": congress.get("last_year"),
        },
        "trials": (_one(store, "hcp_trial_count", hcp_id).get("trials") or 0),
        "referrals": {
            "outgoing": _referrals(store.run("hcp_referrals_out", id=hcp_id)),
            "incoming": _referrals(store.run("hcp_referrals_in", id=hcp_id)),
        },
        "top_collaborators": store.run("hcp_top_collaborators", id=hcp_id),
        "engagement_summary": engagement_summary(store, viewer, hcp_id),
    }
    if profile["score_run"] is not None:
        run = dict(profile["score_run"])
        run["parameters"] = parse_json(run.get("parameters"))
        profile["score_run"] = run
    audit.record(store, viewer, "hcp.profile.read", hcp_id)
    return profile
