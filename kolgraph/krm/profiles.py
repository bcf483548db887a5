"""One KOL's profile: identity, scores with their explanation, activity, network and contacts."""

from __future__ import annotations

import json
from typing import Any

from kolgraph.errors import UnknownHcp
from kolgraph.krm import audit
from kolgraph.krm.access import Permission, Viewer
from kolgraph.krm.areas import area_counts
from kolgraph.krm.results.profile import Profile
from kolgraph.store import GraphStore
from kolgraph.store import score_pages as stored

IDENTITY = (
    "id",
    "name",
    "family",
    "given",
    "npi",
    "orcid",
    "crm_id",
    "profile_id",
    "credential",
    "specialty",
    "taxonomy",
    "institution",
    "city",
    "state",
    "country",
    "postal_code",
    "lat",
    "lon",
)
SCORES = (
    "influence",
    "scientific",
    "congress",
    "trials",
    "network",
    "referral",
    "pagerank",
    "betweenness",
    "reach_1",
    "reach_2",
)
CLASSIFICATION = (
    "tier",
    "segment",
    "scope",
    "community",
    "community_role",
    "rising_star",
    "influence_percentile",
    "score_run",
)


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
            f"no HCP with id {hcp_id!r}; find it with GET /hcps?q=... or GET /hcps/lookup?npi=..."
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


def _referrals(rows: list[dict[str, Any]]) -> dict[str, Any]:
    rows = sorted(rows, key=lambda r: (-(r["pair_count"] or 0), str(r["id"])))
    return {
        "partners": len(rows),
        "pair_count": int(sum(r["pair_count"] or 0 for r in rows)),
        "top": rows[:5],
    }


def _engagements(rows: list[dict[str, Any]], viewer: Viewer) -> dict[str, Any]:
    spend_ok = viewer.can(Permission.SEE_SPEND)
    departments = [
        {
            "department": r["department"],
            "engagements": r["engagements"],
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


def _publications(pubs: list[dict[str, Any]], topics: list[dict[str, Any]]) -> dict[str, Any]:
    areas = area_counts(p.get("topic_ids") for p in pubs)
    pubs = [{k: v for k, v in p.items() if k != "topic_ids"} for p in pubs]
    years = [p["year"] for p in pubs if isinstance(p.get("year"), int | float)]
    recent = sorted(pubs, key=lambda p: (-(p.get("year") or 0), str(p["id"])))[:5]
    return {
        "areas": areas,
        "count": len(pubs),
        "first_author": sum(p.get("role") in ("first", "single") for p in pubs),
        "last_author": sum(p.get("role") == "last" for p in pubs),
        "first_year": min(years, default=None),
        "last_year": max(years, default=None),
        "recent": recent,
        "top_topics": topics,
    }


def hcp_profile(
    store: GraphStore, viewer: Viewer, hcp_id: str, *, audit_log: audit.AuditBuffer | None = None
) -> Profile:
    """Everything the KRM team needs on one HCP; the read is recorded in the audit log.

    One round trip to the store (``hcp_profile_bundle``) plus the audit event, written
    at once or, given ``audit_log``, queued there and written with the next batch.

    Raises
    ------
    UnknownHcp
        If no HCP has id ``hcp_id``.
    """
    viewer.require(Permission.READ_HCPS)
    rows = store.run("hcp_profile_bundle", id=hcp_id)
    if not rows:
        hcp_node(store, hcp_id)  # raises UnknownHcp with the hint
    b = rows[0]
    node = b["hcp"]
    score, run = stored.profile_record(
        store, hcp_id, node.get("score_run"), b["score"], b.get("score_pages") or []
    )
    explanation = parse_json(score.get("explanation"))
    if run is not None:
        run = {**run, "parameters": parse_json(run.get("parameters"))}
    profile = Profile.model_validate(
        {
            "identity": {k: node.get(k) for k in IDENTITY},
            "eligibility": {
                "eligible": node.get("eligible", score.get("eligible")),
                "industry": node.get("industry", score.get("industry")),
                "reason": node.get("eligibility_reason", score.get("eligibility_reason")),
            },
            "affiliations": sorted(
                b["affiliations"], key=lambda a: (-(a.get("year") or 0), str(a.get("name")))
            ),
            "scores": {k: node.get(k, score.get(k)) for k in SCORES},
            "classification": {k: node.get(k, score.get(k)) for k in CLASSIFICATION},
            "explanation": explanation if isinstance(explanation, dict) else None,
            "score_run": run,
            "publications": _publications(b["publications"], b["top_topics"]),
            "congresses": {
                "sessions": b["sessions"],
                "congresses": b["congresses"],
                "roles": sorted(r for r in b["congress_roles"] or [] if r),
                "last_year": b["congress_last_year"],
            },
            "trials": b["trials"],
            "referrals": {
                "outgoing": _referrals(b["referrals_out"]),
                "incoming": _referrals(b["referrals_in"]),
            },
            "top_collaborators": b["collaborators"],
            "engagement_summary": _engagements(b["engagement_departments"], viewer),
        }
    )
    event = audit.audit_event(viewer, "hcp.profile.read", hcp_id)
    if audit_log is not None:
        audit_log.add(event)
    else:
        audit.append_events(store, [event])
    return profile
