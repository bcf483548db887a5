"""Coverage gaps and low-influence effort on a graph with planted answers."""

from __future__ import annotations

from datetime import date

import pytest

from kolgraph.analytics.coverage import CoverageParams, coverage_gaps
from kolgraph.errors import InvalidRequest
from tests.analytics.conftest import add_engagements, add_hcps

UNTIL = date(2024, 6, 30)


@pytest.fixture
def planted(store):
    add_hcps(
        store,
        {
            "npi:1": {"name": "Never Seen", "influence": 90.0, "tier": "strategic", "segment": "A"},
            "npi:2": {"name": "Once Seen", "influence": 50.0, "tier": "potential", "segment": "B"},
            "npi:3": {"name": "Well Covered", "influence": 70.0, "tier": "strategic"},
            "npi:4": {"name": "Over Served", "influence": 10.0, "tier": "basic", "segment": "C"},
            "npi:5": {"name": "Some Effort", "influence": 20.0, "tier": "basic"},
            "npi:6": {"name": "Untiered", "influence": 65.0},
            "npi:7": {"name": "Unscored"},
        },
    )
    rows = [
        # npi:1 -- only out-of-window, planned or third-party records
        {"hcp_id": "npi:1", "type": "visit", "date": "2023-06-01", "department": "sales"},
        {
            "hcp_id": "npi:1",
            "type": "visit",
            "date": "2024-06-01",
            "department": "sales",
            "planned": True,
        },
        {"hcp_id": "npi:1", "type": "payment", "date": "2024-05-01", "amount": 900.0},
        {"hcp_id": "npi:2", "type": "call", "date": "2024-05-02", "department": "marketing"},
        *(
            {"hcp_id": "npi:3", "type": "visit", "date": f"2024-0{m}-10", "department": d}
            for m, d in zip(range(1, 7), ["sales", "medical_affairs"] * 3, strict=True)
        ),
        *(
            {
                "hcp_id": "npi:4",
                "type": "visit",
                "date": f"2024-0{m}-1{k}",
                "department": "sales",
                "cost": 100.0,
            }
            for m in range(2, 6)
            for k in range(2)
        ),
        *(
            {
                "hcp_id": "npi:5",
                "type": "email",
                "date": "2024-04-0" + str(k),
                "department": "marketing",
            }
            for k in (1, 2)
        ),
        {"hcp_id": "npi:6", "type": "visit", "date": "2024-03-03", "department": "sales"},
    ]
    add_engagements(store, rows)
    return store


def test_gaps_are_ranked_with_the_evidence(planted):
    report = coverage_gaps(planted, until=UNTIL)
    gaps = report["gaps"]
    assert [g["id"] for g in gaps] == ["npi:1", "npi:6", "npi:2"]
    never = gaps[0]
    assert never["gap"] == 0.9 and never["engagements"] == 0 and never["expected"] == 6
    assert never["last_contact"] == "2023-06-01" and never["days_since_contact"] == 395
    assert "last contact 395 days ago" in never["reason"]
    untiered = gaps[1]  # placed by influence 65 -> strategic expectations
    assert untiered["expected"] == 6 and untiered["gap"] == round(0.65 * 5 / 6, 4)
    assert gaps[2]["by_department"] == {"marketing": 1} and gaps[2]["gap"] == round(0.5 * 2 / 3, 4)


def test_low_influence_effort_is_ranked_by_engagements_and_spend(planted):
    report = coverage_gaps(planted, until=UNTIL)
    effort = report["low_influence_effort"]
    assert [e["id"] for e in effort] == ["npi:4", "npi:5"]
    assert effort[0]["engagements"] == 8 and effort[0]["spend"] == 800.0
    total = report["summary"]["engagements"]
    assert total == 1 + 6 + 8 + 2 + 1
    assert effort[0]["share_of_engagements"] == round(8 / total, 4)
    assert report["summary"]["low_influence_share"] == round(10 / total, 4)


def test_covered_hcps_and_unscored_ones_are_not_listed(planted):
    ids = {g["id"] for g in coverage_gaps(planted, until=UNTIL)["gaps"]}
    assert "npi:3" not in ids and "npi:7" not in ids


def test_expectations_are_parameters(planted):
    report = coverage_gaps(
        planted, until=UNTIL, params=CoverageParams(strategic_contacts=1, potential_contacts=1)
    )
    assert [g["id"] for g in report["gaps"]] == ["npi:1"]


def test_window_out_of_range_names_the_field(store):
    with pytest.raises(InvalidRequest, match="days must be between") as err:
        coverage_gaps(store, params=CoverageParams(days=0))
    assert err.value.field == "days"
