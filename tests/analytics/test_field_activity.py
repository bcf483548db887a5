"""Field-activity checks: hand-made cases for each feature, and planted fabrication found."""

from __future__ import annotations

from datetime import date

import pytest

from kolgraph.analytics.fabrication import RULES, rule_hits, suspicious_activity
from kolgraph.analytics.field_activity import FieldActivityParams, activity_features
from kolgraph.errors import InvalidRequest
from kolgraph.krm.policy import KrmPolicy
from tests.analytics.conftest import add_engagements, add_hcps
from tests.factories.field_force import detection_quality, field_force, seed_field_force

# Which rule or driver feature each planted pattern should surface as.
EXPECTED = {
    "impossible_travel": {"impossible_travel"},
    "templated_notes": {"duplicate_notes"},
    "off_hours": {"off_hours", "closed_days"},
    "too_many": {"too_many_per_day", "per_working_day", "max_per_day"},
    "identical_outcomes": {"identical_outcomes", "dominant_outcome"},
    "gps_elsewhere": {"unverified_visits", "verified_share"},
}


def _visit(emp, day, time, lat, lon, **extra):
    return {
        "hcp_id": "npi:h",
        "employee_id": emp,
        "department": "sales",
        "type": "visit",
        "date": day,
        "datetime": f"{day}T{time}",
        "lat": lat,
        "lon": lon,
        "objective": "o",
        "outcome": "accepted",
        "notes": extra.pop("notes", "n"),
        "key_messages": ["m"],
        **extra,
    }


def test_hand_made_features(store):
    add_hcps(store, {"npi:h": {"lat": 40.0, "lon": -74.0}})
    store.upsert_nodes("Institution", [{"id": "inst:1", "props": {"closed_dates": ["2024-03-06"]}}])
    store.upsert_relationships(
        "HCP", "AFFILIATED_WITH", "Institution", [{"start": "npi:h", "end": "inst:1", "props": {}}]
    )
    rows = [
        _visit("E1", "2024-03-04", "09:00", 40.0, -74.0, notes="Discussed dosing with the team"),
        _visit("E1", "2024-03-04", "09:30", 42.0, -74.0, notes="Discussed dosing with the team"),
        _visit("E1", "2024-03-05", "22:00", 40.0, -74.0, notes="Asked about renal function data"),
        _visit("E1", "2024-03-06", "10:00", 40.0, -74.0, notes="Reviewed phase three results"),
        _visit("E1", "2024-03-09", "10:00", None, None, notes="ok"),  # a Saturday
    ]
    add_engagements(store, rows)
    [row] = activity_features(
        store, until=date(2024, 3, 31), params=FieldActivityParams(days=31, min_engagements=1)
    )
    assert row["employee_id"] == "E1" and row["period"] == "2024-03"
    assert row["impossible_jumps"] == 1 and row["impossible_travel"] == 1.0  # 222 km in 30 min
    assert row["gps_share"] == 0.8 and row["verified_share"] == 0.75
    assert row["duplicate_notes"] == 0.5  # 2 of the 4 notes long enough to judge
    assert row["off_hours"] == 0.2
    assert row["closed_days"] == 0.4  # the Saturday and the institution's closed day
    assert row["dominant_outcome"] == 1.0 and row["max_per_day"] == 2
    assert row["working_days"] == 21


def test_bad_period_names_the_field(store):
    with pytest.raises(InvalidRequest) as err:
        activity_features(store, params=FieldActivityParams(period="year"))
    assert err.value.field == "period"


@pytest.fixture(scope="module")
def synthetic(falkordb):
    from kolgraph.store.falkordb import scratch_graph

    data = field_force(n_employees=20, n_fabricators=5, months=3, seed=7)
    with scratch_graph(falkordb, "fa") as graph:
        seed_field_force(graph, data)
        first, last = data["period"]
        report = suspicious_activity(
            graph, until=last, params=FieldActivityParams(days=(last - first).days + 1, seed=7)
        )
        yield data, report


def test_planted_fabricators_are_found(synthetic):
    data, report = synthetic
    flagged = {e["employee_id"] for e in report["employees"]}
    quality = detection_quality(flagged, set(data["planted"]), {f"E{i:03d}" for i in range(20)})
    assert quality["recall"] == 1.0
    assert quality["precision"] >= 0.8


def test_each_flag_names_the_planted_pattern(synthetic):
    data, report = synthetic
    for emp, patterns in data["planted"].items():
        rows = [r for r in report["periods"] if r["employee_id"] == emp and r["flagged"]]
        named = {h["rule"] for r in rows for h in r["rules"]} | {
            d["feature"] for r in rows for d in r["drivers"]
        }
        for pattern in patterns:
            assert EXPECTED[pattern] & named, (emp, pattern, named)


def test_flags_carry_drivers_and_unflagged_rows_none(synthetic):
    _, report = synthetic
    for row in report["periods"]:
        assert bool(row["drivers"]) == row["flagged"] or (row["flagged"] and row["rules"])
        for driver in row["drivers"]:
            assert {"feature", "value", "typical", "z"} <= set(driver)


def test_each_rule_fires_at_its_threshold_with_its_reason():
    assert len({rule.name for rule in RULES}) == len(RULES)
    for rule in RULES:
        guard = {rule.guard[0]: rule.guard[1]} if rule.guard else {}
        step = -1e-6 if rule.low else 1e-6
        at = {rule.feature: rule.threshold, **guard}
        inside = {rule.feature: rule.threshold - step, **guard}
        assert [(h["rule"], h["reason"]) for h in rule_hits(at)] == [(rule.name, rule.text)]
        assert rule.text and rule_hits(inside) == []
        if rule.guard:  # too little evidence: the rule stays silent
            assert rule_hits({rule.feature: rule.threshold, rule.guard[0]: rule.guard[1] - 1}) == []


def test_the_visit_radius_is_the_krm_policys(monkeypatch):
    monkeypatch.setenv("KOLGRAPH_KRM_VISIT_RADIUS_M", "75")
    assert FieldActivityParams().visit_radius_m == 75.0
    assert FieldActivityParams.for_policy(KrmPolicy(visit_radius_m=30)).visit_radius_m == 30.0
