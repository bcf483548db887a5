"""Suspicious field activity: per employee and period, features of the call records.

Features (one row per employee and calendar month, or week):

* ``per_working_day`` field engagements (visit, call, meeting, email) per working day;
  ``max_per_day`` the busiest date;
* ``gps_share`` visits with a GPS fix; ``verified_share`` GPS visits within
  ``visit_radius_m`` of the HCP's practice;
* ``impossible_travel`` share of consecutive same-day GPS visits whose distance over the
  time between them means more than ``max_speed_kmh`` (or no time at all);
* ``completeness`` call reports with objective, outcome, notes and a key message;
* ``duplicate_notes`` share of notes that repeat, or nearly repeat (word-set Jaccard
  >= ``note_similarity``), another note of the same employee and period;
* ``off_hours`` share before ``day_start`` or after ``day_end`` o'clock;
  ``closed_days`` share on weekends, public holidays or a date the HCP's institution
  was closed (``Institution.closed_dates``);
* ``dominant_outcome`` share of the most frequent outcome.

:mod:`kolgraph.analytics.fabrication` turns them into flags.

Examples
--------
>>> note_tokens("Saw the  2 new trials, Dr. Smith!") == note_tokens("saw the new trials dr smith")
True
>>> round(jaccard({"a", "b"}, {"a", "b", "c"}), 2)
0.67
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from kolgraph.analytics.holidays import us_federal_holidays
from kolgraph.analytics.periods import window
from kolgraph.errors import InvalidRequest
from kolgraph.krm.kpis import distance_m, working_days
from kolgraph.krm.policy import KrmPolicy
from kolgraph.store import GraphStore
from kolgraph.vocabulary import DETAILING_TYPES, FIELD_TYPES

FEATURES = (
    "per_working_day",
    "max_per_day",
    "gps_share",
    "verified_share",
    "impossible_travel",
    "completeness",
    "duplicate_notes",
    "off_hours",
    "closed_days",
    "dominant_outcome",
)
_WORD = re.compile(r"[a-z]+")


@dataclass(frozen=True)
class FieldActivityParams:
    """Window, grouping and thresholds of the field-activity features and checks.

    The visit radius is the KRM policy's (``KOLGRAPH_KRM_VISIT_RADIUS_M``), the same one
    the verified-visit KPI uses; :meth:`for_policy` takes it from a given policy.

    >>> FieldActivityParams.for_policy(KrmPolicy(visit_radius_m=250), days=30).visit_radius_m
    250.0
    """

    days: int = 180
    period: str = "month"
    min_engagements: int = 10
    visit_radius_m: float = field(default_factory=lambda: KrmPolicy().visit_radius_m)
    max_speed_kmh: float = 120.0
    min_jump_m: float = 2000.0
    note_similarity: float = 0.8
    day_start: int = 7
    day_end: int = 20
    holidays: str = "us"
    contamination: float = 0.1
    seed: int = 0

    @classmethod
    def for_policy(cls, policy: KrmPolicy, **overrides: Any) -> FieldActivityParams:
        """Parameters whose visit radius is ``policy``'s; other fields from ``overrides``."""
        return cls(**{"visit_radius_m": policy.visit_radius_m, **overrides})


def note_tokens(text: str) -> frozenset[str]:
    """Lower-case words of a note, digits and punctuation dropped."""
    return frozenset(_WORD.findall(text.lower()))


def jaccard(a: frozenset[str] | set[str], b: frozenset[str] | set[str]) -> float:
    """Word-set overlap of two notes (1.0 for two empty notes)."""
    return len(a & b) / len(a | b) if a | b else 1.0


def duplicate_share(notes: list[str], threshold: float, min_words: int = 4) -> float | None:
    """Share of notes equal or near-equal (Jaccard >= threshold) to another one.

    Notes under ``min_words`` distinct words ("ok", "seen") are too short to call
    templated; incomplete reports show in ``completeness`` instead.

    Examples
    --------
    >>> duplicate_share(["Saw Dr A about dosing", "Saw Dr B about dosing", "Lunch talk today ok"],
    ...                 0.6)
    0.6667
    """
    tokens = [t for t in (note_tokens(n) for n in notes) if len(t) >= min_words]
    if not tokens:
        return None
    dup = [False] * len(tokens)
    exact = Counter(tokens)
    for i, t in enumerate(tokens):
        if exact[t] > 1:
            dup[i] = True
    for i in range(len(tokens)):
        if dup[i]:
            continue
        for j in range(len(tokens)):
            if i != j and jaccard(tokens[i], tokens[j]) >= threshold:
                dup[i] = dup[j] = True
                break
    return round(sum(dup) / len(dup), 4)


def _period_key(day: date, period: str) -> str:
    if period == "month":
        return day.strftime("%Y-%m")
    if period == "week":
        iso = day.isocalendar()
        return f"{iso.year}-W{iso.week:02d}"
    return "all"


def _period_bounds(key: str, period: str, since: date, until: date) -> tuple[date, date]:
    if period == "month":
        start = date(int(key[:4]), int(key[5:7]), 1)
        end = (start.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    elif period == "week":
        start = date.fromisocalendar(int(key[:4]), int(key[6:]), 1)
        end = start + timedelta(days=6)
    else:
        start, end = since, until
    return max(start, since), min(end, until)


def _moment(row: dict[str, Any]) -> datetime | None:
    text = row.get("datetime")
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(str(text).replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment.replace(tzinfo=None)


def _impossible_travel(
    rows: list[dict[str, Any]], params: FieldActivityParams
) -> tuple[float | None, int]:
    by_day: dict[str, list[tuple[datetime, float, float]]] = defaultdict(list)
    for r in rows:
        moment = _moment(r)
        if r["type"] == "visit" and moment and r["lat"] is not None and r["lon"] is not None:
            by_day[r["date"]].append((moment, float(r["lat"]), float(r["lon"])))
    pairs = bad = 0
    for visits in by_day.values():
        visits.sort()
        for (t1, la1, lo1), (t2, la2, lo2) in zip(visits, visits[1:], strict=False):
            pairs += 1
            metres = distance_m(la1, lo1, la2, lo2)
            if metres < params.min_jump_m:
                continue
            hours = (t2 - t1).total_seconds() / 3600
            if hours <= 0 or metres / 1000 / hours > params.max_speed_kmh:
                bad += 1
    return (round(bad / pairs, 4) if pairs else None), bad


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def period_features(
    rows: list[dict[str, Any]],
    start: date,
    end: date,
    params: FieldActivityParams,
    holidays: set[date],
) -> dict[str, Any]:
    """The feature row of one employee's engagements in one period."""
    field = [r for r in rows if r["type"] in FIELD_TYPES]
    detailing = [r for r in rows if r["type"] in DETAILING_TYPES]
    visits = [r for r in rows if r["type"] == "visit"]
    gps = [r for r in visits if r["lat"] is not None and r["lon"] is not None]
    located = [r for r in gps if r["hcp_lat"] is not None and r["hcp_lon"] is not None]
    verified = sum(
        1
        for r in located
        if distance_m(r["lat"], r["lon"], r["hcp_lat"], r["hcp_lon"]) <= params.visit_radius_m
    )
    complete = sum(
        1 for r in detailing if r["objective"] and r["outcome"] and r["notes"] and r["key_messages"]
    )
    notes = [str(r["notes"]) for r in rows if r["notes"]]
    moments = [m for m in (_moment(r) for r in rows) if m is not None]
    off = sum(1 for m in moments if not params.day_start <= m.hour < params.day_end)

    def closed(r: dict[str, Any]) -> bool:
        day = date.fromisoformat(str(r["date"])[:10])
        shut = {d for dates in r["closed_dates"] or [] for d in (dates or [])}
        return day.weekday() >= 5 or day in holidays or day.isoformat() in shut

    outcomes = Counter(r["outcome"] for r in detailing if r["outcome"])
    per_day = Counter(r["date"] for r in field)
    travel, jumps = _impossible_travel(rows, params)
    days = working_days(start, end)
    return {
        "engagements": len(rows),
        "working_days": days,
        "per_working_day": round(len(field) / days, 3) if days else None,
        "max_per_day": max(per_day.values()) if per_day else 0,
        "gps_share": _share(len(gps), len(visits)),
        "verified_share": _share(verified, len(located)),
        "gps_visits": len(located),
        "impossible_travel": travel,
        "impossible_jumps": jumps,
        "completeness": _share(complete, len(detailing)),
        "duplicate_notes": duplicate_share(notes, params.note_similarity),
        "off_hours": _share(off, len(moments)),
        "closed_days": _share(sum(1 for r in rows if closed(r)), len(rows)),
        "dominant_outcome": _share(outcomes.most_common(1)[0][1], sum(outcomes.values()))
        if outcomes
        else None,
        "outcomes_reported": sum(outcomes.values()),
    }


def activity_features(
    store: GraphStore,
    *,
    until: date | None = None,
    department: str | None = None,
    params: FieldActivityParams | None = None,
) -> list[dict[str, Any]]:
    """One feature row per employee and period with at least ``min_engagements`` records.

    Raises
    ------
    InvalidRequest
        If ``params.period`` is not month, week or all, or the window is out of range.
    """
    params = params or FieldActivityParams()
    if params.period not in ("month", "week", "all"):
        raise InvalidRequest("period must be month, week or all", "period")
    since, until = window(until, params.days)
    rows = store.run(
        "field_activity_engagements",
        since=since.isoformat(),
        until=until.isoformat(),
        department=department,
    )
    holidays: set[date] = set()
    if params.holidays == "us":
        for year in range(since.year, until.year + 1):
            holidays |= us_federal_holidays(year)
    groups: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    departments: dict[str, str] = {}
    for r in rows:
        day = date.fromisoformat(str(r["date"])[:10])
        groups[(r["employee_id"], _period_key(day, params.period))].append(r)
        departments.setdefault(r["employee_id"], r["department"])
    out = []
    for (employee, key), group in sorted(groups.items()):
        if len(group) < params.min_engagements:
            continue
        start, end = _period_bounds(key, params.period, since, until)
        out.append(
            {
                "employee_id": employee,
                "department": departments[employee],
                "period": key,
                **period_features(group, start, end, params, holidays),
            }
        )
    return out
