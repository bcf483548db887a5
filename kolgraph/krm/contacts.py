"""Who contacted this KOL? Per-department contacts, conflicts, spend caps and the firewall.

Commercial and medical departments must coordinate without leaking content: every
viewer sees *that* a department had contact (when, which, what type); notes and
objectives of another department only when the role allows (see
:mod:`kolgraph.krm.access`), and amounts only with the spend permission.
"""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import date, timedelta
from itertools import combinations
from typing import Any

from kolgraph.krm.access import Permission, Viewer
from kolgraph.krm.dates import checked
from kolgraph.krm.policy import KrmPolicy
from kolgraph.krm.profiles import hcp_node
from kolgraph.krm.results.contacts import Contacts, Portfolio
from kolgraph.store import GraphStore

_WORD = re.compile(r"[a-z0-9]{4,}")
_STOP = frozenset(
    {
        "with",
        "about",
        "from",
        "that",
        "this",
        "their",
        "into",
        "discuss",
        "discussion",
        "update",
        "follow",
        "present",
        "share",
        "review",
    }
)
OPEN_PLAN = ("draft", "active", "open")


def objective_terms(texts: list[str]) -> set[str]:
    """The content words of objective texts (lower case, four letters or more, no filler).

    Examples
    --------
    >>> sorted(objective_terms(["Discuss the GLP-1 data in obesity"]))
    ['data', 'obesity']
    """
    return {w for t in texts for w in _WORD.findall(t.lower())} - _STOP


def overlap(a: set[str], b: set[str]) -> float:
    """Shared terms as a share of the smaller set (0 when either is empty).

    Examples
    --------
    >>> overlap({"obesity", "data"}, {"obesity", "trial", "sites"})
    0.5
    """
    return len(a & b) / min(len(a), len(b)) if a and b else 0.0


def _spend(e: dict[str, Any]) -> float:
    return float(e.get("amount") or e.get("cost") or 0.0)


def _window_conflicts(rows: list[dict[str, Any]], window: int) -> list[dict[str, Any]]:
    dated = sorted(
        (r for r in rows if r.get("date") and r.get("department")), key=lambda r: r["date"]
    )
    pairs: dict[tuple[str, str], dict[str, Any]] = {}
    for i, a in enumerate(dated):
        da = date.fromisoformat(a["date"][:10])
        for b in dated[i + 1 :]:
            gap = (date.fromisoformat(b["date"][:10]) - da).days
            if gap > window:
                break
            if b["department"] == a["department"]:
                continue
            first, second = sorted((str(a["department"]), str(b["department"])))
            key = (first, second)
            c = pairs.setdefault(
                key,
                {
                    "kind": "window",
                    "departments": list(key),
                    "occurrences": 0,
                    "min_days_apart": gap,
                    "first_date": a["date"][:10],
                    "last_date": b["date"][:10],
                    "engagement_ids": [],
                },
            )
            c["occurrences"] += 1
            c["min_days_apart"] = min(c["min_days_apart"], gap)
            c["last_date"] = max(c["last_date"], b["date"][:10])
            for eid in (a["id"], b["id"]):
                if eid not in c["engagement_ids"] and len(c["engagement_ids"]) < 10:
                    c["engagement_ids"].append(eid)
    return list(pairs.values())


def _objective_conflicts(
    viewer: Viewer,
    objectives: dict[str, list[str]],
    products: dict[str, set[str]],
    threshold: float,
) -> list[dict[str, Any]]:
    """Pairs of departments whose objectives or products overlap.

    Across the firewall the answer must not depend on what the hidden side wrote (a caller
    could otherwise edit its own objective word by word and watch a conflict appear): a
    caller who cannot see both sides gets, for every pair where both have objectives or
    products, one ``redacted`` conflict without score, terms or products, meaning
    "compliance can compare these"; only callers who see both sides get the computed ones.
    """
    out: list[dict[str, Any]] = []
    departments = sorted(set(objectives) | set(products))
    for a, b in combinations(departments, 2):
        if not (viewer.sees_content_of(a) and viewer.sees_content_of(b)):
            if (objectives.get(a) or products.get(a)) and (objectives.get(b) or products.get(b)):
                out.append(
                    {
                        "kind": "objective_overlap",
                        "departments": [a, b],
                        "overlap": None,
                        "shared_terms": None,
                        "shared_products": None,
                        "redacted": True,
                    }
                )
            continue
        ta, tb = objective_terms(objectives.get(a, [])), objective_terms(objectives.get(b, []))
        shared_products = products.get(a, set()) & products.get(b, set())
        score = overlap(ta, tb)
        if score < threshold and not shared_products:
            continue
        out.append(
            {
                "kind": "objective_overlap",
                "departments": [a, b],
                "overlap": round(score, 3),
                "shared_terms": sorted(ta & tb),
                "shared_products": sorted(shared_products),
                "redacted": False,
            }
        )
    return out


def contact_tracking(
    store: GraphStore,
    viewer: Viewer,
    hcp_id: str,
    policy: KrmPolicy,
    *,
    as_of: date | None = None,
) -> Contacts:
    """Every department's contact with one HCP over the look-back window, with conflicts.

    Returns
    -------
    Contacts
        ``departments`` (contacts, last contact and by whom, open objectives, spend),
        totals, ``spend_by_year`` with ``over_cap`` flags against the annual FMV cap and
        ``conflicts`` (departments within ``conflict_window_days`` of each other, or with
        overlapping objectives or products).

    Raises
    ------
    UnknownHcp
        If no HCP has id ``hcp_id``.
    """
    viewer.require(Permission.READ_CONTACTS)
    as_of = checked(as_of, "as_of") or date.today()
    hcp = hcp_node(store, hcp_id)
    since = min(as_of - timedelta(days=policy.lookback_days), date(as_of.year, 1, 1))
    rows = store.run("contacts_of_hcp", id=hcp_id, since=since.isoformat())
    engagements = [{**r["engagement"], "employee_name": r["employee_name"]} for r in rows]
    window_start = (as_of - timedelta(days=policy.lookback_days)).isoformat()
    recent = [
        e
        for e in engagements
        if (e.get("date") or "") >= window_start and (e.get("date") or "") <= as_of.isoformat()
    ]
    plans = [r["plan"] for r in store.run("plans_of_hcp", id=hcp_id)]
    spend_ok = viewer.can(Permission.SEE_SPEND)

    by_dept: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for e in recent:
        by_dept[e.get("department") or "unknown"].append(e)
    objectives: dict[str, list[str]] = defaultdict(list)
    products: dict[str, set[str]] = defaultdict(set)
    for e in recent:
        dept = e.get("department") or "unknown"
        if e.get("objective"):
            objectives[dept].append(e["objective"])
        if e.get("product"):
            products[dept].add(str(e["product"]).lower())
    open_objectives: dict[str, list[str]] = defaultdict(list)
    for p in plans:
        if (p.get("status") or "active") in OPEN_PLAN and (
            p.get("period_end") or ""
        ) >= as_of.isoformat():
            open_objectives[p.get("department") or "unknown"].extend(p.get("objectives") or [])
            objectives[p.get("department") or "unknown"].extend(p.get("objectives") or [])

    departments = []
    for dept in sorted(set(by_dept) | set(open_objectives)):
        items = by_dept.get(dept, [])
        last = max(items, key=lambda e: (e.get("date") or "", e["id"]), default=None)
        content = viewer.sees_content_of(dept)
        departments.append(
            {
                "department": dept,
                "contacts": len(items),
                "last_contact": None
                if last is None
                else {
                    "date": last.get("date"),
                    "type": last.get("type"),
                    "employee_id": last.get("employee_id"),
                    "employee_name": last.get("employee_name"),
                },
                "types": dict(sorted(_count(e.get("type") for e in items).items())),
                "open_objectives": sorted(set(open_objectives.get(dept, []))) if content else None,
                "spend": round(sum(_spend(e) for e in items), 2) if spend_ok else None,
                "redacted": not content,
            }
        )

    yearly: dict[int, float] = defaultdict(float)
    for e in engagements:
        if e.get("date") and e["date"][:10] <= as_of.isoformat():
            yearly[int(e["date"][:4])] += _spend(e)
    spend_by_year = [
        {
            "year": y,
            "spend": round(s, 2) if spend_ok else None,
            "cap": policy.annual_spend_cap if spend_ok else None,
            "over_cap": s > policy.annual_spend_cap,
        }
        for y, s in sorted(yearly.items())
    ]
    conflicts = _window_conflicts(recent, policy.conflict_window_days) + _objective_conflicts(
        viewer, objectives, products, policy.objective_overlap
    )
    tracking = {
        "hcp_id": hcp_id,
        "name": hcp.get("name"),
        "as_of": as_of.isoformat(),
        "window_start": window_start,
        "conflict_window_days": policy.conflict_window_days,
        "total_contacts": len(recent),
        "total_spend": round(sum(_spend(e) for e in recent), 2) if spend_ok else None,
        "departments": departments,
        "spend_by_year": spend_by_year,
        "over_cap": any(y["over_cap"] for y in spend_by_year),
        "conflicts": conflicts,
    }
    return Contacts.model_validate(tracking)


def _count(values: Any) -> dict[str, int]:
    out: dict[str, int] = defaultdict(int)
    for v in values:
        out[str(v)] += 1
    return out


def portfolio(
    store: GraphStore,
    viewer: Viewer,
    policy: KrmPolicy,
    *,
    as_of: date | None = None,
    min_departments: int = 2,
    tier: str = "strategic",
    limit: int = 100,
) -> Portfolio:
    """KOLs contacted by several departments lately, and ``tier`` KOLs nobody contacted lately.

    Raises
    ------
    AccessDenied
        Unless the role may read the portfolio (KRM manager, medical affairs, compliance, admin).
    """
    viewer.require(Permission.READ_PORTFOLIO)
    as_of = checked(as_of, "as_of") or date.today()
    limit = max(1, min(limit, 500))
    since_multi = (as_of - timedelta(days=policy.lookback_days)).isoformat()
    since_stale = (as_of - timedelta(days=policy.stale_days)).isoformat()
    found = {
        "as_of": as_of.isoformat(),
        "since": since_multi,
        "stale_since": since_stale,
        "multi_department": store.run(
            "multi_department_kols",
            since=since_multi,
            until=as_of.isoformat(),
            min_departments=max(2, min_departments),
            limit=limit,
        ),
        "uncontacted": store.run(
            "uncontacted_kols", tier=tier, since=since_stale, until=as_of.isoformat(), limit=limit
        ),
    }
    return Portfolio.model_validate(found)
