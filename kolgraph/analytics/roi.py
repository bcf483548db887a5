"""Return on engagement: spend against the change in each KOL's outcomes.

The window (``days`` up to ``until``) is compared with the window of equal length just
before it. Per KOL the outcomes are:

* **acceptance**: accepted / (accepted + declined) engagement outcomes, all departments;
* **speaker activity**: company speaker programmes delivered;
* **prescribing**: company-product claims (Part D) in the window's last year against the
  year before, where prescriber data is loaded.

Spend is the ``amount`` or ``cost`` of the window's engagements. Views: per KOL and
department, per department, per therapeutic area (budget = sum of its products'
``budget``) and per product. ``cost_per_accepted`` is spend over accepted outcomes.

Examples
--------
>>> acceptance(["accepted", "declined", "accepted", None, "neutral"])
0.6667
>>> acceptance([]) is None
True
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from typing import Any

from kolgraph.analytics.periods import previous, window
from kolgraph.store import GraphStore

POSITIVE = frozenset({"accepted", "completed", "positive", "attended", "agreed"})
NEGATIVE = frozenset({"declined", "rejected", "negative", "no_show", "cancelled"})


def acceptance(outcomes: Iterable[str | None]) -> float | None:
    """Share of accepted among accepted-or-declined outcomes; None without any."""
    pos = neg = 0
    for outcome in outcomes:
        text = (outcome or "").strip().lower()
        pos += text in POSITIVE
        neg += text in NEGATIVE
    return round(pos / (pos + neg), 4) if pos + neg else None


def _delta(after: float | None, before: float | None) -> float | None:
    return None if after is None or before is None else round(after - before, 4)


def _claims(store: GraphStore, years: tuple[int, int]) -> dict[str, tuple[int | None, ...]]:
    rows = store.run("prescribing_records")
    own = any(r["company_product"] for r in rows)
    by: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for r in rows:
        if own and not r["company_product"]:
            continue
        by[r["hcp_id"]][int(r["year"])] += int(r["claims"] or 0)
    return {h: tuple(y.get(year) for year in years) for h, y in by.items()}


def _summary(rows: list[dict[str, Any]]) -> dict[str, Any]:
    spend = round(sum(r["spend"] for r in rows), 2)
    accepted = sum(1 for r in rows if (r["outcome"] or "").lower() in POSITIVE)
    return {"spend": spend, "engagements": len(rows),
            "hcps": len({r["hcp_id"] for r in rows}), "accepted": accepted,
            "cost_per_accepted": round(spend / accepted, 2) if accepted else None}


def _group(rows: list[dict[str, Any]], key: str) -> dict[Any, list[dict[str, Any]]]:
    """Rows by ``row[key]``, each group in the rows' order.

    >>> _group([{"k": "a", "n": 1}, {"k": "b", "n": 2}, {"k": "a", "n": 3}], "k")["a"]
    [{'k': 'a', 'n': 1}, {'k': 'a', 'n': 3}]
    """
    out: dict[Any, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        out[row[key]].append(row)
    return out


def return_on_engagement(
    store: GraphStore, *, until: date | None = None, days: int = 365, limit: int = 100
) -> dict[str, Any]:
    """Spend versus outcome change per KOL and department, department, area and product.

    Raises
    ------
    InvalidRequest
        If ``days`` is out of range.
    """
    since, until = window(until, days)
    before_since, before_until = previous(since, until)
    rows = store.run("roi_engagements", since=before_since.isoformat(), until=until.isoformat())
    for r in rows:
        r["spend"] = float(r["spend"] or 0.0)
    now = [r for r in rows if r["date"] >= since.isoformat()]
    then = [r for r in rows if r["date"] < since.isoformat()]
    claims = _claims(store, (until.year - 1, until.year))
    # One pass groups the rows (keeping their order) by KOL, KOL and department,
    # department and product; every view then reads only its own group.
    now_of = _group(now, "hcp_id")
    then_of = _group(then, "hcp_id")
    kol: dict[str, dict[str, Any]] = {}
    for hid, mine_now in now_of.items():
        mine_then = then_of.get(hid, [])
        acc_now = acceptance(r["outcome"] for r in mine_now)
        acc_then = acceptance(r["outcome"] for r in mine_then)
        sp_now = sum(1 for r in mine_now if r["type"] == "speaker_programme")
        sp_then = sum(1 for r in mine_then if r["type"] == "speaker_programme")
        c_then, c_now = claims.get(hid, (None, None))
        kol[hid] = {"name": mine_now[0]["name"], "acceptance_before": acc_then,
                    "acceptance_after": acc_now, "acceptance_change": _delta(acc_now, acc_then),
                    "speaker_before": sp_then, "speaker_after": sp_now,
                    "speaker_change": sp_now - sp_then, "claims_before": c_then,
                    "claims_after": c_now, "claims_change": _delta(c_now, c_then)}
    groups: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for r in now:
        groups[(r["hcp_id"], r["department"])].append(r)
    kols = [{"hcp_id": h, "department": d, **_summary(g), **kol[h]}
            for (h, d), g in groups.items()]
    kols.sort(key=lambda k: (-k["spend"], k["hcp_id"], k["department"]))
    kols_of = _group(kols, "department")
    rows_of = _group(now, "department")
    departments = []
    for dept in sorted(rows_of):
        mine = kols_of.get(dept, [])
        weighted = [(k["spend"], k["acceptance_change"]) for k in mine
                    if k["acceptance_change"] is not None]
        total = sum(w for w, _ in weighted)
        departments.append({
            "department": dept, **_summary(rows_of[dept]),
            "acceptance_change": round(sum(w * c for w, c in weighted) / total, 4)
            if total else None,
            "speaker_change": sum(k["speaker_change"] for k in mine),
            "claims_change": sum(k["claims_change"] for k in mine
                                 if k["claims_change"] is not None)})
    budgets = {r["name"]: r for r in store.run("roi_products")}
    products, areas = [], []
    by_product = _group([r for r in now if r["product"]], "product")
    for product in sorted(by_product):
        mine = by_product[product]
        info = budgets.get(product, {})
        area = info.get("therapeutic_area") or mine[0]["therapeutic_area"]
        budget = info.get("budget")
        summary = _summary(mine)
        products.append({"product": product, "therapeutic_area": area, "budget": budget,
                         **summary, "budget_used": round(summary["spend"] / budget, 4)
                         if budget else None})
    for info in budgets.values():
        if info["name"] not in {p["product"] for p in products}:
            products.append({"product": info["name"], "therapeutic_area":
                             info["therapeutic_area"], "budget": info["budget"],
                             **_summary([]), "budget_used": 0.0 if info["budget"] else None})
    for area in sorted({p["therapeutic_area"] or "unassigned" for p in products}):
        members = [p for p in products if (p["therapeutic_area"] or "unassigned") == area]
        names = {p["product"] for p in members}
        budget = sum(p["budget"] or 0 for p in members) or None
        summary = _summary([r for r in now if r["product"] in names])  # rows in their order
        areas.append({"therapeutic_area": area, "products": sorted(names), "budget": budget,
                      **summary, "budget_used": round(summary["spend"] / budget, 4)
                      if budget else None})
    products.sort(key=lambda p: (-p["spend"], p["product"]))
    return {"since": since.isoformat(), "until": until.isoformat(),
            "compared_with": [before_since.isoformat(), before_until.isoformat()],
            "claims_years": [until.year - 1, until.year],
            "kols": kols[:limit], "departments": departments,
            "therapeutic_areas": areas, "products": products,
            "unattributed_spend": round(sum(r["spend"] for r in now if not r["product"]), 2)}
