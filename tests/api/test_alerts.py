"""Alerts over the API and acknowledging a conflict (audited)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

TODAY = date.today()


def _day(n: int) -> str:
    return (TODAY - timedelta(days=n)).isoformat()


def _two_departments(client, as_, hcp: str, prefix: str) -> str:
    """Sales and medical affairs on ``hcp`` three days apart; 6,000 USD spent this year."""
    rows = [
        {
            "crm_id": f"{prefix}-s1",
            "hcp_id": hcp,
            "department": "sales",
            "type": "visit",
            "date": _day(4),
            "cost": 6000.0,
        },
        {
            "crm_id": f"{prefix}-m1",
            "hcp_id": hcp,
            "department": "medical_affairs",
            "type": "meeting",
            "date": _day(1),
        },
    ]
    r = client.post("/engagements/bulk", json={"engagements": rows}, headers=as_("admin"))
    assert r.status_code == 200, r.json()
    return hcp


@pytest.fixture(scope="module")
def contacts(client, ids, as_):
    """The KOL whose alerts the listing reads."""
    return _two_departments(client, as_, ids["b"], "AL")


@pytest.fixture
def conflicted(client, ids, as_):
    """A KOL of the acknowledging test's own: the acknowledgement leaves the listing's KOL
    alone, whichever test runs first."""
    return _two_departments(client, as_, ids["c"], "ACK")


def test_alerts_list_over_cap_new_conflicts_and_untouched_kols(client, contacts, ids, as_):
    body = client.get("/alerts", headers=as_("krm")).json()
    kinds = {(a["kind"], a["hcp_id"]) for a in body["alerts"]}
    assert ("over_cap", contacts) in kinds
    assert ("new_conflict", contacts) in kinds
    assert ("untouched", ids["a"]) in kinds  # strategic, never contacted by a department
    conflict = next(
        a for a in body["alerts"] if a["kind"] == "new_conflict" and a["hcp_id"] == contacts
    )
    assert conflict["departments"] == ["medical_affairs", "sales"]
    assert conflict["key"] == f"window:medical_affairs+sales:{_day(4)}"
    # a role without the spend permission gets no spend alert; a field key none at all
    medical = client.get("/alerts", headers=as_("medical")).json()["alerts"]
    assert "over_cap" not in {a["kind"] for a in medical}
    assert client.get("/alerts", headers=as_("rep")).status_code == 403
    # as of a month ago, neither the spend nor the conflict had happened
    before = client.get("/alerts", params={"as_of": _day(30)}, headers=as_("krm")).json()
    assert contacts not in {a["hcp_id"] for a in before["alerts"] if a["kind"] != "untouched"}


def test_acknowledging_a_conflict_clears_the_alert_and_is_audited(client, conflicted, as_):
    key = f"window:medical_affairs+sales:{_day(4)}"
    alerts = client.get("/alerts", headers=as_("krm")).json()["alerts"]
    assert ("new_conflict", conflicted) in {(a["kind"], a["hcp_id"]) for a in alerts}
    r = client.post(
        f"/hcps/{conflicted}/conflicts/acknowledge",
        json={"key": key, "note": "agreed who leads"},
        headers=as_("krm"),
    )
    assert r.status_code == 201, r.json()
    assert r.json()["by_role"] == "krm_manager"
    alerts = client.get("/alerts", headers=as_("krm")).json()["alerts"]
    assert ("new_conflict", conflicted) not in {(a["kind"], a["hcp_id"]) for a in alerts}
    acks = client.get(f"/hcps/{conflicted}/conflicts/acknowledged", headers=as_("rep")).json()
    assert [a["key"] for a in acks] == [key]
    events = client.get("/audit", params={"date_from": _day(1)}, headers=as_("compliance")).json()
    items = events["items"] if isinstance(events, dict) else events
    assert any(
        e.get("action") == "conflict.acknowledge" and e.get("target") == conflicted for e in items
    )
    bad = client.post(
        f"/hcps/{conflicted}/conflicts/acknowledge", json={"key": "nonsense"}, headers=as_("krm")
    )
    assert bad.status_code == 422 and bad.json()["field"] == "key"
    field = client.post(
        f"/hcps/{conflicted}/conflicts/acknowledge", json={"key": key}, headers=as_("rep")
    )
    assert field.status_code == 403
