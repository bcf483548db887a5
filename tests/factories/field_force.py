"""A synthetic but realistic field force with planted fabrication, to measure the detector.

Honest reps work their territory (HCPs within ~25 km of a city centre) on working days,
3-7 engagements a day from 08:00, travelling between practices at city speeds, with GPS
fixes near the practice, varied notes and mixed outcomes. Some honest reps are hard
cases: a top performer (8-10 a day), a rural rep (long but possible drives), a sloppy
rep (short, incomplete reports) and a rep who sometimes works a Saturday.

Planted patterns (``PATTERNS``), one or two per fabricating employee:
``impossible_travel`` (same-day GPS visits hundreds of km apart within the hour),
``templated_notes`` (one note template for most records), ``off_hours`` (records at
night and on weekends), ``too_many`` (18-28 a day), ``identical_outcomes`` (every outcome
"accepted", same messages) and ``gps_elsewhere`` (GPS fixes from one place far from the
practices).

Examples
--------
>>> data = field_force(n_employees=6, n_fabricators=2, months=1, seed=1)
>>> len(data["planted"]), sorted({e["props"]["type"] for e in data["engagements"]}) <= sorted(
...     ["visit", "call", "email", "meeting"])
(2, True)
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from typing import Any

from kolgraph.analytics.holidays import us_federal_holidays
from kolgraph.krm.kpis import distance_m
from kolgraph.store import GraphStore

PATTERNS = (
    "impossible_travel",
    "templated_notes",
    "off_hours",
    "too_many",
    "identical_outcomes",
    "gps_elsewhere",
)
CITIES = [
    (40.71, -74.0),
    (41.88, -87.63),
    (34.05, -118.24),
    (29.76, -95.37),
    (33.45, -112.07),
    (39.95, -75.17),
    (32.72, -117.16),
    (47.61, -122.33),
]
_OPEN = ["Discussed", "Reviewed", "Presented", "Walked through", "Talked about", "Covered"]
_TOPIC = [
    "the new dosing data",
    "renal adjustment",
    "the phase 3 results",
    "patient selection",
    "the safety profile",
    "switching patients",
    "guideline updates",
    "adherence support",
    "the screening algorithm",
    "real-world evidence",
    "the access programme",
]
_CLOSE = [
    "HCP asked for the reprint",
    "will follow up next month",
    "interested in the webinar",
    "raised a question on interactions",
    "prefers email contact",
    "no time today",
    "requested samples",
    "will discuss with colleagues",
    "asked about coverage",
]
_OUTCOMES = ["accepted", "accepted", "neutral", "declined", "follow_up", "neutral"]
_MESSAGES = [
    "efficacy vs standard of care",
    "once-daily dosing",
    "screen at-risk patients",
    "guideline-recommended class",
    "brand differentiation",
    "titration schedule",
]


def _note(rng: random.Random) -> str:
    return (
        f"{rng.choice(_OPEN)} {rng.choice(_TOPIC)}; {rng.choice(_CLOSE)}. "
        f"{rng.choice(['Short visit.', 'Long discussion.', '', 'Met with nurse too.'])}"
    )


def _working_days(start: date, months: int, holidays: set[date]) -> list[date]:
    days, day = [], start
    end = date(
        start.year + (start.month - 1 + months) // 12, (start.month - 1 + months) % 12 + 1, 1
    )
    while day < end:
        if day.weekday() < 5 and day not in holidays:
            days.append(day)
        day += timedelta(days=1)
    return days


def field_force(
    *,
    n_employees: int = 40,
    n_fabricators: int = 8,
    hcps_per_territory: int = 60,
    months: int = 6,
    start: date = date(2024, 1, 1),
    seed: int = 0,
) -> dict[str, Any]:
    """Rows for HCPs, institutions, employees and engagements, plus the planted truth.

    Returns
    -------
    dict
        ``hcps``, ``institutions``, ``employees``, ``engagements`` (``upsert_nodes`` rows;
        engagements carry ``hcp`` and ``institution``), ``planted`` (employee id ->
        patterns) and ``hard_cases`` (honest employees with unusual but real habits).
    """
    rng = random.Random(seed)
    holidays = us_federal_holidays(start.year) | us_federal_holidays(start.year + 1)
    days = _working_days(start, months, holidays)
    employees = [f"E{i:03d}" for i in range(n_employees)]
    fabricators = rng.sample(employees, n_fabricators)
    planted = {e: sorted(rng.sample(PATTERNS, rng.choice((1, 2)))) for e in fabricators}
    honest = [e for e in employees if e not in planted]
    hard = dict(zip(honest, ("top_performer", "rural", "sloppy", "saturday"), strict=False))
    hcps, institutions, engagements, staff = [], [], [], []
    for idx, emp in enumerate(employees):
        city = CITIES[idx % len(CITIES)]
        spread = 1.0 if hard.get(emp) == "rural" else 0.25
        mine = []
        for k in range(hcps_per_territory):
            hid = f"hcp:{emp.lower()}-{k:03d}"
            lat = city[0] + rng.uniform(-spread, spread)
            lon = city[1] + rng.uniform(-spread, spread)
            inst = f"inst:{emp.lower()}-{k // 4:03d}"
            hcps.append(
                {
                    "id": hid,
                    "props": {"name": f"HCP {emp}-{k}", "lat": lat, "lon": lon},
                    "institution": inst,
                }
            )
            mine.append((hid, lat, lon, inst))
        for j in range(0, hcps_per_territory, 4):
            institutions.append(
                {
                    "id": f"inst:{emp.lower()}-{j // 4:03d}",
                    "props": {"name": f"Clinic {emp}-{j // 4}", "closed_dates": []},
                }
            )
        staff.append(
            {
                "id": f"emp:{emp}",
                "props": {
                    "name": f"Rep {emp}",
                    "role": "rep",
                    "department": "sales",
                    "territory": f"T{idx}",
                },
            }
        )
        patterns = planted.get(emp, [])
        template = f"{rng.choice(_OPEN)} {rng.choice(_TOPIC)}; {rng.choice(_CLOSE)}."
        work_days = list(days)
        if hard.get(emp) == "saturday":
            work_days += [d + timedelta(days=5 - d.weekday()) for d in days[::15]]
        if "off_hours" in patterns:
            work_days += [
                d + timedelta(days=5 - d.weekday() + rng.choice((0, 1))) for d in days[::3]
            ]
        n = 0
        for day in sorted(set(work_days)):
            low, high = (8, 10) if hard.get(emp) == "top_performer" else (3, 7)
            if "too_many" in patterns:
                low, high = 18, 28
            count = rng.randint(low, high)
            clock = datetime(day.year, day.month, day.day, 8, rng.randint(0, 40))
            if "off_hours" in patterns and rng.random() < 0.5:
                clock = clock.replace(hour=20, minute=rng.randint(30, 59))
            prev: tuple[float, float] | None = None  # last practice visited
            for _ in range(count):
                hid, lat, lon, inst = rng.choice(mine)
                kind = rng.choices(("visit", "call", "email", "meeting"), (70, 18, 8, 4))[0]
                step = rng.randint(8, 20) if "too_many" in patterns else rng.randint(50, 110)
                if prev is not None and "too_many" not in patterns:
                    drive_km = distance_m(prev[0], prev[1], lat, lon) / 1000
                    step = max(step, int(drive_km / rng.uniform(35, 80) * 60) + 15)
                clock += timedelta(minutes=step)
                g_lat, g_lon = lat + rng.gauss(0, 0.0007), lon + rng.gauss(0, 0.0007)
                if "impossible_travel" in patterns and kind == "visit" and rng.random() < 0.4:
                    far = CITIES[(idx + 3) % len(CITIES)]
                    g_lat, g_lon = far[0] + rng.gauss(0, 0.01), far[1] + rng.gauss(0, 0.01)
                if "gps_elsewhere" in patterns:
                    g_lat, g_lon = city[0] + 0.4 + rng.gauss(0, 0.0005), city[1] + 0.4
                has_gps = kind == "visit" and rng.random() < 0.95
                sloppy = hard.get(emp) == "sloppy"
                notes = (
                    template.replace("HCP", f"Dr {hid[-3:]}")
                    if "templated_notes" in patterns and rng.random() < 0.85
                    else _note(rng)
                )
                if sloppy and rng.random() < 0.5:
                    notes = rng.choice(["ok", "seen", "", "brief"])
                outcome: str | None = (
                    "accepted" if "identical_outcomes" in patterns else rng.choice(_OUTCOMES)
                )
                messages = (
                    [_MESSAGES[0]]
                    if "identical_outcomes" in patterns
                    else rng.sample(_MESSAGES, rng.randint(1, 2))
                )
                if sloppy and rng.random() < 0.4:
                    outcome, messages = None, []
                n += 1
                engagements.append(
                    {
                        "id": f"eng:crm:{emp}-{n:05d}",
                        "hcp": hid,
                        "employee": f"emp:{emp}",
                        "props": {
                            "crm_id": f"{emp}-{n:05d}",
                            "type": kind,
                            "date": day.isoformat(),
                            "datetime": clock.isoformat(timespec="minutes"),
                            "department": "sales",
                            "employee_id": emp,
                            "hcp_id": hid,
                            "objective": None
                            if sloppy and rng.random() < 0.3
                            else "inform on data",
                            "outcome": outcome,
                            "key_messages": messages,
                            "notes": notes or None,
                            "lat": g_lat if has_gps else None,
                            "lon": g_lon if has_gps else None,
                            "planned": False,
                        },
                    }
                )
                prev = (lat, lon)
    return {
        "hcps": hcps,
        "institutions": institutions,
        "employees": staff,
        "engagements": engagements,
        "planted": planted,
        "hard_cases": hard,
        "period": (days[0], days[-1]),
    }


def seed_field_force(store: GraphStore, data: dict[str, Any]) -> None:
    """Write :func:`field_force` rows through the store, as docs/schema.md lays them out."""
    store.upsert_nodes("HCP", [{"id": h["id"], "props": h["props"]} for h in data["hcps"]])
    store.upsert_nodes("Institution", data["institutions"])
    store.upsert_relationships(
        "HCP",
        "AFFILIATED_WITH",
        "Institution",
        [{"start": h["id"], "end": h["institution"], "props": {}} for h in data["hcps"]],
    )
    store.upsert_nodes("Employee", data["employees"])
    store.upsert_nodes("Department", [{"id": "dept:sales", "props": {"name": "sales"}}])
    store.upsert_relationships(
        "Employee",
        "MEMBER_OF",
        "Department",
        [{"start": e["id"], "end": "dept:sales", "props": {}} for e in data["employees"]],
    )
    engagements = data["engagements"]
    store.upsert_nodes(
        "Engagement",
        [
            {"id": e["id"], "props": {k: v for k, v in e["props"].items() if v is not None}}
            for e in engagements
        ],
    )
    store.upsert_relationships(
        "Engagement",
        "WITH_HCP",
        "HCP",
        [{"start": e["id"], "end": e["hcp"], "props": {}} for e in engagements],
    )
    store.upsert_relationships(
        "Engagement",
        "BY",
        "Employee",
        [{"start": e["id"], "end": e["employee"], "props": {}} for e in engagements],
    )


def detection_quality(
    flagged: set[str], planted: set[str], population: set[str]
) -> dict[str, float | int]:
    """Precision, recall and counts of flagged versus planted employees.

    Examples
    --------
    >>> detection_quality({"a", "b"}, {"a", "c"}, {"a", "b", "c", "d"})["precision"]
    0.5
    """
    tp = len(flagged & planted)
    return {
        "flagged": len(flagged),
        "planted": len(planted),
        "population": len(population),
        "true_positives": tp,
        "false_positives": len(flagged - planted),
        "false_negatives": len(planted - flagged),
        "precision": round(tp / len(flagged), 4) if flagged else 1.0,
        "recall": round(tp / len(planted), 4) if planted else 1.0,
    }
