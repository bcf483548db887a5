"""Cross-department contact tracking, conflicts, spend caps, portfolio, plans and KPIs."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

TODAY = date.today()


def _day(n: int) -> str:
    return (TODAY - timedelta(days=n)).isoformat()


@pytest.fixture(scope="module")
def scenario(client, ids, as_):
    """The star KOL: sales and medical both visit within a week, overlapping products."""
    star = ids["star"]
    sales = [
        {
            "crm_id": "C-s1",
            "hcp_id": star,
            "department": "sales",
            "type": "visit",
            "date": _day(10),
            "employee_id": "rep-1",
            "objective": "oncology portfolio uptake",
            "product": "Drugx",
            "notes": "discussed pricing",
            "key_messages": ["efficacy"],
            "outcome": "positive",
            "cost": 3000.0,
            "lat": 40.001,
            "lon": -98.0,
        },
        {
            "crm_id": "C-s2",
            "hcp_id": star,
            "department": "sales",
            "type": "visit",
            "date": _day(40),
            "employee_id": "rep-1",
            "cost": 2500.0,
            "lat": 41.0,
            "lon": -98.0,
        },
    ]
    medical = [
        {
            "crm_id": "C-m1",
            "hcp_id": star,
            "department": "medical_affairs",
            "type": "meeting",
            "date": _day(6),
            "employee_id": "msl-1",
            "objective": "oncology trial data Drugx",
            "product": "Drugx",
            "notes": "phase 3 readout",
        },
    ]
    assert (
        client.post(
            "/engagements/bulk", json={"engagements": sales}, headers=as_("rep")
        ).status_code
        == 200
    )
    assert (
        client.post(
            "/engagements/bulk", json={"engagements": medical}, headers=as_("msl")
        ).status_code
        == 200
    )
    plan = {
        "hcp_id": star,
        "department": "medical_affairs",
        "owner": "msl-1",
        "objectives": ["advisory board on oncology trial design"],
        "period_start": _day(60),
        "period_end": (TODAY + timedelta(days=300)).isoformat(),
        "planned_engagements": 4,
        "planned_by_type": {"meeting": 3, "advisory_board": 1},
        "budget": 10000.0,
    }
    r = client.post("/plans", json=plan, headers=as_("medical"))
    assert r.status_code == 201, r.json()
    return {"star": star, "plan_id": r.json()["id"]}


def test_contacts_per_department_with_last_contact(client, scenario, as_):
    r = client.get(f"/hcps/{scenario['star']}/contacts", headers=as_("krm"))
    assert r.status_code == 200
    body = r.json()
    depts = {d["department"]: d for d in body["departments"]}
    assert depts["sales"]["contacts"] == 2
    assert depts["sales"]["last_contact"]["date"] == _day(10)
    assert depts["sales"]["last_contact"]["employee_id"] == "rep-1"
    assert depts["medical_affairs"]["last_contact"]["type"] == "meeting"
    assert depts["sales"]["spend"] == 5500.0 and body["total_spend"] == 5500.0


def test_conflicts_window_and_objective_overlap(client, scenario, as_):
    body = client.get(f"/hcps/{scenario['star']}/contacts", headers=as_("compliance")).json()
    kinds = {c["kind"]: c for c in body["conflicts"]}
    window = kinds["window"]
    assert window["departments"] == ["medical_affairs", "sales"] and window["min_days_apart"] == 4
    overlap = kinds["objective_overlap"]
    assert overlap["shared_products"] == ["drugx"] and "oncology" in overlap["shared_terms"]
    narrow = client.get(
        f"/hcps/{scenario['star']}/contacts", params={"window_days": 2}, headers=as_("compliance")
    ).json()
    assert "window" not in {c["kind"] for c in narrow["conflicts"]}


def test_firewall_on_contacts_shows_that_not_what(client, scenario, as_):
    body = client.get(f"/hcps/{scenario['star']}/contacts", headers=as_("rep")).json()
    depts = {d["department"]: d for d in body["departments"]}
    med = depts["medical_affairs"]
    assert med["contacts"] == 1 and med["last_contact"]["date"] == _day(6)
    assert med["open_objectives"] is None and med["redacted"] is True
    assert med["spend"] is None and body["total_spend"] is None
    overlap = next(c for c in body["conflicts"] if c["kind"] == "objective_overlap")
    assert overlap["shared_terms"] is None and overlap["redacted"] is True
    msl = client.get(f"/hcps/{scenario['star']}/contacts", headers=as_("msl")).json()
    own = next(d for d in msl["departments"] if d["department"] == "medical_affairs")
    assert own["open_objectives"] == ["advisory board on oncology trial design"]


def test_spend_over_annual_cap_is_flagged(client, scenario, as_):
    body = client.get(f"/hcps/{scenario['star']}/contacts", headers=as_("compliance")).json()
    this_year = {y["year"]: y for y in body["spend_by_year"]}
    spent = sum(v["spend"] for v in this_year.values())
    assert spent == 5500.0
    assert body["over_cap"] is True  # default cap 5,000 USD
    relaxed = client.get(
        f"/hcps/{scenario['star']}/contacts",
        params={"annual_cap": 100000},
        headers=as_("compliance"),
    ).json()
    assert relaxed["over_cap"] is False
    rep = client.get(f"/hcps/{scenario['star']}/contacts", headers=as_("rep")).json()
    assert all(y["spend"] is None and y["cap"] is None for y in rep["spend_by_year"])


def test_real_open_payments_spend_against_cap(client, ids, as_):
    totals: dict[str, float] = {}
    for e in ids["op_engagements"]:
        totals[e["hcp"]] = totals.get(e["hcp"], 0.0) + e["props"]["amount"]
    hcp, total = max(totals.items(), key=lambda kv: kv[1])
    year = max(e["props"]["date"] for e in ids["op_engagements"] if e["hcp"] == hcp)[:4]
    body = client.get(
        f"/hcps/{hcp}/contacts",
        params={"as_of": f"{year}-12-31", "annual_cap": total / 2},
        headers=as_("compliance"),
    ).json()
    assert body["over_cap"] is True
    assert sum(y["spend"] for y in body["spend_by_year"]) == pytest.approx(total)


def test_portfolio_multi_department_and_uncontacted_strategic(client, scenario, ids, as_):
    body = client.get("/portfolio", headers=as_("krm")).json()
    multi = {k["id"]: k for k in body["multi_department"]}
    assert set(multi[scenario["star"]]["departments"]) == {"sales", "medical_affairs"}
    assert ids["a"] in {k["id"] for k in body["uncontacted"]}
    assert scenario["star"] not in {k["id"] for k in body["uncontacted"]}


def test_plan_read_update_and_vs_actual(client, scenario, as_):
    plan_id = scenario["plan_id"]
    got = client.get(f"/plans/{plan_id}", headers=as_("msl")).json()
    assert got["objectives"] == ["advisory board on oncology trial design"]
    assert got["planned_by_type"] == {"advisory_board": 1, "meeting": 3}
    actual = client.get(f"/plans/{plan_id}/actual", headers=as_("krm")).json()
    assert actual["actual_engagements"] == 1 and actual["adherence"] == 0.25
    assert {t["type"]: t["actual"] for t in actual["by_type"]}["meeting"] == 1
    assert actual["budget"] == 10000.0
    assert client.get(f"/plans/{plan_id}/actual", headers=as_("msl")).json()["budget"] is None
    update = {
        **{
            k: got[k]
            for k in (
                "hcp_id",
                "department",
                "owner",
                "objectives",
                "period_start",
                "period_end",
                "planned_by_type",
                "budget",
            )
        },
        "planned_engagements": 2,
        "status": "active",
    }
    assert client.put(f"/plans/{plan_id}", json=update, headers=as_("krm")).status_code == 403
    r = client.put(f"/plans/{plan_id}", json=update, headers=as_("medical"))
    assert r.status_code == 200 and r.json()["planned_engagements"] == 2
    assert client.get(f"/plans/{plan_id}/actual", headers=as_("krm")).json()["adherence"] == 0.5


def test_plan_firewall_and_write_rules(client, scenario, as_, ids):
    plan_id = scenario["plan_id"]
    rep = client.get(f"/plans/{plan_id}", headers=as_("rep")).json()
    assert rep["objectives"] is None and rep["redacted"] is True and rep["budget"] is None
    listed = client.get(f"/hcps/{scenario['star']}/plans", headers=as_("rep")).json()
    assert [p["id"] for p in listed] == [plan_id]
    plan = {
        "hcp_id": ids["a"],
        "department": "sales",
        "period_start": "2024-01-01",
        "period_end": "2024-12-31",
    }
    assert client.post("/plans", json=plan, headers=as_("medical")).status_code == 403
    assert client.post("/plans", json=plan, headers=as_("rep")).status_code == 403
    reversed_ = {**plan, "department": "medical_affairs", "period_end": "2023-01-01"}
    r = client.post("/plans", json=reversed_, headers=as_("medical"))
    assert r.status_code == 422
    assert client.get("/plans/plan:nope", headers=as_("krm")).status_code == 404


def test_kpis_for_sales(client, scenario, as_):
    params = {
        "period_start": _day(60),
        "period_end": _day(0),
        "department": "sales",
        "segment": "A",
    }
    k = client.get("/kpis", params=params, headers=as_("compliance")).json()
    assert k["engagements"] == 2 and k["visits"] == 2
    assert k["verified_visit_rate"] == 0.5  # 111 m away vs 111 km away
    assert (k["visits_located"], k["verified_visits"]) == (2, 1)
    assert k["call_report_completeness"] == 0.5 and k["key_message_delivery_rate"] == 0.5
    assert k["outcome_mix"] == {"positive": 1, "unreported": 1}
    assert k["call_rate"] == pytest.approx(2 / k["working_days"], abs=1e-4)
    seg_a = next(s for s in k["segment_coverage"] if s["segment"] == "A")
    assert seg_a == {"segment": "A", "hcps": 2, "contacted": 1, "coverage": 0.5}
    tighter = client.get("/kpis", params={**params, "radius_m": 50}, headers=as_("krm")).json()
    assert tighter["verified_visit_rate"] == 0.0
    # marketing's KRM manager sees sales' counts, but not content figures over 2 engagements
    assert tighter["engagements"] == 2 and tighter["outcome_mix"] == {}
    assert tighter["call_report_completeness"] is None and "outcome_mix" in tighter["suppressed"]


def test_visits_to_hcps_without_a_practice_location_are_not_counted_as_unverified(
    client, ids, scenario, as_
):
    far_back = [
        {
            "crm_id": "C-u1",
            "hcp_id": ids["a"],
            "department": "sales",
            "type": "visit",
            "date": _day(400),
            "employee_id": "rep-9",
            "lat": 40.0,
            "lon": -98.0,
        },
        {
            "crm_id": "C-u2",
            "hcp_id": ids["star"],
            "department": "sales",
            "type": "visit",
            "date": _day(401),
            "employee_id": "rep-9",
        },  # located HCP, no GPS fix
        {
            "crm_id": "C-u3",
            "hcp_id": ids["star"],
            "department": "sales",
            "type": "visit",
            "date": _day(402),
            "employee_id": "rep-9",
            "lat": 40.0005,
            "lon": -98.0,
        },
    ]
    assert (
        client.post(
            "/engagements/bulk", json={"engagements": far_back}, headers=as_("crm")
        ).status_code
        == 200
    )
    params = {
        "period_start": _day(410),
        "period_end": _day(390),
        "department": "sales",
        "employee_id": "rep-9",
    }
    k = client.get("/kpis", params=params, headers=as_("krm")).json()
    assert (k["visits"], k["visits_located"], k["verified_visits"]) == (3, 2, 1)
    assert k["verified_visit_rate"] == 0.5  # HCP a has no lat/lon: that visit is not checkable


def test_an_empty_period_names_the_latest_engagement_under_the_same_filters(client, scenario, as_):
    empty = {"period_start": "1999-01-01", "period_end": "1999-12-31"}
    sales = client.get(
        "/kpis", params={**empty, "department": "sales", "employee_id": "rep-1"}, headers=as_("krm")
    ).json()
    assert sales["engagements"] == 0 and sales["latest_engagement_date"] == _day(10)
    medical = client.get(
        "/kpis", params={**empty, "department": "medical_affairs"}, headers=as_("krm")
    ).json()
    assert medical["latest_engagement_date"] == _day(6)
    nobody = client.get(
        "/kpis", params={**empty, "employee_id": "nobody"}, headers=as_("krm")
    ).json()
    assert nobody["latest_engagement_date"] is None
    busy = client.get(
        "/kpis", params={"period_start": _day(60), "period_end": _day(0)}, headers=as_("krm")
    ).json()
    assert busy["engagements"] > 0 and busy["latest_engagement_date"] is None


def test_kpis_plan_coverage_and_adherence(client, scenario, as_):
    params = {"period_start": _day(60), "period_end": _day(0), "department": "medical_affairs"}
    k = client.get("/kpis", params=params, headers=as_("medical")).json()
    assert k["targets"] >= 1 and k["target_coverage_rate"] is not None
    assert k["plan_adherence"] is not None and 0 < k["plan_adherence"] <= 1


def test_kpis_of_another_department_are_forbidden_for_field(client, as_):
    params = {"period_start": _day(60), "period_end": _day(0), "department": "medical_affairs"}
    assert client.get("/kpis", params=params, headers=as_("rep")).status_code == 403
    own = client.get("/kpis", params={**params, "department": "sales"}, headers=as_("rep"))
    assert own.status_code == 200 and own.json()["department"] == "sales"
    bad = client.get("/kpis", params={**params, "period_end": _day(100)}, headers=as_("krm"))
    assert bad.status_code == 422 and bad.json()["field"] == "period_end"


def test_contacts_and_portfolio_follow_as_of_and_the_period_length(client, scenario, as_):
    star = scenario["star"]
    before = client.get(
        f"/hcps/{star}/contacts", params={"as_of": _day(8)}, headers=as_("krm")
    ).json()
    assert {d["department"]: d["contacts"] for d in before["departments"] if d["contacts"]} == {
        "sales": 2
    }  # the medical meeting 6 days ago is later
    assert before["conflicts"] == [] or all(c["kind"] != "window" for c in before["conflicts"])
    short = client.get(
        f"/hcps/{star}/contacts", params={"lookback_days": 20}, headers=as_("krm")
    ).json()
    assert short["total_contacts"] == 2 and short["window_start"] == _day(20)
    portfolio = client.get("/portfolio", params={"as_of": _day(8)}, headers=as_("krm")).json()
    assert star not in {k["id"] for k in portfolio["multi_department"]}
    assert star not in {k["id"] for k in portfolio["uncontacted"]}  # contacted 10 days ago
    assert portfolio["as_of"] == _day(8)
    long_ago = client.get(
        "/portfolio", params={"as_of": _day(400), "lookback_days": 30}, headers=as_("krm")
    ).json()
    assert long_ago["since"] == _day(430)
    assert star not in {k["id"] for k in long_ago["multi_department"]}
    bad = client.get("/portfolio", params={"lookback_days": 0}, headers=as_("krm"))
    assert bad.status_code == 422 and bad.json()["field"].endswith("lookback_days")
