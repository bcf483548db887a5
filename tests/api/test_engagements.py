"""Recording engagements (single, bulk, idempotent) and the firewalled history."""

from __future__ import annotations

from datetime import date, timedelta

TODAY = date.today()


def _eng(crm_id, hcp_id, department="sales", **extra):
    return {
        "crm_id": crm_id,
        "hcp_id": hcp_id,
        "department": department,
        "type": "visit",
        "date": (TODAY - timedelta(days=3)).isoformat(),
        **extra,
    }


def test_record_is_idempotent_on_crm_id(client, ids, as_):
    body = _eng("E-idem-1", ids["c"], employee_id="rep-1", notes="left samples")
    first = client.post("/engagements", json=body, headers=as_("rep"))
    assert first.status_code == 201 and first.json()["status"] == "created"
    again = client.post("/engagements", json=body, headers=as_("rep"))
    assert again.status_code == 200 and again.json()["status"] == "updated"
    history = client.get(f"/hcps/{ids['c']}/engagements", headers=as_("rep")).json()["items"]
    assert [e["crm_id"] for e in history].count("E-idem-1") == 1


def test_record_by_npi_links_employee_and_department(client, ids, as_, api_store):
    npi = ids["d"].split(":")[1]
    r = client.post(
        "/engagements",
        json={
            **_eng("E-npi-1", None, employee_id="msl-1"),
            "hcp_id": None,
            "npi": npi,
            "department": "medical_affairs",
        },
        headers=as_("msl"),
    )
    assert r.status_code == 201 and r.json()["hcp_id"] == ids["d"]
    rels = api_store.run(
        "relationships_of_type", {"start": "Engagement", "type": "BY", "end": "Employee"}
    )
    assert {"start": "eng:crm:E-npi-1", "end": "emp:msl-1", "props": {}} in rels


def test_bulk_records_all_and_retry_updates(client, ids, as_):
    items = [_eng(f"E-bulk-{i}", ids["nppes"][10 + i]["id"]) for i in range(50)]
    r = client.post("/engagements/bulk", json={"engagements": items}, headers=as_("crm"))
    assert r.status_code == 200 and r.json()["created"] == 50
    again = client.post("/engagements/bulk", json={"engagements": items}, headers=as_("crm"))
    assert again.json()["created"] == 0 and again.json()["updated"] == 50


def test_bulk_with_unknown_hcp_writes_nothing_and_names_the_field(client, ids, as_):
    items = [
        _eng("E-bad-0", ids["a"]),
        {**_eng("E-bad-1", None), "hcp_id": None, "npi": "0000000000"},
    ]
    r = client.post("/engagements/bulk", json={"engagements": items}, headers=as_("crm"))
    assert r.status_code == 422
    assert r.json()["field"] == "engagements.1.npi" and "0000000000" in r.json()["detail"]
    history = client.get(f"/hcps/{ids['a']}/engagements", headers=as_("admin")).json()["items"]
    assert "E-bad-0" not in {e["crm_id"] for e in history}


def test_bad_fields_are_422_naming_the_field(client, ids, as_):
    cases = [
        ({**_eng("E-x", ids["a"]), "type": "lunch"}, "type"),
        ({**_eng("E-x", ids["a"]), "date": "2024-13-01"}, "date"),
        ({**_eng("E-x", ids["a"]), "cost": -5}, "cost"),
        ({**_eng("E-x", ids["a"]), "lat": 123}, "lat"),
        ({**_eng("E x", ids["a"])}, "crm_id"),
        ({**_eng("E-x", ids["a"]), "npi": "1234567893"}, "body"),
    ]
    for body, field in cases:
        r = client.post("/engagements", json=body, headers=as_("crm"))
        assert r.status_code == 422, body
        assert r.json()["field"] == field, r.json()


def test_bulk_over_1000_is_refused(client, ids, as_):
    items = [_eng(f"E-many-{i}", ids["a"]) for i in range(1001)]
    r = client.post("/engagements/bulk", json={"engagements": items}, headers=as_("crm"))
    assert r.status_code == 422 and r.json()["field"] == "engagements"


def test_field_rep_cannot_record_for_another_department(client, ids, as_):
    r = client.post(
        "/engagements", json=_eng("E-other", ids["a"], "medical_affairs"), headers=as_("rep")
    )
    assert r.status_code == 403 and "medical_affairs" in r.json()["detail"]


def test_engagement_cannot_move_to_another_hcp(client, ids, as_):
    client.post("/engagements", json=_eng("E-move", ids["a"]), headers=as_("crm"))
    r = client.post("/engagements", json=_eng("E-move", ids["b"]), headers=as_("crm"))
    assert r.status_code == 422 and r.json()["field"] == "hcp_id"


def test_history_firewall_hides_other_departments_content(client, ids, as_):
    hcp = ids["b"]
    client.post(
        "/engagements",
        json=_eng(
            "E-fw-sales",
            hcp,
            objective="formulary listing",
            notes="sales notes",
            key_messages=["price"],
            cost=120.0,
        ),
        headers=as_("rep"),
    )
    client.post(
        "/engagements",
        json=_eng(
            "E-fw-med",
            hcp,
            "medical_affairs",
            objective="phase 3 data",
            notes="medical notes",
            type="meeting",
        ),
        headers=as_("msl"),
    )
    rep = {
        e["crm_id"]: e
        for e in client.get(f"/hcps/{hcp}/engagements", headers=as_("rep")).json()["items"]
    }
    assert rep["E-fw-sales"]["notes"] == "sales notes" and rep["E-fw-sales"]["cost"] is None
    med = rep["E-fw-med"]
    assert med["department"] == "medical_affairs" and med["type"] == "meeting" and med["date"]
    assert med["notes"] is None and med["objective"] is None and med["redacted"] is True
    msl = {
        e["crm_id"]: e
        for e in client.get(f"/hcps/{hcp}/engagements", headers=as_("msl")).json()["items"]
    }
    assert msl["E-fw-sales"]["notes"] is None and msl["E-fw-med"]["notes"] == "medical notes"
    compliance = {
        e["crm_id"]: e
        for e in client.get(f"/hcps/{hcp}/engagements", headers=as_("compliance")).json()["items"]
    }
    assert compliance["E-fw-med"]["notes"] == "medical notes"
    assert compliance["E-fw-sales"]["cost"] == 120.0


def test_history_filters_and_pages(client, ids, as_):
    hcp = ids["nppes"][70]["id"]
    items = [
        _eng(
            f"E-page-{i}",
            hcp,
            employee_id=f"rep-{i % 2}",
            date=(TODAY - timedelta(days=i)).isoformat(),
        )
        for i in range(7)
    ]
    client.post("/engagements/bulk", json={"engagements": items}, headers=as_("crm"))
    seen, cursor = [], None
    while True:
        params = {"limit": 3, **({"cursor": cursor} if cursor else {})}
        page = client.get(f"/hcps/{hcp}/engagements", params=params, headers=as_("rep")).json()
        seen += [e["crm_id"] for e in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert seen == [f"E-page-{i}" for i in range(7)]
    by_employee = client.get(
        f"/hcps/{hcp}/engagements", params={"employee_id": "rep-1"}, headers=as_("rep")
    ).json()["items"]
    assert {e["crm_id"] for e in by_employee} == {"E-page-1", "E-page-3", "E-page-5"}
    ranged = client.get(
        f"/hcps/{hcp}/engagements",
        params={
            "date_from": (TODAY - timedelta(days=2)).isoformat(),
            "department": "sales",
            "type": "visit",
        },
        headers=as_("rep"),
    ).json()["items"]
    assert {e["crm_id"] for e in ranged} == {"E-page-0", "E-page-1", "E-page-2"}


def test_history_of_open_payments_hcp_lists_real_payments(client, ids, as_):
    hcp = ids["op_hcps"][0]["id"]
    expected = {e["id"] for e in ids["op_engagements"] if e["hcp"] == hcp}
    got = client.get(
        f"/hcps/{hcp}/engagements",
        params={"type": "payment", "limit": 200},
        headers=as_("compliance"),
    ).json()["items"]
    assert {e["id"] for e in got} == expected
