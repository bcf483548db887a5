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
from dataclasses import dataclass, field
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
    return {
        "spend": spend,
        "engagements": len(rows),
        "hcps": len({r["hcp_id"] for r in rows}),
        "accepted": accepted,
        "cost_per_accepted": round(spend / accepted, 2) if accepted else None,
    }


@dataclass
class _Tally:
    """Spend, engagements, accepted outcomes and KOLs of one view (department, product...)."""

    spend: float = 0.0
    engagements: int = 0
    accepted: int = 0
    hcps: set[str] = field(default_factory=set)

    def add(self, hcp_id: str, spend: float, engagements: int, accepted: int) -> None:
        self.spend += spend
        self.engagements += engagements
        self.accepted += accepted
        self.hcps.add(hcp_id)

    def summary(self) -> dict[str, Any]:
        """As :func:`_summary` gives for the rows counted.

        >>> t = _Tally(); t.add("npi:1", 100.0, 3, 2); t.add("npi:1", 50.0, 1, 0)
        >>> t.summary()
        {'spend': 150.0, 'engagements': 4, 'hcps': 1, 'accepted': 2, 'cost_per_accepted': 75.0}
        """
        spend = round(self.spend, 2)
        return {
            "spend": spend,
            "engagements": self.engagements,
            "hcps": len(self.hcps),
            "accepted": self.accepted,
            "cost_per_accepted": round(spend / self.accepted, 2) if self.accepted else None,
        }


def _outcome_counts(outcome: str | None, n: int) -> tuple[int, int, int]:
    """``(accepted, positive, negative)`` for ``n`` engagements of one outcome text.

    ``accepted`` is what the views count (the text lower-cased); ``positive`` and
    ``negative`` feed :func:`acceptance` (the text also stripped), as before.

    >>> _outcome_counts("Accepted ", 3)
    (0, 3, 0)
    >>> _outcome_counts("declined", 2)
    (0, 0, 2)
    """
    text = (outcome or "").lower()
    stripped = text.strip()
    return (
        n if text in POSITIVE else 0,
        n if stripped in POSITIVE else 0,
        n if stripped in NEGATIVE else 0,
    )


_GROUP_COLUMNS = {
    "hcp_id": str,
    "department": str,
    "now": bool,
    "speaker": bool,
    "outcome": str,
    "engagements": int,
    "spend": float,
}


def _ratio(pos: int, neg: int) -> float | None:
    return round(pos / (pos + neg), 4) if pos + neg else None


def return_on_engagement(
    store: GraphStore, *, until: date | None = None, days: int = 365, limit: int = 100
) -> dict[str, Any]:
    """Spend versus outcome change per KOL and department, department, area and product.

    The store groups the engagements (``roi_groups``: one row per KOL, department, window,
    speaker programme or not and outcome text; ``roi_product_groups`` for the window's
    engagements about a product), so the rows read grow with KOLs, not with engagements.

    Raises
    ------
    InvalidRequest
        If ``days`` is out of range.
    """
    since, until = window(until, days)
    before_since, before_until = previous(since, until)
    # per KOL: positive, negative, speaker programmes; now (0..2) and before (3..5)
    per_kol: dict[str, list[int]] = {}
    pairs: dict[tuple[str, str], list[float]] = {}  # (KOL, department) -> spend, n, accepted
    spend_now = 0.0
    kinds: dict[str | None, tuple[int, int, int]] = {}  # outcome text -> its counts for one
    groups = store.columns(
        "roi_groups",
        _GROUP_COLUMNS,
        before=before_since.isoformat(),
        since=since.isoformat(),
        until=until.isoformat(),
    )
    for hid, dept, now, speaker, outcome, n, group_spend in zip(
        *(groups[c] for c in _GROUP_COLUMNS), strict=True
    ):
        kind = kinds.get(outcome) or kinds.setdefault(outcome, _outcome_counts(outcome, 1))
        counts = per_kol.get(hid)
        if counts is None:
            counts = per_kol[hid] = [0] * 6
        at = 0 if now else 3
        counts[at] += kind[1] * n
        counts[at + 1] += kind[2] * n
        counts[at + 2] += n if speaker else 0
        if not now:
            continue
        spend = group_spend or 0.0
        spend_now += spend
        pair = pairs.get((hid, dept))
        if pair is None:
            pair = pairs[(hid, dept)] = [0.0, 0, 0]
        pair[0] += spend
        pair[1] += n
        pair[2] += kind[0] * n
    claims = _claims(store, (until.year - 1, until.year))

    def kol(hid: str) -> dict[str, Any]:
        pos_now, neg_now, sp_now, pos_then, neg_then, sp_then = per_kol[hid]
        acc_now, acc_then = _ratio(pos_now, neg_now), _ratio(pos_then, neg_then)
        c_then, c_now = claims.get(hid, (None, None))
        return {
            "acceptance_before": acc_then,
            "acceptance_after": acc_now,
            "acceptance_change": _delta(acc_now, acc_then),
            "speaker_before": sp_then,
            "speaker_after": sp_now,
            "speaker_change": sp_now - sp_then,
            "claims_before": c_then,
            "claims_after": c_now,
            "claims_change": _delta(c_now, c_then),
        }

    order = sorted(((-round(spend, 2), hid, dept) for (hid, dept), (spend, _, _) in pairs.items()))
    kol_of = {hid: kol(hid) for hid in {hid for hid, _ in pairs}}
    names = {
        r["hcp_id"]: r["name"]
        for r in store.run("roi_hcp_names", ids=sorted({hid for _, hid, _ in order[:limit]}))
    }
    kols = []
    for _, hid, dept in order[:limit]:
        pair_spend, pair_n, pair_accepted = pairs[(hid, dept)]
        kols.append(
            {
                "hcp_id": hid,
                "department": dept,
                **_Tally(pair_spend, int(pair_n), int(pair_accepted), {hid}).summary(),
                "name": names.get(hid),
                **kol_of[hid],
            }
        )
    weighted: dict[str, list[tuple[float, float]]] = defaultdict(list)
    speaker_change: dict[str, int] = defaultdict(int)
    claims_change: dict[str, float] = defaultdict(int)
    departments_now: dict[str, _Tally] = defaultdict(_Tally)
    for minus_spend, hid, dept in order:  # the KOL rows' order, as the sums always ran
        pair_spend, pair_n, pair_accepted = pairs[(hid, dept)]
        departments_now[dept].add(hid, pair_spend, int(pair_n), int(pair_accepted))
        k = kol_of[hid]
        if k["acceptance_change"] is not None:
            weighted[dept].append((-minus_spend, k["acceptance_change"]))
        speaker_change[dept] += k["speaker_change"]
        if k["claims_change"] is not None:
            claims_change[dept] += k["claims_change"]
    departments = []
    for dept in sorted(departments_now):
        total = sum(w for w, _ in weighted[dept])
        departments.append(
            {
                "department": dept,
                **departments_now[dept].summary(),
                "acceptance_change": round(sum(w * c for w, c in weighted[dept]) / total, 4)
                if total
                else None,
                "speaker_change": speaker_change[dept],
                "claims_change": claims_change[dept],
            }
        )
    budgets = {r["name"]: r for r in store.run("roi_products")}
    by_product: dict[str, _Tally] = defaultdict(_Tally)
    first: dict[str, tuple[str, str | None]] = {}  # product -> (first engagement id, its area)
    for g in store.run("roi_product_groups", since=since.isoformat(), until=until.isoformat()):
        product = g["product"]
        if not product:
            continue
        n = int(g["engagements"])
        by_product[product].add(
            g["hcp_id"], float(g["spend"] or 0.0), n, _outcome_counts(g["outcome"], n)[0]
        )
        if product not in first or g["first_id"] < first[product][0]:
            first[product] = (g["first_id"], g["therapeutic_area"])
    products, areas = [], []
    for product in sorted(by_product):
        info = budgets.get(product, {})
        area = info.get("therapeutic_area") or first[product][1]
        budget = info.get("budget")
        summary = by_product[product].summary()
        products.append(
            {
                "product": product,
                "therapeutic_area": area,
                "budget": budget,
                **summary,
                "budget_used": round(summary["spend"] / budget, 4) if budget else None,
            }
        )
    for info in budgets.values():
        if info["name"] not in by_product:
            products.append(
                {
                    "product": info["name"],
                    "therapeutic_area": info["therapeutic_area"],
                    "budget": info["budget"],
                    **_summary([]),
                    "budget_used": 0.0 if info["budget"] else None,
                }
            )
    for area in sorted({p["therapeutic_area"] or "unassigned" for p in products}):
        members = [p for p in products if (p["therapeutic_area"] or "unassigned") == area]
        names_in = {p["product"] for p in members}
        budget = sum(p["budget"] or 0 for p in members) or None
        tally = _Tally()
        for name in sorted(names_in & by_product.keys()):
            t = by_product[name]
            tally.spend += t.spend
            tally.engagements += t.engagements
            tally.accepted += t.accepted
            tally.hcps |= t.hcps
        summary = tally.summary()
        areas.append(
            {
                "therapeutic_area": area,
                "products": sorted(names_in),
                "budget": budget,
                **summary,
                "budget_used": round(summary["spend"] / budget, 4) if budget else None,
            }
        )
    products.sort(key=lambda p: (-p["spend"], p["product"]))
    attributed = sum(t.spend for t in by_product.values())
    return {
        "since": since.isoformat(),
        "until": until.isoformat(),
        "compared_with": [before_since.isoformat(), before_until.isoformat()],
        "claims_years": [until.year - 1, until.year],
        "kols": kols,
        "departments": departments,
        "therapeutic_areas": areas,
        "products": products,
        "unattributed_spend": round(spend_now - attributed, 2),
    }
