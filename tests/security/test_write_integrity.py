"""Writes are bound to the key: a field key records as its own employee, changes only its
own records, and every date and string is checked before it reaches the store."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from kolgraph.krm import keys

TODAY = datetime.now(UTC).date()


@pytest.fixture(scope="module")
def reps(sec_store) -> dict[str, dict[str, str]]:  # noqa: ANN001
    """Two sales reps and a medical MSL, each a field key bound to one employee."""
    made = {
        name: keys.create_key(sec_store, "field", dept, label=name, employee_id=emp)[0]
        for name, dept, emp in [
            ("s1", "sales", "S-1"),
            ("s2", "sales", "S-2"),
            ("m1", "medical_affairs", "M-1"),
        ]
    }
    return {name: {"X-API-Key": key} for name, key in made.items()}


def _eng(crm_id: str, hcp: str, **extra: object) -> dict[str, object]:
    return {
        "crm_id": crm_id,
        "hcp_id": hcp,
        "department": "sales",
        "type": "visit",
        "date": (TODAY - timedelta(days=2)).isoformat(),
        **extra,
    }


def _stored(store, crm_id):  # noqa: ANN001
    return store.execute(
        "MATCH (e:Engagement {id: $id}) RETURN properties(e) AS e", {"id": f"eng:crm:{crm_id}"}
    )[0]["e"]


def test_field_key_records_only_as_its_own_employee(sec_client, sec_store, sec_ids, reps):
    hcp = sec_ids["hcps"][2]
    r = sec_client.post(
        "/engagements", headers=reps["s1"], json=_eng("WI-1", hcp, employee_id="M-1")
    )
    assert r.status_code == 403 and "employee_id" in r.json()["detail"]
    assert (
        sec_store.execute("MATCH (e:Engagement {id: 'eng:crm:WI-1'}) RETURN count(e) AS n", {})[0][
            "n"
        ]
        == 0
    )
    r = sec_client.post("/engagements", headers=reps["s1"], json=_eng("WI-1", hcp))
    assert r.status_code == 201
    assert _stored(sec_store, "WI-1")["employee_id"] == "S-1"  # filled from the key
    r = sec_client.post(
        "/engagements/bulk",
        headers=reps["s1"],
        json={
            "engagements": [
                _eng("WI-2", hcp, employee_id="S-1"),
                _eng("WI-3", hcp, employee_id="S-2"),
            ]
        },
    )
    assert r.status_code == 403 and "engagements.1.employee_id" in r.json()["detail"]


def test_field_key_cannot_overwrite_another_reps_record(sec_client, sec_store, sec_ids, reps):
    hcp = sec_ids["hcps"][2]
    assert (
        sec_client.post(
            "/engagements", headers=reps["s2"], json=_eng("WI-10", hcp, notes="S-2's own visit")
        ).status_code
        == 201
    )
    before = _stored(sec_store, "WI-10")
    r = sec_client.post(
        "/engagements",
        headers=reps["s1"],
        json=_eng("WI-10", hcp, type="call", date="2020-01-01", notes="rewritten"),
    )
    assert r.status_code == 403, r.text
    assert _stored(sec_store, "WI-10") == before
    again = sec_client.post(
        "/engagements", headers=reps["s2"], json=_eng("WI-10", hcp, notes="corrected")
    )
    assert again.status_code == 200 and _stored(sec_store, "WI-10")["notes"] == "corrected"
    # an integration key writes for every employee of the CRM
    integration = {"X-API-Key": keys.create_key(sec_store, "crm_integration", "sales")[0]}
    crm = sec_client.post(
        "/engagements",
        headers=integration,
        json=_eng("WI-10", hcp, employee_id="S-2", notes="synced"),
    )
    assert crm.status_code == 200


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("datetime", "garbage-not-a-time"),
        ("datetime", "0001-01-01T00:00:00"),
        ("date", "0001-01-01"),
        ("date", "9999-12-31"),
        ("date", "1899-12-31"),
    ],
)
def test_bad_dates_are_422_naming_the_field(sec_client, sec_ids, as_, field, value):
    r = sec_client.post(
        "/engagements",
        headers=as_("crm"),
        json=_eng(f"WI-d-{field}-{value}"[:60], sec_ids["hcps"][2], **{field: value}),
    )
    assert r.status_code == 422 and r.json()["field"] == field, r.text


def test_future_dates_only_for_planned_engagements(sec_client, sec_ids, as_):
    hcp = sec_ids["hcps"][2]
    later = (TODAY + timedelta(days=30)).isoformat()
    r = sec_client.post("/engagements", headers=as_("crm"), json=_eng("WI-f1", hcp, date=later))
    assert r.status_code == 422 and r.json()["field"] == "date"
    r = sec_client.post(
        "/engagements", headers=as_("crm"), json=_eng("WI-f2", hcp, datetime=f"{later}T09:00:00Z")
    )
    assert r.status_code == 422 and r.json()["field"] == "datetime"
    r = sec_client.post(
        "/engagements/bulk",
        headers=as_("crm"),
        json={"engagements": [_eng("WI-f3", hcp), _eng("WI-f4", hcp, date=later)]},
    )
    assert r.status_code == 422 and r.json()["field"] == "engagements.1.date"
    tomorrow = (TODAY + timedelta(days=1)).isoformat()  # clock skew and time zones
    assert (
        sec_client.post(
            "/engagements", headers=as_("crm"), json=_eng("WI-f5", hcp, date=tomorrow)
        ).status_code
        == 201
    )
    assert (
        sec_client.post(
            "/engagements", headers=as_("crm"), json=_eng("WI-f6", hcp, date=later, planned=True)
        ).status_code
        == 201
    )
    last = sec_client.get(f"/hcps/{hcp}/contacts", headers=as_("admin"))
    assert last.status_code == 200


def test_plan_dates_before_1900_are_422(sec_client, sec_ids, as_):
    r = sec_client.post(
        "/plans",
        headers=as_("admin"),
        json={
            "hcp_id": sec_ids["hcps"][2],
            "department": "market_access",
            "period_start": "0001-01-01",
            "period_end": "2024-12-31",
        },
    )
    assert r.status_code == 422 and r.json()["field"] == "period_start"


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/hcps/lookup", b'{"npi": ["\\ud800"]}'),
        (
            "/engagements",
            b'{"crm_id": "WI-s", "hcp_id": "npi:1003000126", "department": "sales",'
            b' "type": "visit", "date": "2024-01-02", "notes": "x\\udc00y"}',
        ),
        (
            "/plans",
            b'{"hcp_id": "npi:1003000126", "department": "market_access", "period_start":'
            b' "2024-01-01", "period_end": "2024-12-31", "objectives": ["\\ud83d"]}',
        ),
    ],
)
def test_lone_surrogates_are_422_not_500(sec_client, sec_ids, as_, path, body):
    r = sec_client.post(
        path, headers={**as_("admin"), "Content-Type": "application/json"}, content=body
    )
    assert r.status_code == 422 and "surrogate" in r.json()["detail"], r.text
    assert (
        sec_client.get(
            "/hcps/lookup", params={"npi": "1003000126"}, headers=as_("admin")
        ).status_code
        == 200
    )


@pytest.mark.parametrize(
    ("path", "field", "value"),
    [
        ("/plans", "budget", False),
        ("/plans", "budget", "4000"),
        ("/plans", "planned_engagements", True),
        ("/plans", "planned_engagements", "6"),
        ("/plans", "planned_by_type", {"visit": True}),
        ("/engagements", "cost", "25"),
        ("/engagements", "cost", True),
        ("/engagements", "lat", "42.3"),
        ("/engagements", "planned", 0),
        ("/engagements", "planned", "yes"),
    ],
)
def test_numbers_and_booleans_are_not_coerced(
    sec_client, sec_store, sec_ids, as_, path, field, value
):
    """A number sent as a string or boolean (or a boolean as a number) is 422, as the schema
    says; nothing is written."""
    hcp = sec_ids["hcps"][2]
    body = (
        _eng(f"WI-coerce-{field}", hcp)
        if path == "/engagements"
        else {
            "hcp_id": hcp,
            "department": "sales",
            "period_start": "2024-01-01",
            "period_end": "2024-12-31",
        }
    )
    r = sec_client.post(path, headers=as_("admin"), json={**body, field: value})
    assert r.status_code == 422, r.text
    assert field in r.json()["field"]
    ok = sec_client.post(
        path,
        headers=as_("admin"),
        json={
            **body,
            field: {
                "budget": 4000,
                "planned_engagements": 6,
                "planned_by_type": {"visit": 2},
                "cost": 25,
                "lat": 42.3,
                "planned": False,
            }[field],
        },
    )
    assert ok.status_code in (200, 201), ok.text
