"""Merging two HCP nodes of one person, and undoing it exactly.

:func:`merge_hcps` moves every relationship of ``other`` (authorships, referrals in both
directions, engagements, payments, plans, its mentions' ``RESOLVED_TO``, ...) to
``survivor``, each marked ``merged_from`` (the merged HCP) and ``merged_side`` (which end
was the merged HCP: ``start``, ``end`` or ``both`` for a tie between the two). A moved
relationship is created beside any the survivor already has to the same node, never
folded into it, so undo takes back exactly what came. A relationship that a previous merge
had brought to ``other`` keeps that earlier mark in ``merged_earlier``.

The identifiers (NPI, ORCID, CRM id, Open Payments profile id) of ``other`` move too: the
survivor gets the ones it lacks, ``other`` keeps none (so an identifier lookup finds one
HCP), and ``other`` records what it had in ``merge_undo``. ``other`` gets ``merged_into``
and a ``SAME_AS`` link to the survivor; later ingests follow ``merged_into`` and resolved
mentions keep their HCP, so a merge survives re-ingest. Every merge and unmerge is written
to the audit log with who did it.

Refused (:class:`~kolgraph.errors.InvalidRequest`): two different values of one identifier
(two NPIs or two ORCIDs are two people), the same node twice, an HCP already merged, and
merging away an HCP keyed by its NPI (``npi:...``: registry, referral and prescribing files
write to that id, so it must survive). :func:`unmerge_hcp` undoes the last merge of an HCP
first (a merge whose survivor was merged in turn is undone after that one).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from kolgraph import schema
from kolgraph.errors import InvalidRequest, UnknownHcp
from kolgraph.krm import audit
from kolgraph.krm.access import Viewer
from kolgraph.resolution.mentions import KEYS
from kolgraph.store import GraphStore

MARKS = ("merged_from", "merged_side", "merged_earlier")
"""Relationship properties a merge adds (and undo removes)."""
_SKIP = {"SAME_AS"}
_HCP = {"label": "HCP"}


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _node(store: GraphStore, hcp_id: str) -> dict[str, Any]:
    rows = store.run("hcp_node", _HCP, id=hcp_id)
    if not rows:
        raise UnknownHcp(f"no HCP {hcp_id!r}")
    return dict(rows[0]["props"])


def _rel_types() -> Iterator[tuple[str, str, str]]:
    """(start label, type, end label) of every relationship that can touch an HCP."""
    for rel in schema.REL_TYPES.values():
        if rel.name in _SKIP:
            continue
        for start in rel.start:
            for end in rel.end:
                if "HCP" in (start, end):
                    yield start, rel.name, end


Rel = tuple[str, str, str, str, str, dict[str, Any]]
"""(start label, type, end label, start id, end id, properties)."""


def _relationships(store: GraphStore, hcp_id: str) -> list[Rel]:
    """Every relationship with ``hcp_id`` at one end (a tie of the HCP to itself once)."""
    found: list[Rel] = []
    for start, rel_type, end in _rel_types():
        template = {"start": start, "type": rel_type, "end": end}
        if start == "HCP":
            for row in store.run("hcp_relationships_out", template, id=hcp_id):
                found.append((start, rel_type, end, hcp_id, row["other"], row["props"]))
        if end == "HCP":
            for row in store.run("hcp_relationships_in", template, id=hcp_id):
                if start == "HCP" and row["other"] == hcp_id:
                    continue  # a tie to itself, found as outgoing
                found.append((start, rel_type, end, row["other"], hcp_id, row["props"]))
    return found


def _delete(store: GraphStore, hcp_id: str, mark: str | None) -> None:
    for start, rel_type, end in _rel_types():
        template = {"start": start, "type": rel_type, "end": end}
        if start == "HCP":
            store.run("delete_hcp_relationships_out", template, id=hcp_id, mark=mark)
        if end == "HCP":
            store.run("delete_hcp_relationships_in", template, id=hcp_id, mark=mark)


def _create(store: GraphStore, rels: list[Rel]) -> None:
    groups: dict[tuple[str, str, str], list[dict[str, Any]]] = {}
    for start, rel_type, end, a, b, props in rels:
        groups.setdefault((start, rel_type, end), []).append({"start": a, "end": b, "props": props})
    for (start, rel_type, end), rows in groups.items():
        store.write("create_relationships", rows, {"start": start, "type": rel_type, "end": end})


def marked(props: dict[str, Any], other: str, side: str) -> dict[str, Any]:
    """``props`` of a relationship moved away from ``other`` (its ``side`` end).

    >>> marked({"position": 1}, "hcp:b", "start")
    {'position': 1, 'merged_from': 'hcp:b', 'merged_side': 'start'}
    >>> marked({"merged_from": "hcp:c", "merged_side": "end"}, "hcp:b", "end")["merged_earlier"]
    ['hcp:c|end']
    """
    out = {k: v for k, v in props.items() if k not in MARKS}
    out.update(merged_from=other, merged_side=side)
    if props.get("merged_from"):
        earlier = f"{props['merged_from']}|{props.get('merged_side') or ''}"
        out["merged_earlier"] = [earlier, *(props.get("merged_earlier") or [])]
    return out


def unmarked(props: dict[str, Any]) -> dict[str, Any]:
    """``props`` as they were before the last merge moved the relationship.

    >>> unmarked({"position": 1, "merged_from": "hcp:b", "merged_side": "start"})
    {'position': 1}
    >>> unmarked(marked({"merged_from": "hcp:c", "merged_side": "end"}, "hcp:b", "end"))
    {'merged_from': 'hcp:c', 'merged_side': 'end'}
    """
    out = {k: v for k, v in props.items() if k not in MARKS}
    earlier = list(props.get("merged_earlier") or [])
    if earlier:
        merged_from, _, side = earlier.pop(0).rpartition("|")
        out["merged_from"] = merged_from
        if side:
            out["merged_side"] = side
        if earlier:
            out["merged_earlier"] = earlier
    return out


def _side(rel: Rel, hcp_id: str) -> str:
    a, b = rel[3], rel[4]
    return "both" if a == b == hcp_id else "start" if a == hcp_id else "end"


def check_merge(
    survivor_id: str, other_id: str, survivor: dict[str, Any], other: dict[str, Any]
) -> None:
    """Raise :class:`InvalidRequest` when ``other`` may not be merged into ``survivor``.

    >>> try:
    ...     check_merge("hcp:a", "hcp:b", {"orcid": "0000-0001"}, {"orcid": "0000-0002"})
    ... except InvalidRequest as exc:
    ...     print(exc)
    hcp:a and hcp:b carry different orcid (0000-0001, 0000-0002): two identifiers are two people
    """
    if survivor_id == other_id:
        raise InvalidRequest(f"cannot merge {survivor_id!r} into itself")
    for hcp_id, props in ((other_id, other), (survivor_id, survivor)):
        if props.get("merged_into"):
            raise InvalidRequest(
                f"{hcp_id} is already merged into {props['merged_into']}; "
                f"merge into or from {props['merged_into']} instead"
            )
    for key in KEYS:
        if survivor.get(key) and other.get(key) and survivor[key] != other[key]:
            raise InvalidRequest(
                f"{survivor_id} and {other_id} carry different {key} "
                f"({survivor[key]}, {other[key]}): two identifiers are two people"
            )
    if other_id.startswith("npi:"):
        raise InvalidRequest(
            f"{other_id} is keyed by its NPI (registry, referral and prescribing files write "
            f"to that id), so it must survive: merge {survivor_id} into it instead "
            f"(SURVIVOR {other_id}, OTHER {survivor_id})"
        )


def merge_hcps(
    store: GraphStore, survivor_id: str, other_id: str, *, by: Viewer, reason: str | None = None
) -> dict[str, Any]:
    """Merge HCP ``other_id`` into ``survivor_id``; audited as ``hcp.merge``.

    Raises
    ------
    UnknownHcp
        If either id is no HCP.
    InvalidRequest
        If the two may not be merged (see :func:`check_merge`).
    """
    survivor, other = _node(store, survivor_id), _node(store, other_id)
    check_merge(survivor_id, other_id, survivor, other)
    rels = _relationships(store, other_id)
    moved = []
    for start, rel_type, end, a, b, props in rels:
        side = _side((start, rel_type, end, a, b, props), other_id)
        moved.append(
            (
                start,
                rel_type,
                end,
                survivor_id if a == other_id else a,
                survivor_id if b == other_id else b,
                marked(props, other_id, side),
            )
        )
    _delete(store, other_id, None)
    _create(store, moved)
    identifiers = {k: other[k] for k in KEYS if other.get(k)}
    copied = sorted(k for k in identifiers if not survivor.get(k))
    at = _now()
    if copied:
        store.run("set_hcp_properties", _HCP, id=survivor_id, props={k: other[k] for k in copied})
    undo = {"identifiers": identifiers, "copied": copied}
    store.run(
        "set_hcp_properties",
        _HCP,
        id=other_id,
        props={
            **dict.fromkeys(identifiers),
            "merged_into": survivor_id,
            "merge_undo": json.dumps(undo, sort_keys=True),
        },
    )
    store.upsert_relationships(
        "HCP",
        "SAME_AS",
        "HCP",
        [
            {
                "start": other_id,
                "end": survivor_id,
                "props": {"decided_by": by.key_id, "decided_at": at},
            }
        ],
    )
    counts = _count_by_type(moved)
    detail = {"merged": other_id, "into": survivor_id, "moved": counts, "identifiers": copied}
    if reason:
        detail["reason"] = reason
    audit.record(store, by, "hcp.merge", survivor_id, detail)
    return {
        "merged": other_id,
        "into": survivor_id,
        "relationships_moved": len(moved),
        "moved_by_type": counts,
        "identifiers_moved": copied,
    }


def _count_by_type(rels: list[Rel]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for rel in rels:
        counts[rel[1]] = counts.get(rel[1], 0) + 1
    return dict(sorted(counts.items()))


def unmerge_hcp(store: GraphStore, other_id: str, *, by: Viewer) -> dict[str, Any]:
    """Undo the merge of ``other_id``: everything it brought goes back, identifiers
    included, and the survivor is as it was; audited as ``hcp.unmerge``.

    Raises
    ------
    UnknownHcp
        If ``other_id`` is no HCP.
    InvalidRequest
        If it is not merged, or its survivor has since been merged in turn.
    """
    other = _node(store, other_id)
    survivor_id = other.get("merged_into")
    if not survivor_id:
        raise InvalidRequest(f"{other_id} is not merged into another HCP")
    survivor = _node(store, survivor_id)
    if survivor.get("merged_into"):
        raise InvalidRequest(
            f"{survivor_id}, which {other_id} was merged into, is itself merged into "
            f"{survivor['merged_into']}; unmerge {survivor_id} first"
        )
    back = []
    for start, rel_type, end, a, b, props in _relationships(store, survivor_id):
        if props.get("merged_from") != other_id:
            continue
        side = props.get("merged_side") or ("start" if a == survivor_id else "end")
        back.append(
            (
                start,
                rel_type,
                end,
                other_id if side in ("start", "both") else a,
                other_id if side in ("end", "both") else b,
                unmarked(props),
            )
        )
    _delete(store, survivor_id, other_id)
    _create(store, back)
    undo = json.loads(other.get("merge_undo") or "{}")
    copied = undo.get("copied", [])
    if copied:
        store.run("set_hcp_properties", _HCP, id=survivor_id, props=dict.fromkeys(copied))
    store.run(
        "set_hcp_properties",
        _HCP,
        id=other_id,
        props={**undo.get("identifiers", {}), "merged_into": None, "merge_undo": None},
    )
    store.write(
        "delete_relationships",
        [{"start": other_id, "end": survivor_id}],
        {"start": "HCP", "type": "SAME_AS", "end": "HCP"},
    )
    counts = _count_by_type(back)
    audit.record(
        store,
        by,
        "hcp.unmerge",
        survivor_id,
        {"split": other_id, "from": survivor_id, "moved": counts},
    )
    return {
        "split": [other_id, survivor_id],
        "relationships_moved": len(back),
        "moved_by_type": counts,
        "identifiers_restored": sorted(undo.get("identifiers", {})),
    }
