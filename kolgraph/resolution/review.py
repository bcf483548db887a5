"""The review list: uncertain matches, and merges decided by a person that can be undone.

A mention the model was unsure about got its own HCP (precision first) and a review
entry on the Mention: ``review_candidate`` (the HCP it may be), ``review_score`` and
``review_status`` (``open``, ``accepted``, ``rejected``).

*Accept* merges the mention's HCP into the candidate: its mentions' RESOLVED_TO links and
all its other relationships move to the candidate (each marked ``merged_from``), the
merged HCP gets ``merged_into`` and a ``SAME_AS`` link to the survivor. Re-ingesting the
same files keeps the decision (resolved mentions keep their HCP; new ones follow
``merged_into``). *Undo* moves everything marked ``merged_from`` back.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from kolgraph import schema
from kolgraph.errors import UnknownObject
from kolgraph.store import GraphStore

_M = {"label": "Mention", "type": "RESOLVED_TO", "end": "HCP"}
_SKIP = {"RESOLVED_TO", "SAME_AS"}


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


def _hcp_relationships(
    store: GraphStore, hcp_id: str
) -> list[tuple[str, str, str, str, dict[str, Any]]]:
    """(start label, type, end label, other id, props) of every relationship of an HCP,
    with ``other`` the far end; outgoing first then incoming."""
    found = []
    for rel in schema.REL_TYPES.values():
        if rel.name in _SKIP:
            continue
        if "HCP" in rel.start:
            for end in rel.end:
                for row in store.run(
                    "hcp_relationships_out",
                    {"start": "HCP", "type": rel.name, "end": end},
                    id=hcp_id,
                ):
                    found.append(("HCP", rel.name, end, row["other"], row["props"]))
        if "HCP" in rel.end:
            for start in rel.start:
                if start == "HCP":
                    continue  # HCP-HCP relationships were found as outgoing of one end
                for row in store.run(
                    "hcp_relationships_in",
                    {"start": start, "type": rel.name, "end": "HCP"},
                    id=hcp_id,
                ):
                    found.append((start, rel.name, "HCP", row["other"], row["props"]))
    return found


def _move(
    store: GraphStore, source: str, target: str, *, only_merged_from: str | None, mark: str | None
) -> int:
    """Move relationships of HCP ``source`` to HCP ``target``."""
    moved = 0
    for start, rel_type, end, other, props in _hcp_relationships(store, source):
        if only_merged_from is not None and props.get("merged_from") != only_merged_from:
            continue
        props = dict(props)
        props.pop("merged_from", None)
        if mark:
            props["merged_from"] = mark
        outgoing = start == "HCP"
        old = {"start": source, "end": other} if outgoing else {"start": other, "end": source}
        new = {"start": target, "end": other} if outgoing else {"start": other, "end": target}
        store.upsert_relationships(start, rel_type, end, [{**new, "props": props}])
        store.write("delete_relationships", [old], {"start": start, "type": rel_type, "end": end})
        moved += 1
    return moved


def _move_mentions(
    store: GraphStore, source: str, target: str, *, decided_by: str | None, back: bool
) -> int:
    rows = store.run("mentions_of_hcp", _M, id=source)
    moved = 0
    for row in rows:
        props = dict(row["props"])
        if back:
            if props.get("merged_from") != target:
                continue
            props.pop("merged_from", None)
            props.pop("decided_by", None)
        else:
            props.update(merged_from=source, decided_by=decided_by)
        store.write("delete_relationships", [{"start": row["mention_id"], "end": source}], _M_REL)
        store.upsert_relationships(
            "Mention",
            "RESOLVED_TO",
            "HCP",
            [{"start": row["mention_id"], "end": target, "props": props}],
        )
        moved += 1
    return moved


_M_REL = {"start": "Mention", "type": "RESOLVED_TO", "end": "HCP"}


def accept(store: GraphStore, mention_id: str, *, decided_by: str = "review") -> dict[str, Any]:
    """Merge the mention's HCP into its review candidate.

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
    mentions = _move_mentions(store, source, target, decided_by=decided_by, back=False)
    moved = _move(store, source, target, only_merged_from=None, mark=source)
    at = _now()
    store.upsert_nodes("HCP", [{"id": source, "props": {"merged_into": target}}])
    store.upsert_relationships(
        "HCP",
        "SAME_AS",
        "HCP",
        [{"start": source, "end": target, "props": {"decided_by": decided_by, "decided_at": at}}],
    )
    store.upsert_nodes(
        "Mention",
        [
            {
                "id": mention_id,
                "props": {
                    "review_status": "accepted",
                    "decided_by": decided_by,
                    "decided_at": at,
                    "match_method": "review",
                },
            }
        ],
    )
    return {
        "mention_id": mention_id,
        "merged": source,
        "into": target,
        "mentions_moved": mentions,
        "relationships_moved": moved,
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


def undo(store: GraphStore, mention_id: str) -> dict[str, Any]:
    """Reopen a decided review entry; an accepted merge is split again."""
    entry = _entry(store, mention_id)
    if entry["status"] not in ("accepted", "rejected"):
        raise UnknownObject(f"mention {mention_id!r} has no decided review entry to undo")
    result: dict[str, Any] = {"mention_id": mention_id, "status": "open"}
    if entry["status"] == "accepted":
        target = entry["hcp_id"]  # the survivor the mention now resolves to
        source = entry["merged_from"]
        result["split"] = [source, target]
        result["mentions_moved"] = _move_mentions(store, target, source, decided_by=None, back=True)
        result["relationships_moved"] = _move(
            store, target, source, only_merged_from=source, mark=None
        )
        store.write(
            "delete_relationships",
            [{"start": source, "end": target}],
            {"start": "HCP", "type": "SAME_AS", "end": "HCP"},
        )
        store.run("clear_merged_into", {"label": "HCP"}, id=source)
    store.upsert_nodes(
        "Mention",
        [
            {
                "id": mention_id,
                "props": {"review_status": "open", "match_method": "review", "decided_at": _now()},
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
