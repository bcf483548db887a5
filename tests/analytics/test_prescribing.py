"""Prescribing potential and swings on planted yearly claims."""

from __future__ import annotations

import pytest

from kolgraph.analytics.prescribing import prescribing_report
from kolgraph.errors import InvalidRequest
from tests.analytics.conftest import add_hcps, add_prescribing


@pytest.fixture
def planted(store):
    add_hcps(store, {h: {"name": h} for h in ("npi:p", "npi:q", "npi:r", "npi:s")})
    add_prescribing(
        store,
        [
            ("npi:p", "Eliquis", 2021, 40),
            ("npi:p", "Eliquis", 2022, 160),  # sharp rise
            ("npi:p", "Lipitor", 2022, 900),
            ("npi:q", "Eliquis", 2021, 100),
            ("npi:q", "Eliquis", 2022, 110),  # steady
            ("npi:r", "Eliquis", 2021, 2),
            ("npi:r", "Eliquis", 2022, 5),  # noise
            ("npi:s", "Eliquis", 2021, 80),
            ("npi:s", "Lipitor", 2022, 30),  # dropped off the list
        ],
        company={"Eliquis"},
    )
    return store


def test_sharp_swings_on_company_products_are_flagged(planted):
    report = prescribing_report(planted)
    flagged = {(f["hcp_id"], f["product"]) for f in report["fluctuations"]}
    assert flagged == {("npi:p", "Eliquis"), ("npi:s", "Eliquis")}
    p = next(f for f in report["fluctuations"] if f["hcp_id"] == "npi:p")
    assert p["reason"] == "Eliquis claims rose from 40 in 2021 to 160 in 2022"
    s = next(f for f in report["fluctuations"] if f["hcp_id"] == "npi:s")
    assert s["changes"][0]["to_claims"] == 0 and "fell" in s["reason"]


def test_potential_is_latest_year_claims_with_company_share(planted):
    potential = {p["hcp_id"]: p for p in prescribing_report(planted)["potential"]}
    assert potential["npi:p"]["claims"] == 1060 and potential["npi:p"]["company_claims"] == 160
    assert potential["npi:p"]["company_share"] == round(160 / 1060, 4)
    assert prescribing_report(planted)["potential"][0]["hcp_id"] == "npi:p"


def test_named_products_override_the_company_flag(planted):
    report = prescribing_report(planted, products=["lipitor"], min_claims=10)
    assert {(f["hcp_id"], f["product"]) for f in report["fluctuations"]} == set()
    assert report["potential"][0]["company_claims"] == 900


def test_threshold_must_be_positive(planted):
    with pytest.raises(InvalidRequest) as err:
        prescribing_report(planted, threshold=0)
    assert err.value.field == "threshold"
