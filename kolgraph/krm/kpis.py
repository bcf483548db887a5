"""Field-force and KRM KPIs for a period, department, territory, employee or segment."""

from __future__ import annotations

import math
from collections import Counter
from datetime import date, timedelta
from typing import Any

from kolgraph.errors import AccessDenied, InvalidRequest
from kolgraph.krm.access import MIN_AGGREGATE_COUNT, Permission, Viewer
from kolgraph.krm.dates import checked
from kolgraph.krm.policy import KrmPolicy
from kolgraph.krm.results.kpis import Kpis
from kolgraph.store import GraphStore
from kolgraph.vocabulary import DETAILING_TYPES, FIELD_TYPES

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
) -> Kpis:
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
            raise AccessDenied(
                f"a {viewer.role} key sees KPIs of its own department ({viewer.department!r}) only"
            )
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
    where = {
        "period_start": start,
        "period_end": end,
        "department": department,
        "employee_id": employee_id,
        "segment": segment,
        "territory": territory,
    }
    groups = store.run(
        "kpi_by_segment",
        **where,
        field_types=sorted(FIELD_TYPES),
        detailing_types=sorted(DETAILING_TYPES),
        radius_m=policy.visit_radius_m,
    )
    totals: Counter[str] = Counter()
    employees: set[str] = set()
    contacted: dict[str, int] = {}
    for group in groups:
        for name in (
            "engagements",
            "hcps",
            "field",
            "visits",
            "visits_located",
            "verified_visits",
            "detailing",
            "with_messages",
            "complete",
        ):
            totals[name] += int(group[name] or 0)
        employees.update(e for e in group["employees"] or [] if e)
        if group["segment"] in SEGMENTS:
            contacted[group["segment"]] = int(group["hcps"])
    outcomes = {
        r["outcome"]: int(r["n"])
        for r in store.run("kpi_outcomes", **where, detailing_types=sorted(DETAILING_TYPES))
    }
    plans = store.run("plans_in_period", period_start=start, period_end=end, department=department)
    targets = sorted({p["hcp_id"] for p in plans})
    by_plan_key: Counter[tuple[str, str]] = Counter()
    for r in store.run("kpi_target_engagements", **where, hcp_ids=targets) if targets else []:
        by_plan_key[(r["hcp_id"], r["department"])] += int(r["n"])
    engaged_targets = {hcp_id for hcp_id, _ in by_plan_key}
    planned_total = sum(int(p["planned_engagements"]) for p in plans)
    delivered = sum(
        min(by_plan_key[(p["hcp_id"], p["department"])], int(p["planned_engagements"]))
        for p in plans
    )
    sizes = {r["segment"]: r["n"] for r in store.run("segment_sizes")}
    latest = None
    if not totals["engagements"]:
        found = store.run(
            "kpi_latest_engagement",
            department=department,
            employee_id=employee_id,
            segment=segment,
            territory=territory,
        )
        latest = found[0]["latest"] if found else None

    field, detailing, located = totals["field"], totals["detailing"], totals["visits_located"]
    days = working_days(period_start, period_end)
    content = _content_kpis(
        viewer,
        department,
        detailing,
        {
            "call_report_completeness": _rate(totals["complete"], detailing),
            "key_message_delivery_rate": _rate(totals["with_messages"], detailing),
            "outcome_mix": dict(sorted(outcomes.items())),
        },
    )
    figures = {
        "period_start": start,
        "period_end": end,
        "department": department,
        "territory": territory,
        "employee_id": employee_id,
        "segment": segment,
        "engagements": totals["engagements"],
        "latest_engagement_date": latest,
        "hcps_engaged": totals["hcps"],
        "targets": len(targets),
        "target_coverage_rate": _rate(len(engaged_targets), len(targets)),
        "plan_adherence": _rate(delivered, planned_total),
        "working_days": days,
        "call_rate": round(field / days, 4) if days else None,
        "call_rate_per_employee": round(field / days / len(employees), 4)
        if days and employees
        else None,
        "visits": totals["visits"],
        "visits_located": located,
        "verified_visits": totals["verified_visits"],
        "verified_visit_rate": _rate(totals["verified_visits"], located),
        **content,
        "segment_coverage": [
            {
                "segment": s,
                "hcps": sizes.get(s, 0),
                "contacted": contacted.get(s, 0),
                "coverage": _rate(contacted.get(s, 0), sizes.get(s, 0)),
            }
            for s in SEGMENTS
        ],
    }
    return Kpis.model_validate(figures)


def _content_kpis(
    viewer: Viewer, department: str | None, detailing: int, figures: dict[str, Any]
) -> dict[str, Any]:
    """The KPIs drawn from what was discussed, withheld when they would reveal it.

    Across the firewall (another department, or all departments for a role that does not
    see other departments' content) completeness, key-message delivery and the outcome
    mix are withheld below :data:`MIN_AGGREGATE_COUNT` detailing engagements, and outcome
    buckets smaller than it are merged into ``"other"``; ``suppressed`` names what was
    withheld.

    Examples
    --------
    >>> out = _content_kpis(Viewer("k", "krm_manager", "marketing"), "medical_affairs", 1,
    ...     {"call_report_completeness": 1.0, "key_message_delivery_rate": 1.0,
    ...      "outcome_mix": {"negative": 1}})
    >>> out["outcome_mix"], out["suppressed"]
    ({}, ['call_report_completeness', 'key_message_delivery_rate', 'outcome_mix'])
    """
    if viewer.sees_content_of(department):
        return {**figures, "suppressed": []}
    if detailing < MIN_AGGREGATE_COUNT:
        return {
            "call_report_completeness": None,
            "key_message_delivery_rate": None,
            "outcome_mix": {},
            "suppressed": sorted(figures),
        }
    mix: dict[str, int] = {}
    for outcome, n in figures["outcome_mix"].items():
        key = outcome if n >= MIN_AGGREGATE_COUNT else "other"
        mix[key] = mix.get(key, 0) + n
    small = mix.get("other", MIN_AGGREGATE_COUNT) < MIN_AGGREGATE_COUNT
    return {
        **figures,
        "outcome_mix": {} if small else dict(sorted(mix.items())),
        "suppressed": ["outcome_mix"] if small else [],
    }
