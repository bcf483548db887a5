"""Message and knowledge gaps: weak quiz dimensions per HCP against the messages delivered.

For every HCP with quiz or survey results (``kolgraph ingest quiz``), the latest score per
dimension counts (several on the latest date are averaged). A dimension is **weak**
below ``weak_below``. Key messages delivered in the window are tagged with the dimension
they address: by the message catalogue when one is given (``{dimension: [message, ...]}``),
else by keywords (:data:`KEYWORDS`). The **next messages** for an HCP are, per weak
dimension from the weakest up, the catalogue messages not yet delivered; without a
catalogue, the advice names the dimension and whether anything on it was delivered.

Across the firewall (a viewer of another department without the right to see its
content) messages are counted but not shown.

Examples
--------
>>> message_dimensions("New dosing schedule for elderly patients", None)
['product_use']
>>> message_dimensions("Early diagnosis: screen at-risk patients", None)
['diagnosis']
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date
from statistics import mean
from typing import Any

from kolgraph.analytics.periods import window
from kolgraph.errors import InvalidRequest
from kolgraph.krm.access import Viewer
from kolgraph.store import GraphStore

DIMENSIONS = ("diagnosis", "treatment", "drug_class_choice", "brand_choice", "product_use")
KEYWORDS: dict[str, tuple[str, ...]] = {
    "diagnosis": ("diagnos", "screen", "symptom", "detect", "biomarker", "test"),
    "treatment": ("treat", "guideline", "therapy", "regimen", "outcome", "efficacy"),
    "drug_class_choice": ("drug class", "class of", "mechanism", "inhibitor", "agonist"),
    "brand_choice": ("brand", "versus", " vs ", "differentiat", "compared", "superior"),
    "product_use": ("dose", "dosing", "administ", "titrat", "switch", "adherence", "storage"),
}
Catalogue = dict[str, list[str]]


def message_dimensions(message: str, catalogue: Catalogue | None) -> list[str]:
    """The dimensions a key message addresses (catalogue first, else keywords)."""
    if catalogue:
        hits = [
            d
            for d, msgs in catalogue.items()
            if message.strip().lower() in {m.strip().lower() for m in msgs}
        ]
        if hits:
            return hits
    text = f" {message.lower()} "
    return [d for d, words in KEYWORDS.items() if any(w in text for w in words)]


def check_catalogue(catalogue: Any) -> Catalogue:
    """Validate a message catalogue ``{dimension: [message, ...]}``.

    Raises
    ------
    InvalidRequest
        Naming the dimension or entry that is wrong.
    """
    if not isinstance(catalogue, dict):
        raise InvalidRequest(
            "the message catalogue must map dimensions to lists of messages", "catalogue"
        )
    for dim, msgs in catalogue.items():
        if dim not in DIMENSIONS:
            raise InvalidRequest(
                f"unknown dimension {dim!r} in the message catalogue; use {', '.join(DIMENSIONS)}",
                f"catalogue.{dim}",
            )
        if not isinstance(msgs, list) or not all(isinstance(m, str) and m for m in msgs):
            raise InvalidRequest(
                f"catalogue.{dim} must be a list of message texts", f"catalogue.{dim}"
            )
    return catalogue


def _latest_scores(rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    latest: dict[str, dict[str, Any]] = {}
    for dim in DIMENSIONS:
        of_dim = [r for r in rows if r["dimension"] == dim and r["score"] is not None]
        if of_dim:
            day = max(r["date"] for r in of_dim)
            latest[dim] = {
                "score": round(mean(float(r["score"]) for r in of_dim if r["date"] == day), 4),
                "date": day,
            }
    return latest


def knowledge_gaps(
    store: GraphStore,
    *,
    viewer: Viewer | None = None,
    hcp_id: str | None = None,
    segment: str | None = None,
    until: date | None = None,
    days: int = 365,
    weak_below: float = 0.6,
    catalogue: Catalogue | None = None,
    limit: int = 100,
) -> dict[str, Any]:
    """Weak dimensions, delivered messages and next messages per HCP; means per segment.

    Parameters
    ----------
    viewer : Viewer, optional
        The caller; messages of departments it may not read are counted, not shown.
        None (the CLI) shows everything.
    days : int
        Messages delivered in the ``days`` up to ``until`` count as delivered.

    Raises
    ------
    InvalidRequest
        If ``weak_below`` is outside 0-1, or the catalogue is malformed.
    """
    if not 0 < weak_below <= 1:
        raise InvalidRequest("weak_below must be in (0, 1]", "weak_below")
    if catalogue is not None:
        check_catalogue(catalogue)
    since, until = window(until, days)
    results: dict[str, list[dict[str, Any]]] = defaultdict(list)
    meta: dict[str, dict[str, Any]] = {}
    for r in store.run(
        "knowledge_results", hcp_id=hcp_id, segment=segment, until=until.isoformat()
    ):
        results[r["hcp_id"]].append(r)
        meta[r["hcp_id"]] = {"name": r["name"], "segment": r["segment"]}
    delivered: dict[str, dict[str, dict[str, Any]]] = defaultdict(dict)
    hidden: Counter[str] = Counter()
    # counted in the store per HCP, department and message, for the HCPs with results only
    for r in store.run(
        "knowledge_message_groups",
        hcp_ids=sorted(results),
        since=since.isoformat(),
        until=until.isoformat(),
    ):
        times = int(r["times"])
        if viewer is not None and not viewer.sees_content_of(r["department"]):
            hidden[r["hcp_id"]] += times
            continue
        message = r["message"]
        entry = delivered[r["hcp_id"]].setdefault(
            message,
            {
                "message": message,
                "times": 0,
                "last_date": r["last_date"],
                "departments": set(),
                "dimensions": message_dimensions(message, catalogue),
            },
        )
        entry["times"] += times
        entry["last_date"] = max(entry["last_date"], r["last_date"])
        entry["departments"].add(r["department"])
    hcps = []
    for hid, rows in results.items():
        scores = _latest_scores(rows)
        weak = sorted(
            (d for d, s in scores.items() if s["score"] < weak_below),
            key=lambda d: (scores[d]["score"], d),
        )
        messages = sorted(delivered[hid].values(), key=lambda m: (-m["times"], m["message"]))
        for m in messages:
            m["departments"] = sorted(d for d in m["departments"] if d)
        covered = Counter(d for m in messages for d in m["dimensions"] for _ in range(m["times"]))
        sent = {m["message"].strip().lower() for m in messages}
        next_messages, advice = [], []
        for dim in weak:
            todo = [m for m in (catalogue or {}).get(dim, []) if m.strip().lower() not in sent]
            next_messages += [{"dimension": dim, "message": m} for m in todo]
            if covered[dim]:
                advice.append(
                    f"{dim} weak ({scores[dim]['score']:.2f}) although "
                    f"{covered[dim]} message(s) on it were delivered: change the "
                    "approach (e.g. medical education instead of detailing)"
                )
            else:
                advice.append(
                    f"{dim} weak ({scores[dim]['score']:.2f}) and no message on it "
                    f"delivered since {since.isoformat()}: lead the next contact "
                    f"with a {dim.replace('_', ' ')} message"
                )
        hcps.append(
            {
                "hcp_id": hid,
                **meta[hid],
                "scores": scores,
                "weak": weak,
                "delivered": messages,
                "hidden_messages": hidden[hid],
                "messages_by_dimension": dict(sorted(covered.items())),
                "next_messages": next_messages,
                "advice": advice,
            }
        )
    hcps.sort(
        key=lambda h: (
            -len(h["weak"]),
            min((s["score"] for s in h["scores"].values()), default=1.0),
            h["hcp_id"],
        )
    )
    segments = []
    for seg in sorted({h["segment"] or "unsegmented" for h in hcps}):
        members = [h for h in hcps if (h["segment"] or "unsegmented") == seg]
        dims = {}
        for dim in DIMENSIONS:
            vals = [h["scores"][dim]["score"] for h in members if dim in h["scores"]]
            if vals:
                dims[dim] = {
                    "mean": round(mean(vals), 4),
                    "hcps": len(vals),
                    "weak_share": round(sum(v < weak_below for v in vals) / len(vals), 4),
                }
        segments.append({"segment": seg, "hcps": len(members), "dimensions": dims})
    return {
        "since": since.isoformat(),
        "until": until.isoformat(),
        "weak_below": weak_below,
        "hcps": hcps[:limit],
        "segments": segments,
    }
