"""The review list: uncertain matches, and merges decided by a person that can be undone.

A mention the model was unsure about got its own HCP (precision first) and a review
entry on the Mention: ``review_candidate`` (the HCP it may be), ``review_score`` and
``review_status`` (``open``, ``accepted``, ``rejected``).

*Accept* merges the mention's HCP into the candidate with :mod:`kolgraph.resolution.merge`
(the same merge ``kolgraph review merge`` makes of any two HCPs): its mentions'
RESOLVED_TO links and all its other relationships move to the candidate (each marked
``merged_from``), the merged HCP gets ``merged_into`` and a ``SAME_AS`` link to the
survivor. Re-ingesting the same files keeps the decision (resolved mentions keep their HCP;
new ones follow ``merged_into``). *Undo* moves everything marked ``merged_from`` back.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from kolgraph.errors import UnknownObject
from kolgraph.krm.access import Viewer
from kolgraph.resolution import merge
from kolgraph.store import GraphStore

_M = {"label": "Mention", "type": "RESOLVED_TO", "end": "HCP"}


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def open_reviews(store: GraphStore, *, limit: int = 50) -> list[dict[str, Any]]:
    """Open review entries, highest score first."""
    rows = store.run("open_reviews", _M, limit=limit)
    return [
        {
            "mention_id": r["mention_id"],
            "name": r["name"],
            "hcp_id": r["hcp_id"],
            "candidate_id": r["candidate_id"],
            "candidate_name": r["candidate_name"],
            "score": float(r["score"] or 0.0),
        }
        for r in rows
    ]


def _entry(store: GraphStore, mention_id: str) -> dict[str, Any]:
    rows = store.run("review_entry", _M, id=mention_id)
    if not rows:
        raise UnknownObject(f"no resolved mention {mention_id!r}; see 'kolgraph review list'")
    return rows[0]


def reviewer(decided_by: str) -> Viewer:
    """The audit identity of a review decision made by ``decided_by``."""
    return Viewer(decided_by, "reviewer", "identity review")


def accept(store: GraphStore, mention_id: str, *, decided_by: str = "review") -> dict[str, Any]:
    """Merge the mention's HCP into its review candidate (:func:`merge.merge_hcps`).

    When the mention's HCP is keyed by its NPI and the candidate is not, the candidate is
    merged into it instead (the NPI-keyed HCP must survive); ``merged`` names the HCP
    merged away either way.

    Raises
    ------
    UnknownObject
        If the mention is unknown or has no open review entry.
    """
    entry = _entry(store, mention_id)
    if entry["status"] != "open" or not entry["candidate_id"]:
        raise UnknownObject(
            f"mention {mention_id!r} has no open review entry (status {entry['status']!r})"
        )
    source, target = entry["hcp_id"], entry["candidate_survivor"] or entry["candidate_id"]
    if source.startswith("npi:") and not target.startswith("npi:"):
        source, target = target, source
    result = merge.merge_hcps(
        store, target, source, by=reviewer(decided_by), reason=f"review of {mention_id}"
    )
    at = _now()
    store.upsert_nodes(
        "Mention",
        [
            {
                "id": mention_id,
                "props": {
                    "review_status": "accepted",
                    "review_merged": source,
                    "decided_by": decided_by,
                    "decided_at": at,
                    "match_method": "review",
                },
            }
        ],
    )
    mentions = result["moved_by_type"].get("RESOLVED_TO", 0)
    return {
        "mention_id": mention_id,
        "merged": source,
        "into": target,
        "mentions_moved": mentions,
        "relationships_moved": result["relationships_moved"] - mentions,
    }


def reject(store: GraphStore, mention_id: str, *, decided_by: str = "review") -> dict[str, Any]:
    """Keep the mention's HCP apart from the candidate."""
    entry = _entry(store, mention_id)
    if entry["status"] != "open":
        raise UnknownObject(
            f"mention {mention_id!r} has no open review entry (status {entry['status']!r})"
        )
    store.upsert_nodes(
        "Mention",
        [
            {
                "id": mention_id,
                "props": {
                    "review_status": "rejected",
                    "decided_by": decided_by,
                    "decided_at": _now(),
                },
            }
        ],
    )
    return {"mention_id": mention_id, "kept_apart": [entry["hcp_id"], entry["candidate_id"]]}


def undo(store: GraphStore, mention_id: str, *, decided_by: str = "review") -> dict[str, Any]:
    """Reopen a decided review entry; an accepted merge is split again
    (:func:`merge.unmerge_hcp`)."""
    entry = _entry(store, mention_id)
    if entry["status"] not in ("accepted", "rejected"):
        raise UnknownObject(f"mention {mention_id!r} has no decided review entry to undo")
    result: dict[str, Any] = {"mention_id": mention_id, "status": "open"}
    if entry["status"] == "accepted":
        source = entry["review_merged"] or entry["merged_from"]
        split = merge.unmerge_hcp(store, source, by=reviewer(decided_by))
        mentions = split["moved_by_type"].get("RESOLVED_TO", 0)
        result["split"] = split["split"]
        result["mentions_moved"] = mentions
        result["relationships_moved"] = split["relationships_moved"] - mentions
    store.upsert_nodes(
        "Mention",
        [
            {
                "id": mention_id,
                "props": {
                    "review_status": "open",
                    "review_merged": None,
                    "match_method": "review",
                    "decided_at": _now(),
                },
            }
        ],
    )
    return result


BAND = 0.80
"""Lower end of the review band reported by :func:`review_stats` (up to ``accept``)."""


def entry_value(score: float, hcp_mentions: int, candidate_mentions: int) -> float:
    """What deciding an entry is worth: the chance it is one person times the mentions the
    merge would bring together (a large profile, often a KOL's, gains or stays apart).

    >>> entry_value(0.9, 1, 41)
    37.8
    """
    return round(score * (hcp_mentions + candidate_mentions), 4)


def review_stats(
    store: GraphStore, *, accept: float, band: float = BAND, limit: int = 20
) -> dict[str, Any]:
    """The review band's size and yield, and its open entries ordered by value.

    The band holds every review entry scored from ``band`` up to ``accept``; ``confirmed
    same`` counts those a reviewer accepted, ``confirmed different`` those rejected, and
    ``yield`` is the accepted share of the decided ones (None before any decision).
    ``below band`` counts the review entries under ``band``. ``open`` lists at most
    ``limit`` open band entries, highest :func:`entry_value` first.
    """
    rows = store.run("review_entries_scored", _M, low=0.0)
    in_band = [r for r in rows if band <= float(r["score"]) < accept]
    status = [r["status"] for r in in_band]
    same, different = status.count("accepted"), status.count("rejected")
    entries = sorted(
        (
            {
                "mention_id": r["mention_id"],
                "name": r["name"],
                "hcp_id": r["hcp_id"],
                "candidate_id": r["candidate_id"],
                "candidate_name": r["candidate_name"],
                "score": float(r["score"]),
                "mentions": int(r["hcp_mentions"]),
                "candidate_mentions": int(r["candidate_mentions"]),
                "value": entry_value(
                    float(r["score"]), int(r["hcp_mentions"]), int(r["candidate_mentions"])
                ),
            }
            for r in in_band
            if r["status"] == "open"
        ),
        key=lambda e: (-e["value"], -e["score"], e["mention_id"]),
    )
    return {
        "band": [band, accept],
        "entries": len(in_band),
        "open": status.count("open"),
        "confirmed_same": same,
        "confirmed_different": different,
        "yield": round(same / (same + different), 4) if same + different else None,
        "below_band": sum(float(r["score"]) < band for r in rows),
        "by_value": entries[:limit],
    }
