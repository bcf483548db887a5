"""Return on engagement grouped in one pass equals the per-KOL rescans it replaced.

``old_return_on_engagement`` is the previous implementation, kept verbatim as the oracle.
A generated CRM (outcomes in mixed case and with spaces, speaker programmes, products by
relationship and by name, planned and unplanned, prescribing in two years) must give the
identical report for several windows; department spend and accepted counts are also
recounted by hand from the generated rows.
"""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, timedelta
from typing import Any

import pytest

from kolgraph.analytics.periods import previous, window
from kolgraph.analytics.roi import (
    POSITIVE,
    _claims,
    _delta,
    _summary,
    acceptance,
    return_on_engagement,
)
from kolgraph.store import GraphStore
from tests.analytics.conftest import add_engagements, add_hcps, add_prescribing

UNTIL = date(2024, 12, 31)
OUTCOMES = ["accepted", "Accepted ", "declined", "completed", "no_show", "neutral", None]
TYPES = ["visit", "meeting", "email", "speaker_programme"]
DEPARTMENTS = ["sales", "marketing", "medical_affairs"]


def old_return_on_engagement(
    store: GraphStore, *, until: date | None = None, days: int = 365, limit: int = 100
) -> dict[str, Any]:
    """The previous implementation (a scan of every row per KOL), kept as the oracle."""
    since, until = window(until, days)
    before_since, before_until = previous(since, until)
    rows = store.run("roi_engagements", since=before_since.isoformat(), until=until.isoformat())
    for r in rows:
        r["spend"] = float(r["spend"] or 0.0)
    now = [r for r in rows if r["date"] >= since.isoformat()]
    then = [r for r in rows if r["date"] < since.isoformat()]
    claims = _claims(store, (until.year - 1, until.year))
    kol: dict[str, dict[str, Any]] = {}
    for hid in {r["hcp_id"] for r in now}:
        mine_now = [r for r in now if r["hcp_id"] == hid]
        mine_then = [r for r in then if r["hcp_id"] == hid]
        acc_now = acceptance(r["outcome"] for r in mine_now)
        acc_then = acceptance(r["outcome"] for r in mine_then)
        sp_now = sum(1 for r in mine_now if r["type"] == "speaker_programme")
        sp_then = sum(1 for r in mine_then if r["type"] == "speaker_programme")
        c_then, c_now = claims.get(hid, (None, None))
        kol[hid] = {
            "name": mine_now[0]["name"],
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
    groups: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for r in now:
        groups[(r["hcp_id"], r["department"])].append(r)
    kols = [{"hcp_id": h, "department": d, **_summary(g), **kol[h]} for (h, d), g in groups.items()]
    kols.sort(key=lambda k: (-k["spend"], k["hcp_id"], k["department"]))
    departments = []
    for dept in sorted({r["department"] for r in now}):
        mine = [k for k in kols if k["department"] == dept]
        weighted = [
            (k["spend"], k["acceptance_change"]) for k in mine if k["acceptance_change"] is not None
        ]
        total = sum(w for w, _ in weighted)
        departments.append(
            {
                "department": dept,
                **_summary([r for r in now if r["department"] == dept]),
                "acceptance_change": round(sum(w * c for w, c in weighted) / total, 4)
                if total
                else None,
                "speaker_change": sum(k["speaker_change"] for k in mine),
                "claims_change": sum(
                    k["claims_change"] for k in mine if k["claims_change"] is not None
                ),
            }
        )
    budgets = {r["name"]: r for r in store.run("roi_products")}
    products, areas = [], []
    for product in sorted({r["product"] for r in now if r["product"]}):
        mine = [r for r in now if r["product"] == product]
        info = budgets.get(product, {})
        area = info.get("therapeutic_area") or mine[0]["therapeutic_area"]
        budget = info.get("budget")
        summary = _summary(mine)
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
        if info["name"] not in {p["product"] for p in products}:
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
        names = {p["product"] for p in members}
        budget = sum(p["budget"] or 0 for p in members) or None
        summary = _summary([r for r in now if r["product"] in names])
        areas.append(
            {
                "therapeutic_area": area,
                "products": sorted(names),
                "budget": budget,
                **summary,
                "budget_used": round(summary["spend"] / budget, 4) if budget else None,
            }
        )
    products.sort(key=lambda p: (-p["spend"], p["product"]))
    return {
        "since": since.isoformat(),
        "until": until.isoformat(),
        "compared_with": [before_since.isoformat(), before_until.isoformat()],
        "claims_years": [until.year - 1, until.year],
        "kols": kols[:limit],
        "departments": departments,
        "therapeutic_areas": areas,
        "products": products,
        "unattributed_spend": round(sum(r["spend"] for r in now if not r["product"]), 2),
    }


def generated(store: GraphStore, seed: int = 7) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    hcps = {f"npi:{i:04d}": {"name": f"Hcp {i}"} for i in range(40)}
    add_hcps(store, hcps)
    store.upsert_nodes(
        "Product",
        [
            {
                "id": "product:a",
                "props": {
                    "name": "Alpha",
                    "therapeutic_area": "cardio",
                    "budget": 9000.0,
                    "company_product": True,
                },
            },
            {
                "id": "product:b",
                "props": {"name": "Beta", "therapeutic_area": "cardio", "company_product": True},
            },
            {
                "id": "product:c",
                "props": {
                    "name": "Gamma",
                    "therapeutic_area": None,
                    "budget": 1000.0,
                    "company_product": True,
                },
            },
        ],
    )
    rows = []
    for n in range(600):
        row: dict[str, Any] = {
            "id": f"eng:crm:G{n:04d}",
            "hcp_id": rng.choice(sorted(hcps)),
            "type": rng.choice(TYPES),
            "department": rng.choice(DEPARTMENTS),
            "date": (UNTIL - timedelta(days=rng.randrange(800))).isoformat(),
            "outcome": rng.choice(OUTCOMES),
        }
        spend = round(rng.random() * 500, 2)
        row[rng.choice(("cost", "amount"))] = spend if rng.random() < 0.9 else None
        pick = rng.random()
        if pick < 0.5:
            row["product_id"] = rng.choice(["product:a", "product:b", "product:c"])
        elif pick < 0.6:
            row["product"] = "Delta"  # named only, no Product node
        if rng.random() < 0.05:
            row["planned"] = True
        rows.append(row)
    add_engagements(store, [dict(r) for r in rows])
    add_prescribing(
        store,
        [(h, "Alpha", y, rng.randrange(200)) for h in sorted(hcps)[:25] for y in (2023, 2024)],
        company={"Alpha"},
    )
    return rows


@pytest.mark.parametrize(("days", "limit"), [(366, 100), (180, 5), (730, 1000)])
def test_grouped_report_equals_the_per_kol_rescans(store, days, limit):
    generated(store)
    new = return_on_engagement(store, until=UNTIL, days=days, limit=limit)
    assert new == old_return_on_engagement(store, until=UNTIL, days=days, limit=limit)
    assert len(new["kols"]) > 3 and len(new["departments"]) == 3


def test_department_spend_and_accepted_recounted_by_hand(store):
    rows = generated(store)
    report = return_on_engagement(store, until=UNTIL, days=366)
    since = report["since"]
    spend: dict[str, float] = defaultdict(float)
    accepted: dict[str, int] = defaultdict(int)
    count: dict[str, int] = defaultdict(int)
    for r in sorted(rows, key=lambda r: r["id"]):
        if r.get("planned") or not since <= r["date"] <= report["until"]:
            continue
        spend[r["department"]] += r.get("amount") or r.get("cost") or 0.0
        accepted[r["department"]] += (r["outcome"] or "").lower() in POSITIVE
        count[r["department"]] += 1
    for dept in report["departments"]:
        name = dept["department"]
        assert dept["spend"] == round(spend[name], 2)
        assert (dept["engagements"], dept["accepted"]) == (count[name], accepted[name])
