"""Field-force and KRM KPIs for a period, department, territory, employee or segment."""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from datetime import date, timedelta
from typing import Any

from kolgraph.errors import AccessDenied, InvalidRequest
from kolgraph.krm.access import Permission, Viewer
from kolgraph.krm.dates import checked
from kolgraph.krm.policy import KrmPolicy
from kolgraph.store import GraphStore

FIELD_TYPES = frozenset({"visit", "call", "meeting", "email"})
DETAILING_TYPES = frozenset({"visit", "call", "meeting"})
SEGMENTS = ("A", "B", "C")
MAX_PERIOD_DAYS = 3660


def working_days(start: date, end: date) -> int:
    """Monday-to-Friday days from ``start`` to ``end`` inclusive.

    Examples
    --------
    >>> working_days(date(2024, 3, 4), date(2024, 3, 10))
    5
    """
    if end < start:
        return 0
    weeks, rest = divmod((end - start).days + 1, 7)
    days = weeks * 5
    for i in range(rest):
        if (start + timedelta(days=weeks * 7 + i)).weekday() < 5:
            days += 1
    return days


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres (haversine).

    Examples
    --------
    >>> round(distance_m(0.0, 0.0, 0.0, 0.001))
    111
    """
    r = 6_371_008.8
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * r * math.asin(min(1.0, math.sqrt(a)))


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def kpis(
    store: GraphStore,
    viewer: Viewer,
    policy: KrmPolicy,
    *,
    period_start: date,
    period_end: date,
    department: str | None = None,
    territory: str | None = None,
    employee_id: str | None = None,
    segment: str | None = None,
) -> dict[str, Any]:
    """Coverage, adherence, call rate, verified visits, completeness, messages, outcomes.

    Definitions: the *targets* are the HCPs with a plan overlapping the period (for the
    department when given); *coverage* is the share of targets engaged in the period;
    *plan adherence* is sum(min(actual, planned)) / sum(planned) over those plans;
    *call rate* counts field engagements (visit, call, meeting, email) per working day;
    a visit is *verified* when its GPS fix lies within ``policy.visit_radius_m`` of the
    HCP's practice location, and the *verified visit rate* counts only visits to HCPs whose
    practice location is known (a visit without a GPS fix counts as not verified; the
    visits that cannot be checked are ``visits - visits_located``); a call report is
    *complete* with an objective, an outcome, notes and at least one key message.
    When the period has no engagement, ``latest_engagement_date`` is the date of the latest
    one under the same filters (``None`` if there is none at all), so a caller can offer a
    period that has data; it is ``None`` whenever the period has engagements.

    Raises
    ------
    AccessDenied
        If the role may not read KPIs, or not for another department.
    InvalidRequest
        If the period is reversed or longer than ten years.
    """
    viewer.require(Permission.READ_KPIS)
    if not viewer.can(Permission.READ_ANY_DEPARTMENT_KPIS):
        if department not in (None, viewer.department):
            raise AccessDenied(f"a {viewer.role} key sees KPIs of its own department "
                               f"({viewer.department!r}) only")
        department = viewer.department
    checked(period_start, "period_start")
    checked(period_end, "period_end")
    if period_end < period_start:
        raise InvalidRequest("period_end must not be before period_start", "period_end")
    if (period_end - period_start).days > MAX_PERIOD_DAYS:
        raise InvalidRequest("the period may span at most ten years", "period_end")
    if segment is not None and segment not in SEGMENTS:
        raise InvalidRequest(f"segment must be one of {', '.join(SEGMENTS)}", "segment")
    start, end = period_start.isoformat(), period_end.isoformat()
    rows = store.run("kpi_engagements", period_start=start, period_end=end,
                     department=department, employee_id=employee_id, segment=segment,
                     territory=territory)
    plans = store.run("plans_in_period", period_start=start, period_end=end,
                      department=department)
    sizes = {r["segment"]: r["n"] for r in store.run("segment_sizes")}
    latest = None
    if not rows:
        found = store.run("kpi_latest_engagement", department=department,
                          employee_id=employee_id, segment=segment, territory=territory)
        latest = found[0]["latest"] if found else None

    engaged = {r["hcp_id"] for r in rows}
    targets = {p["hcp_id"] for p in plans}
    by_plan_key: Counter[tuple[str, str]] = Counter((r["hcp_id"], r["department"]) for r in rows)
    planned_total = sum(int(p["planned_engagements"]) for p in plans)
    delivered = sum(min(by_plan_key[(p["hcp_id"], p["department"])], int(p["planned_engagements"]))
                    for p in plans)

    field = [r for r in rows if r["type"] in FIELD_TYPES]
    detailing = [r for r in rows if r["type"] in DETAILING_TYPES]
    visits = [r for r in rows if r["type"] == "visit"]
    located = [r for r in visits if r["hcp_lat"] is not None and r["hcp_lon"] is not None]
    verified = sum(
        1 for r in located
        if r["lat"] is not None and r["lon"] is not None
        and distance_m(r["lat"], r["lon"], r["hcp_lat"], r["hcp_lon"]) <= policy.visit_radius_m
    )
    complete = sum(1 for r in detailing if r["has_objective"] and r["has_notes"]
                   and r["outcome"] and r["key_messages"] > 0)
    with_messages = sum(1 for r in detailing if r["key_messages"] > 0)
    days = working_days(period_start, period_end)
    employees = {r["employee_id"] for r in field if r["employee_id"]}
    contacted_by_segment: dict[str, set[str]] = defaultdict(set)
    for r in rows:
        if r["segment"] in SEGMENTS:
            contacted_by_segment[r["segment"]].add(r["hcp_id"])
    return {
        "period_start": start, "period_end": end, "department": department,
        "territory": territory, "employee_id": employee_id, "segment": segment,
        "engagements": len(rows),
        "latest_engagement_date": latest,
        "hcps_engaged": len(engaged),
        "targets": len(targets),
        "target_coverage_rate": _rate(len(targets & engaged), len(targets)),
        "plan_adherence": _rate(delivered, planned_total),
        "working_days": days,
        "call_rate": round(len(field) / days, 4) if days else None,
        "call_rate_per_employee": round(len(field) / days / len(employees), 4)
        if days and employees else None,
        "visits": len(visits),
        "visits_located": len(located),
        "verified_visits": verified,
        "verified_visit_rate": _rate(verified, len(located)),
        "call_report_completeness": _rate(complete, len(detailing)),
        "key_message_delivery_rate": _rate(with_messages, len(detailing)),
        "outcome_mix": dict(sorted(Counter(r["outcome"] or "unreported" for r in detailing)
                                   .items())),
        "segment_coverage": [
            {"segment": s, "hcps": sizes.get(s, 0),
             "contacted": len(contacted_by_segment[s]),
             "coverage": _rate(len(contacted_by_segment[s]), sizes.get(s, 0))}
            for s in SEGMENTS
        ],
    }
