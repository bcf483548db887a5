"""Alerts for KRM managers, and acknowledging a cross-department conflict.

Three alerts, each as of a day:

- ``over_cap``: fair-market-value spend on one HCP in the calendar year over the annual cap
  (only for roles that may see spend);
- ``new_conflict``: two departments within the conflict window of each other in the last
  ``conflict_window_days``, not yet acknowledged;
- ``untouched``: strategic KOLs nobody contacted for ``stale_days``.

An acknowledgement is stored (``ConflictAck``) and audited (``conflict.acknowledge``).
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from typing import Any

from kolgraph.errors import InvalidRequest
from kolgraph.krm import audit
from kolgraph.krm.access import Permission, Viewer
from kolgraph.krm.dates import checked
from kolgraph.krm.policy import KrmPolicy
from kolgraph.krm.profiles import hcp_node
from kolgraph.krm.results.alerts import Alerts
from kolgraph.store import GraphStore


def conflict_key(kind: str, departments: list[str], first_date: str | None) -> str:
    """The stable key of one conflict: kind, departments (sorted) and its first date.

    Examples
    --------
    >>> conflict_key("window", ["sales", "medical_affairs"], "2026-11-30")
    'window:medical_affairs+sales:2026-11-30'
    """
    return f"{kind}:{'+'.join(sorted(departments))}:{first_date or ''}"


def _window_pairs(rows: list[dict[str, Any]], window: int) -> list[dict[str, Any]]:
    """Per HCP, pairs of departments whose engagements lie within ``window`` days."""
    by_hcp: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in rows:
        by_hcp[r["id"]].append(r)
    found = []
    for hcp, items in by_hcp.items():
        pairs: dict[tuple[str, str], dict[str, Any]] = {}
        for i, a in enumerate(items):
            for b in items[i + 1 :]:
                if a["department"] == b["department"]:
                    continue
                gap = abs(
                    (date.fromisoformat(b["date"][:10]) - date.fromisoformat(a["date"][:10])).days
                )
                if gap > window:
                    continue
                depts = tuple(sorted((a["department"], b["department"])))
                first = min(a["date"][:10], b["date"][:10])
                last = max(a["date"][:10], b["date"][:10])
                seen = pairs.get(depts)
                if seen is None or first < seen["first_date"]:
                    pairs[depts] = {"first_date": first, "last_date": last, "days_apart": gap}
        for depts, p in pairs.items():
            found.append(
                {
                    "hcp_id": hcp,
                    "name": items[0]["name"],
                    "tier": items[0]["tier"],
                    "departments": list(depts),
                    **p,
                }
            )
    return found


def alerts(
    store: GraphStore,
    viewer: Viewer,
    policy: KrmPolicy,
    *,
    as_of: date | None = None,
    stale_days: int | None = None,
    limit: int = 50,
) -> Alerts:
    """The alerts as of ``as_of`` (default today), newest concerns first.

    Raises
    ------
    AccessDenied
        Unless the role may read the portfolio.
    """
    viewer.require(Permission.READ_PORTFOLIO)
    as_of = checked(as_of, "as_of") or date.today()
    stale = stale_days or policy.stale_days
    until = as_of.isoformat()
    out: list[dict[str, Any]] = []
    if viewer.can(Permission.SEE_SPEND):
        for r in store.run(
            "spend_over_cap",
            year_start=date(as_of.year, 1, 1).isoformat(),
            until=until,
            cap=policy.annual_spend_cap,
            limit=limit,
        ):
            out.append(
                {
                    "kind": "over_cap",
                    "hcp_id": r["id"],
                    "name": r["name"],
                    "tier": r["tier"],
                    "spend": round(r["spend"], 2),
                    "cap": policy.annual_spend_cap,
                    "message": f"spend {r['spend']:,.0f} USD in {as_of.year} is over the "
                    f"annual cap of {policy.annual_spend_cap:,.0f} USD",
                }
            )
    window = policy.conflict_window_days
    since = (as_of - timedelta(days=2 * window)).isoformat()
    rows = store.run("recent_department_contacts", since=since, until=until)
    acked = {(r["hcp_id"], r["key"]) for r in store.run("conflict_acks_since", since=since)}
    recent_from = (as_of - timedelta(days=window)).isoformat()
    for c in _window_pairs(rows, window):
        key = conflict_key("window", c["departments"], c["first_date"])
        if c["last_date"] < recent_from or (c["hcp_id"], key) in acked:
            continue
        out.append(
            {
                "kind": "new_conflict",
                "hcp_id": c["hcp_id"],
                "name": c["name"],
                "tier": c["tier"],
                "departments": c["departments"],
                "key": key,
                "first_date": c["first_date"],
                "last_date": c["last_date"],
                "message": f"{' and '.join(c['departments'])} contacted within "
                f"{c['days_apart']} days ({c['first_date']} to {c['last_date']})",
            }
        )
    for r in store.run(
        "uncontacted_kols",
        tier="strategic",
        since=(as_of - timedelta(days=stale)).isoformat(),
        until=until,
        limit=limit,
    ):
        out.append(
            {
                "kind": "untouched",
                "hcp_id": r["id"],
                "name": r["name"],
                "tier": r["tier"],
                "last_date": r["last_date"],
                "message": f"strategic KOL with no contact for {stale} days"
                + (f" (last {r['last_date']})" if r["last_date"] else " (never contacted)"),
            }
        )
    found = {
        "as_of": until,
        "stale_days": stale,
        "conflict_window_days": window,
        "alerts": out[: 3 * limit],
    }
    return Alerts.model_validate(found)


def acknowledge_conflict(
    store: GraphStore, viewer: Viewer, hcp_id: str, key: str, note: str | None = None
) -> dict[str, Any]:
    """Record that ``viewer`` has seen the conflict ``key`` on ``hcp_id``; audited.

    Raises
    ------
    InvalidRequest
        If ``key`` is not a conflict key (``kind:dept+dept:YYYY-MM-DD``).
    AccessDenied
        Unless the role may read the portfolio.
    """
    viewer.require(Permission.READ_PORTFOLIO)
    hcp_node(store, hcp_id)
    parts = key.split(":")
    if len(parts) != 3 or parts[0] not in ("window", "objective_overlap") or "+" not in parts[1]:
        raise InvalidRequest(
            f"key {key!r} is not a conflict key; use the key from "
            "GET /hcps/{id}/contacts or /alerts",
            "key",
        )
    digest = hashlib.sha256(f"{hcp_id}|{key}".encode()).hexdigest()[:16]
    props = {
        "hcp_id": hcp_id,
        "key": key,
        "kind": parts[0],
        "departments": parts[1].split("+"),
        "first_date": parts[2] or None,
        "note": note,
        "by_key": viewer.key_id,
        "by_role": viewer.role,
        "by_department": viewer.department,
        "by_employee": viewer.employee_id,
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    ack = store.run("save_conflict_ack", hcp_id=hcp_id, id=f"ack:{digest}", props=props)
    audit.record(store, viewer, "conflict.acknowledge", hcp_id, {"key": key})
    return ack[0]["ack"]


def conflict_acks(store: GraphStore, viewer: Viewer, hcp_id: str) -> list[dict[str, Any]]:
    """Every acknowledged conflict of one HCP, newest first."""
    viewer.require(Permission.READ_CONTACTS)
    return [r["ack"] for r in store.run("conflict_acks_of_hcp", hcp_id=hcp_id)]
