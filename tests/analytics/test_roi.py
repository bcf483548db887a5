"""Return on engagement per KOL, department, therapeutic area and product."""

from __future__ import annotations

from datetime import date

import pytest

from kolgraph.analytics.roi import return_on_engagement
from tests.analytics.conftest import add_engagements, add_hcps, add_prescribing

UNTIL = date(2024, 12, 31)


@pytest.fixture
def planted(store):
    add_hcps(store, {"npi:k": {"name": "Kim"}, "npi:l": {"name": "Lee"}})
    store.upsert_nodes(
        "Product",
        [
            {
                "id": "product:eliquis",
                "props": {
                    "name": "Eliquis",
                    "therapeutic_area": "cardio",
                    "budget": 10000.0,
                    "company_product": True,
                },
            },
            {
                "id": "product:nexo",
                "props": {
                    "name": "Nexo",
                    "therapeutic_area": "cardio",
                    "budget": 5000.0,
                    "company_product": True,
                },
            },
            {
                "id": "product:onco",
                "props": {
                    "name": "Onco",
                    "therapeutic_area": "oncology",
                    "budget": 8000.0,
                    "company_product": True,
                },
            },
        ],
    )
    add_engagements(
        store,
        [
            # previous window (2023): k declined twice
            {
                "hcp_id": "npi:k",
                "type": "visit",
                "date": "2023-03-01",
                "department": "sales",
                "outcome": "declined",
            },
            {
                "hcp_id": "npi:k",
                "type": "visit",
                "date": "2023-06-01",
                "department": "sales",
                "outcome": "declined",
            },
            # this window (2024): sales and medical spend, k accepts, one speaker programme
            {
                "hcp_id": "npi:k",
                "type": "visit",
                "date": "2024-02-01",
                "department": "sales",
                "outcome": "accepted",
                "cost": 200.0,
                "product_id": "product:eliquis",
            },
            {
                "hcp_id": "npi:k",
                "type": "speaker_programme",
                "date": "2024-05-01",
                "department": "medical_affairs",
                "outcome": "completed",
                "amount": 3000.0,
                "product_id": "product:eliquis",
            },
            {
                "hcp_id": "npi:l",
                "type": "meeting",
                "date": "2024-07-01",
                "department": "sales",
                "outcome": "declined",
                "cost": 800.0,
                "product_id": "product:onco",
            },
            {
                "hcp_id": "npi:l",
                "type": "email",
                "date": "2024-08-01",
                "department": "marketing",
                "cost": 50.0,
            },
        ],
    )
    add_prescribing(
        store, [("npi:k", "Eliquis", 2023, 50), ("npi:k", "Eliquis", 2024, 90)], company={"Eliquis"}
    )
    return store


def test_kol_rows_compare_outcomes_with_the_previous_window(planted):
    report = return_on_engagement(planted, until=UNTIL, days=366)
    assert report["compared_with"] == ["2022-12-31", "2023-12-31"]
    k_sales = next(
        r for r in report["kols"] if (r["hcp_id"], r["department"]) == ("npi:k", "sales")
    )
    assert k_sales["spend"] == 200.0 and k_sales["acceptance_before"] == 0.0
    assert k_sales["acceptance_after"] == 1.0 and k_sales["acceptance_change"] == 1.0
    assert k_sales["speaker_after"] == 1 and k_sales["claims_change"] == 40
    assert report["kols"][0]["department"] == "medical_affairs"  # highest spend first


def test_department_view(planted):
    depts = {
        d["department"]: d
        for d in return_on_engagement(planted, until=UNTIL, days=366)["departments"]
    }
    assert depts["sales"]["spend"] == 1000.0 and depts["sales"]["hcps"] == 2
    assert depts["sales"]["cost_per_accepted"] == 1000.0
    assert depts["medical_affairs"]["speaker_change"] == 1
    assert depts["marketing"]["accepted"] == 0 and depts["marketing"]["cost_per_accepted"] is None


def test_area_and_product_budget_views(planted):
    report = return_on_engagement(planted, until=UNTIL, days=366)
    areas = {a["therapeutic_area"]: a for a in report["therapeutic_areas"]}
    assert areas["cardio"]["budget"] == 15000.0 and areas["cardio"]["spend"] == 3200.0
    assert areas["cardio"]["budget_used"] == round(3200 / 15000, 4)
    assert areas["cardio"]["products"] == ["Eliquis", "Nexo"]
    assert areas["oncology"]["spend"] == 800.0
    products = {p["product"]: p for p in report["products"]}
    assert products["Nexo"]["spend"] == 0.0 and products["Nexo"]["budget_used"] == 0.0
    assert products["Eliquis"]["budget_used"] == 0.32
    assert report["unattributed_spend"] == 50.0
