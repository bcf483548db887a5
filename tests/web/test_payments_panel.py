"""The profile's Open Payments panel in headless Chromium against a real ``kolgraph serve``."""

from __future__ import annotations

import math
from collections import defaultdict
from typing import Any

import httpx
import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.timeout(300), pytest.mark.slow]


def usd(amount: float) -> str:
    """An amount as the page writes it (en-US, whole dollars, halves away from zero)."""
    return f"${math.floor(amount + 0.5):,}"


def sign_in_and_open(page: Any, key: str, hcp_id: str) -> Any:
    page.goto("/ui/")
    page.get_by_label("API key").fill(key)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_selector("#results tbody tr")
    page.goto(f"/ui/#/hcp/{hcp_id}")
    panel = page.locator("#industry-payments")
    expect(panel).to_be_visible(timeout=30_000)
    return panel


def test_the_profile_shows_what_manufacturers_disclosed_paying(page, server, scenario, artifacts):
    paid = scenario["payments"]
    by_maker: dict[str, float] = defaultdict(float)
    by_year: dict[str, float] = defaultdict(float)
    for row in paid:
        by_maker[row["manufacturer"]] += row["amount"]
        by_year[row["date"][:4]] += row["amount"]
    top_maker = max(sorted(by_maker), key=lambda m: by_maker[m])
    panel = sign_in_and_open(page, scenario["keys"]["krm"], scenario["paid"])
    expect(panel.locator("#payments-manufacturers tbody tr").first).to_contain_text(top_maker)
    first = panel.locator("#payments-manufacturers tbody tr").first.inner_text()
    assert usd(by_maker[top_maker]) in first
    total = sum(r["amount"] for r in paid)
    assert f"{usd(total)} in {len(paid)} payments" in panel.locator("dl.facts").inner_text()
    years = panel.locator("#payments-years tbody tr")
    assert years.count() == len(by_year)
    for year, amount in by_year.items():
        assert usd(amount) in panel.locator("#payments-years").inner_text(), year
    natures = panel.locator("#payments-natures tbody tr")
    assert natures.count() == min(10, len({r["nature_of_payment"] for r in paid}))
    products = panel.locator("#payments-products tbody tr")
    assert products.count() == min(10, len({d for r in paid for d in r["products"]})) > 0
    assert "Disclosed payments by year" in panel.locator("figure.chart").inner_text()
    panel.screenshot(path=str(artifacts / "profile-payments.png"))


@pytest.mark.parametrize("persona", ["rep", "compliance", "medical"])
def test_the_panel_shows_for_the_roles_the_api_serves_it_to(page, server, scenario, persona):
    key = scenario["keys"][persona]
    answer = httpx.get(
        f"{server}/hcps/{scenario['paid']}/industry-payments", headers={"X-API-Key": key}
    )
    panel = sign_in_and_open(page, key, scenario["paid"])
    if answer.status_code == 403:
        expect(panel).to_contain_text("Your key's role may not see this")
        assert panel.locator("table").count() == 0
    else:
        assert answer.status_code == 200
        top = answer.json()["by_manufacturer"][0]
        row = panel.locator("#payments-manufacturers tbody tr").first
        expect(row).to_contain_text(top["name"])
        assert usd(top["amount"]) in row.inner_text()


def test_an_hcp_without_disclosures_gets_a_clear_empty_state(page, server, scenario):
    answer = httpx.get(
        f"{server}/hcps/{scenario['unpaid']}/industry-payments",
        headers={"X-API-Key": scenario["keys"]["krm"]},
    ).json()
    assert answer["payments"] == 0
    panel = sign_in_and_open(page, scenario["keys"]["krm"], scenario["unpaid"])
    expect(panel.locator("#payments-empty")).to_contain_text(
        "No Open Payments disclosure on record for this HCP"
    )
    assert panel.locator("table").count() == 0


def test_the_panel_fits_a_tablet_width(page, scenario, artifacts):
    page.set_viewport_size({"width": 820, "height": 1180})
    panel = sign_in_and_open(page, scenario["keys"]["krm"], scenario["paid"])
    expect(panel.locator("#payments-manufacturers tbody tr").first).to_be_visible()
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 1
    panel.screenshot(path=str(artifacts / "profile-payments-820.png"))
