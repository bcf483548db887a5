"""Industry payments an HCP received, as Open Payments discloses them: a transparency panel.

These are what *every* manufacturer reported paying the HCP (conflicts of interest, other
companies' engagement), not our contacts: our own spend is our engagements (and the payments
of the manufacturer configured as our company, which are also engagements). Totals come by
manufacturer, nature of payment, product and year; ``ours`` marks our company's rows.

Examples
--------
>>> rows = [{"id": "p1", "date": "2015-03-01", "amount": 10.0, "manufacturer": "A",
...          "nature": "Food", "products": ["X"], "ours": False},
...         {"id": "p2", "date": "2016-01-01", "amount": 5.5, "manufacturer": "A",
...          "nature": "Travel", "products": [], "ours": True}]
>>> panel = summarise(rows)
>>> panel["total"], panel["ours_total"], panel["by_manufacturer"]
(15.5, 5.5, [{'name': 'A', 'payments': 2, 'amount': 15.5}])
>>> [y["year"] for y in panel["by_year"]]
[2016, 2015]
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable
from typing import Any

from kolgraph.krm.access import Permission, Viewer
from kolgraph.krm.profiles import hcp_node
from kolgraph.krm.results.payments import IndustryPayments
from kolgraph.store import GraphStore

__all__ = ["industry_payments", "summarise"]

RECENT = 50


def _groups(
    rows: list[dict[str, Any]], keys: Iterable[tuple[Hashable, dict[str, Any]]], field: str
) -> list[dict[str, Any]]:
    count: dict[Any, int] = defaultdict(int)
    amount: dict[Any, float] = defaultdict(float)
    for key, row in keys:
        count[key] += 1
        amount[key] += float(row.get("amount") or 0.0)
    out = [{field: k, "payments": count[k], "amount": round(amount[k], 2)} for k in count]
    if field == "year":
        return sorted(out, key=lambda g: -g["year"])
    return sorted(out, key=lambda g: (-g["amount"], str(g[field])))


def summarise(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Totals and groups of payment rows (newest first as given), with the latest rows."""
    years = [(int(r["date"][:4]), r) for r in rows if (r.get("date") or "")[:4].isdigit()]
    products = [(p, r) for r in rows for p in r.get("products") or []]
    return {
        "payments": len(rows),
        "total": round(sum(float(r.get("amount") or 0.0) for r in rows), 2),
        "ours_total": round(sum(float(r.get("amount") or 0.0) for r in rows if r.get("ours")), 2),
        "by_manufacturer": _groups(rows, ((r.get("manufacturer"), r) for r in rows), "name"),
        "by_nature": _groups(rows, ((r.get("nature"), r) for r in rows), "nature"),
        "by_product": _groups(rows, products, "product"),
        "by_year": _groups(rows, years, "year"),
        "recent": rows[:RECENT],
    }


def industry_payments(store: GraphStore, viewer: Viewer, hcp_id: str) -> IndustryPayments:
    """The Open Payments panel of one HCP (public disclosures, shown to any HCP reader).

    Raises
    ------
    UnknownHcp
        If no HCP has id ``hcp_id``.
    """
    viewer.require(Permission.READ_HCPS)
    hcp_node(store, hcp_id)
    rows = store.run("hcp_industry_payments", id=hcp_id)
    panel = {"hcp_id": hcp_id, "source": "CMS Open Payments", **summarise(rows)}
    return IndustryPayments.model_validate(panel)
