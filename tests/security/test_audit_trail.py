"""The audit log records refused calls, reads of engagement data and what overwrites changed."""

from __future__ import annotations

import csv
from datetime import UTC, datetime, timedelta

from kolgraph.krm.keys import key_id_of

DAY = (datetime.now(UTC).date() - timedelta(days=2)).isoformat()


def _events(client, as_, **params):  # noqa: ANN001
    r = client.get("/audit", params={"limit": 1000, **params}, headers=as_("compliance"))
    assert r.status_code == 200, r.text
    return r.json()["items"]


def test_denied_attempts_are_audited_without_the_key(sec_client, sec_ids, sec_keys, as_):
    hcp = sec_ids["hcps"][0]
    bad = "kg_" + "x" * 43
    assert (
        sec_client.post(f"/privacy/hcps/{hcp}/erase", headers={"X-API-Key": bad}).status_code == 401
    )
    assert sec_client.get("/audit", headers=as_("rep")).status_code == 403
    assert sec_client.get(f"/privacy/hcps/{hcp}", headers=as_("krm")).status_code == 403
    denied = _events(sec_client, as_, action="access.denied")
    seen = {(e["actor"], e["target"], e["detail"]["status"]) for e in denied}
    assert ("anonymous", f"/privacy/hcps/{hcp}/erase", 401) in seen
    assert (key_id_of(sec_keys["rep"]), "/audit", 403) in seen
    assert (key_id_of(sec_keys["krm"]), f"/privacy/hcps/{hcp}", 403) in seen
    assert bad not in str(denied)
    export = sec_client.get("/audit/export", headers=as_("compliance"))
    rows = list(csv.DictReader(export.text.splitlines()))
    assert sum(r["action"] == "access.denied" for r in rows) >= 3


def test_reads_of_history_contacts_and_audit_are_audited(sec_client, sec_ids, sec_keys, as_):
    hcp = sec_ids["hcps"][1]
    assert sec_client.get(f"/hcps/{hcp}/engagements", headers=as_("rep")).status_code == 200
    assert sec_client.get(f"/hcps/{hcp}/contacts", headers=as_("krm")).status_code == 200
    _events(sec_client, as_, target=hcp)
    actions = {(e["action"], e["actor"]) for e in _events(sec_client, as_, target=hcp)}
    assert ("engagement.history.read", key_id_of(sec_keys["rep"])) in actions
    assert ("hcp.contacts.read", key_id_of(sec_keys["krm"])) in actions
    reads = _events(sec_client, as_, action="audit.read")
    assert any(e["detail"].get("target") == hcp for e in reads)
    sec_client.get("/audit/export", headers=as_("compliance"))
    assert _events(sec_client, as_, action="audit.export")


def test_overwrites_record_what_changed(sec_client, sec_ids, as_):
    hcp = sec_ids["hcps"][1]
    body = {
        "crm_id": "AU-1",
        "hcp_id": hcp,
        "department": "sales",
        "type": "visit",
        "date": DAY,
        "notes": "first words",
        "cost": 10.0,
    }
    assert sec_client.post("/engagements", json=body, headers=as_("crm")).status_code == 201
    again = {**body, "type": "call", "notes": "second words", "cost": 12.5}
    assert sec_client.post("/engagements", json=again, headers=as_("crm")).status_code == 200
    events = _events(sec_client, as_, target="eng:crm:AU-1", action="engagement.record")
    assert [e["detail"]["status"] for e in events] == ["created", "updated"]
    changes = events[1]["detail"]["changes"]
    assert changes == {"type": ["visit", "call"], "cost": [10.0, 12.5], "notes": "changed"}
    assert "second words" not in str(events)  # free text stays out of the audit log
    plan = {
        "hcp_id": hcp,
        "department": "market_access",
        "period_start": "2024-01-01",
        "period_end": "2024-12-31",
        "planned_engagements": 2,
        "budget": 100.0,
    }
    plan_id = sec_client.post("/plans", json=plan, headers=as_("admin")).json()["id"]
    sec_client.put(
        f"/plans/{plan_id}", json={**plan, "planned_engagements": 5}, headers=as_("admin")
    )
    saved = _events(sec_client, as_, target=plan_id, action="plan.save")
    assert saved[-1]["detail"]["changes"] == {"planned_engagements": [2, 5]}
