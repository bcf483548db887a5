"""KPIs counted in the database equal the KPIs counted by hand from every engagement row."""

from __future__ import annotations

import random
from collections import Counter
from datetime import date, timedelta
from typing import Any

import pytest

from kolgraph.krm.access import Viewer
from kolgraph.krm.kpis import DETAILING_TYPES, FIELD_TYPES, distance_m, kpis, working_days
from kolgraph.krm.policy import KrmPolicy

MANAGER = Viewer("k-kpi", "krm_manager", "marketing")
# sees every department's content, so no figure is withheld across the firewall
COMPLIANCE = Viewer("k-kpi-c", "compliance", "compliance")
DEPARTMENTS = ("sales", "medical_affairs", "marketing")
TYPES = ("visit", "call", "meeting", "email", "advisory_board", "sample_drop")
START = date(2024, 1, 1)


def seed(store: Any, rng: random.Random) -> None:
    """40 HCPs (some unsegmented, some located), 6 employees, 400 engagements, 12 plans."""
    hcps = []
    for i in range(40):
        segment = rng.choice("ABC") if i % 7 else None
        props: dict[str, Any] = {"name": f"Hcp {i}", "segment": segment}
        if i % 3:
            props |= {"lat": 40.0 + i / 100, "lon": -98.0 - i / 100}
        hcps.append({"id": f"npi:{1000000000 + i}", "props": props})
    store.upsert_nodes("HCP", hcps)
    employees = [
        {"id": f"emp:E{j}", "props": {"territory": ("US-NE", "US-W", None)[j % 3]}}
        for j in range(6)
    ]
    store.upsert_nodes("Employee", employees)
    engagements, with_hcp, by = [], [], []
    for k in range(400):
        hcp = rng.choice(hcps)
        kind = rng.choice(TYPES)
        props = {
            "type": kind,
            "department": rng.choice(DEPARTMENTS),
            "date": (START + timedelta(days=rng.randrange(200))).isoformat(),
            "employee_id": f"E{rng.randrange(6)}" if k % 11 else None,
            "outcome": rng.choice(["positive", "declined", "", None]),
            "objective": rng.choice(["access", "", None]),
            "notes": rng.choice(["discussed data", "", None]),
            "key_messages": rng.choice([["efficacy"], ["a", "b"], [], None]),
        }
        if kind == "visit" and rng.random() < 0.8:
            lat, lon = hcp["props"].get("lat", 41.0), hcp["props"].get("lon", -97.0)
            off = rng.choice([0.0005, 0.002, 0.01, 1.0])  # about 55 m, 220 m, 1.1 km, 111 km
            props |= {"lat": lat + off, "lon": lon}
        eng_id = f"eng:test:{k}"
        engagements.append(
            {"id": eng_id, "props": {k2: v for k2, v in props.items() if v is not None}}
        )
        with_hcp.append({"start": eng_id, "end": hcp["id"], "props": {}})
        if props["employee_id"]:
            by.append({"start": eng_id, "end": f"emp:{props['employee_id']}", "props": {}})
    store.upsert_nodes("Engagement", engagements)
    store.upsert_relationships("Engagement", "WITH_HCP", "HCP", with_hcp)
    store.upsert_relationships("Engagement", "BY", "Employee", by)
    store.upsert_nodes(
        "Plan",
        [
            {
                "id": f"plan:{n}",
                "props": {
                    "hcp_id": rng.choice(hcps)["id"],
                    "department": rng.choice(DEPARTMENTS),
                    "period_start": "2024-01-01",
                    "period_end": "2024-12-31",
                    "planned_engagements": rng.randint(1, 6),
                },
            }
            for n in range(12)
        ],
    )


RAW = """
MATCH (e:Engagement)-[:WITH_HCP]->(h:HCP)
OPTIONAL MATCH (e)-[:BY]->(m:Employee)
RETURN e.type AS type, e.date AS date, e.department AS department,
       e.employee_id AS employee_id, e.outcome AS outcome, e.objective AS objective,
       e.notes AS notes, e.key_messages AS key_messages, e.lat AS lat, e.lon AS lon,
       h.id AS hcp_id, h.segment AS segment, h.lat AS hcp_lat, h.lon AS hcp_lon,
       m.territory AS territory
"""


def by_hand(
    store: Any, start: date, end: date, radius: float, **where: str | None
) -> dict[str, Any]:
    """The KPIs from every engagement row, counted in Python."""
    rows = [
        r
        for r in store.execute(RAW, {})
        if start.isoformat() <= r["date"] <= end.isoformat()
        and all(value is None or r[name] == value for name, value in where.items())
    ]
    plans = [
        p["p"]
        for p in store.execute("MATCH (p:Plan) RETURN properties(p) AS p", {})
        if where.get("department") in (None, p["p"]["department"])
    ]
    per_key = Counter((r["hcp_id"], r["department"]) for r in rows)
    field = [r for r in rows if r["type"] in FIELD_TYPES]
    detailing = [r for r in rows if r["type"] in DETAILING_TYPES]
    visits = [r for r in rows if r["type"] == "visit"]
    located = [r for r in visits if r["hcp_lat"] is not None]
    verified = [
        r
        for r in located
        if r["lat"] is not None
        and distance_m(r["lat"], r["lon"], r["hcp_lat"], r["hcp_lon"]) <= radius
    ]
    days = working_days(start, end)
    employees = {r["employee_id"] for r in field if r["employee_id"]}
    targets = {p["hcp_id"] for p in plans}
    planned = sum(p["planned_engagements"] for p in plans)

    def rate(n: int, d: int) -> float | None:
        return round(n / d, 4) if d else None

    return {
        "engagements": len(rows),
        "hcps_engaged": len({r["hcp_id"] for r in rows}),
        "targets": len(targets),
        "target_coverage_rate": rate(len(targets & {r["hcp_id"] for r in rows}), len(targets)),
        "plan_adherence": rate(
            sum(
                min(per_key[(p["hcp_id"], p["department"])], p["planned_engagements"])
                for p in plans
            ),
            planned,
        ),
        "call_rate": round(len(field) / days, 4),
        "call_rate_per_employee": round(len(field) / days / len(employees), 4)
        if employees
        else None,
        "visits": len(visits),
        "visits_located": len(located),
        "verified_visits": len(verified),
        "verified_visit_rate": rate(len(verified), len(located)),
        "key_message_delivery_rate": rate(
            sum(1 for r in detailing if r["key_messages"]), len(detailing)
        ),
        "call_report_completeness": rate(
            sum(
                1
                for r in detailing
                if r["key_messages"] and r["outcome"] and r["objective"] and r["notes"]
            ),
            len(detailing),
        ),
        "outcome_mix": dict(
            sorted(Counter(r["outcome"] or "unreported" for r in detailing).items())
        ),
        "contacted": {s: len({r["hcp_id"] for r in rows if r["segment"] == s}) for s in "ABC"},
    }


@pytest.mark.parametrize(
    "where",
    [
        {},
        {"department": "sales"},
        {"employee_id": "E2"},
        {"segment": "B"},
        {"territory": "US-NE"},
        {"department": "medical_affairs", "territory": "US-W"},
    ],
    ids=["all", "department", "employee", "segment", "territory", "department-territory"],
)
@pytest.mark.parametrize("radius", [100.0, 500.0])
def test_kpis_equal_a_count_by_hand(store, where, radius):
    seed(store, random.Random(5))
    start, end = date(2024, 2, 1), date(2024, 5, 31)
    policy = KrmPolicy(visit_radius_m=radius)
    got = kpis(store, COMPLIANCE, policy, period_start=start, period_end=end, **where)
    want = by_hand(store, start, end, radius, **where)
    assert want["engagements"] > 10 and want["visits_located"] > 0  # the seed exercises it all
    contacted = {s.segment: s.contacted for s in got.segment_coverage}
    assert contacted == want.pop("contacted")
    assert {name: getattr(got, name) for name in want} == want
    assert got.latest_engagement_date is None
    across = kpis(store, MANAGER, policy, period_start=start, period_end=end, **where)
    if where.get("department") not in (None, "marketing"):  # another department's figures
        assert all(n >= 5 for n in across.outcome_mix.values()), across.outcome_mix


def test_an_empty_period_gives_zeros_and_the_latest_date(store):
    seed(store, random.Random(5))
    got = kpis(
        store,
        MANAGER,
        KrmPolicy(),
        period_start=date(2020, 1, 1),
        period_end=date(2020, 12, 31),
        department="sales",
    )
    latest = max(
        r["date"]
        for r in store.execute(
            "MATCH (e:Engagement {department: 'sales'})-[:WITH_HCP]->(:HCP) RETURN e.date AS date",
            {},
        )
    )
    assert got.engagements == got.visits == got.hcps_engaged == 0
    assert got.verified_visit_rate is None and got.outcome_mix == {}
    assert got.latest_engagement_date == latest
