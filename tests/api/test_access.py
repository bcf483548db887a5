"""Authentication, the role x endpoint matrix, problem+json errors, the audit log."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from fastapi.testclient import TestClient

from kolgraph.api.app import create_app
from kolgraph.config import Settings
from kolgraph.krm import keys
from kolgraph.store import statements

PERSONAS = ("admin", "medical", "krm", "rep", "msl", "compliance", "crm")
TODAY = date.today().isoformat()


def _requests(ids):
    star = ids["star"]
    eng = {
        "crm_id": "M-{p}",
        "hcp_id": star,
        "department": "{d}",
        "type": "email",
        "date": "2024-01-05",
    }
    plan = {
        "hcp_id": star,
        "department": "{d}",
        "period_start": "2024-01-01",
        "period_end": "2024-12-31",
    }
    return {
        "search": ("GET", "/hcps", None),
        "lookup": ("GET", f"/hcps/lookup?id={star}", None),
        "profile": ("GET", f"/hcps/{star}", None),
        "network": ("GET", f"/hcps/{star}/network", None),
        "history": ("GET", f"/hcps/{star}/engagements", None),
        "record_own": ("POST", "/engagements", eng),
        "contacts": ("GET", f"/hcps/{star}/contacts", None),
        "portfolio": ("GET", "/portfolio", None),
        "plan_own": ("POST", "/plans", plan),
        "plans": ("GET", f"/hcps/{star}/plans", None),
        "kpis_own": (
            "GET",
            f"/kpis?period_start=2024-01-01&period_end={TODAY}&department={{d}}",
            None,
        ),
        "kpis_other": (
            "GET",
            "/kpis?period_start=2024-01-01&period_end=2024-02-01&department=clinical_research",
            None,
        ),
        "audit": ("GET", "/audit", None),
        "audit_export": ("GET", "/audit/export", None),
        "score_runs": ("GET", "/score-runs", None),
    }


# persona -> endpoints that must be refused with 403 (everything else answers 2xx)
FORBIDDEN = {
    "admin": set(),
    "medical": {"audit", "audit_export", "kpis_other"},
    "krm": {"record_own", "audit", "audit_export"},
    "rep": {"portfolio", "plan_own", "audit", "audit_export", "kpis_other"},
    "msl": {"portfolio", "plan_own", "audit", "audit_export", "kpis_other"},
    "compliance": {"record_own", "plan_own"},
    "crm": {
        "contacts",
        "portfolio",
        "plan_own",
        "plans",
        "kpis_own",
        "kpis_other",
        "audit",
        "audit_export",
    },
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_role_endpoint_matrix(client, ids, as_, persona):
    from tests.api.conftest import KEYS

    department = KEYS[persona][1]
    outcome = {}
    for name, (method, url, body) in _requests(ids).items():
        url = url.replace("{d}", department)
        if body is not None:
            body = {
                k: (v.format(p=persona, d=department) if isinstance(v, str) else v)
                for k, v in body.items()
            }
        r = client.request(method, url, json=body, headers=as_(persona))
        outcome[name] = r.status_code
        if r.status_code >= 400:
            assert r.headers["content-type"] == "application/problem+json"
    forbidden = {n for n, s in outcome.items() if s == 403}
    ok = {n for n, s in outcome.items() if 200 <= s < 300}
    assert forbidden == FORBIDDEN[persona], outcome
    assert ok == set(outcome) - FORBIDDEN[persona], outcome


def test_reading_another_departments_objects(client, ids, as_):
    """Sales reads a medical engagement and plan: existence yes, content no."""
    star = ids["star"]
    client.post(
        "/engagements",
        json={
            "crm_id": "X-med",
            "hcp_id": star,
            "department": "medical_affairs",
            "type": "meeting",
            "date": "2024-02-02",
            "notes": "secret",
            "key_messages": ["m"],
            "objective": "o",
            "outcome": "ok",
        },
        headers=as_("msl"),
    )
    plan = client.post(
        "/plans",
        json={
            "hcp_id": star,
            "department": "medical_affairs",
            "objectives": ["confidential"],
            "budget": 99.0,
            "period_start": "2024-01-01",
            "period_end": "2024-12-31",
        },
        headers=as_("medical"),
    ).json()
    for persona in ("rep", "crm", "krm"):
        e = next(
            e
            for e in client.get(
                f"/hcps/{star}/engagements", params={"limit": 200}, headers=as_(persona)
            ).json()["items"]
            if e["crm_id"] == "X-med"
        )
        assert (e["notes"], e["objective"], e["key_messages"], e["outcome"]) == (None,) * 4
        assert e["date"] == "2024-02-02" and e["type"] == "meeting" and e["redacted"]
    seen = client.get(f"/plans/{plan['id']}", headers=as_("rep")).json()
    assert seen["objectives"] is None and seen["budget"] is None
    krm = client.get(f"/plans/{plan['id']}", headers=as_("krm")).json()
    assert krm["objectives"] is None and krm["budget"] == 99.0
    admin = client.get(f"/plans/{plan['id']}", headers=as_("admin")).json()
    assert admin["objectives"] == ["confidential"]


def test_missing_unknown_and_revoked_keys_are_401(client, api_store):
    r = client.get("/hcps")
    assert r.status_code == 401 and r.headers["content-type"] == "application/problem+json"
    assert "kolgraph keys create" in r.json()["detail"]
    assert client.get("/hcps", headers={"X-API-Key": "kg_wrong"}).status_code == 401
    key, record = keys.create_key(api_store, "field", "sales")
    assert client.get("/me", headers={"Authorization": f"Bearer {key}"}).json()["role"] == "field"
    both = {"X-API-Key": key, "Authorization": f"Bearer {key}"}
    assert client.get("/me", headers=both).status_code == 200
    other, _ = keys.create_key(api_store, "admin", "sales")
    r = client.get("/me", headers={"X-API-Key": key, "Authorization": f"Bearer {other}"})
    assert r.status_code == 401 and "different keys" in r.json()["detail"]
    r = client.get("/me", headers={"X-API-Key": key, "Authorization": "Basic dXNlcjpwdw=="})
    assert r.status_code == 401 and "malformed Authorization" in r.json()["detail"]
    keys.revoke_key(api_store, record["key_id"])
    r = client.get("/me", headers={"X-API-Key": key})
    assert r.status_code == 401 and "revoked" in r.json()["detail"]


def test_keys_are_stored_hashed(api_store):
    key, record = keys.create_key(api_store, "compliance", "compliance")
    stored = api_store.run("api_key_by_id", id=f"apikey:{record['key_id']}")[0]["key"]
    assert key not in stored.values() and stored["key_hash"] == keys.key_hash(key)
    assert all("key_hash" not in k for k in keys.list_keys(api_store))


def test_health_needs_no_key_and_ready_reports_the_store(client):
    assert client.get("/health").json()["status"] == "ok"
    ready = client.get("/ready").json()
    assert ready["ready"] is True and ready["hcps"] > 500


def test_body_over_the_limit_is_413(client, as_):
    r = client.post(
        "/engagements/bulk",
        content=b"x" * (5 * 1024 * 1024),
        headers={**as_("crm"), "content-type": "application/json"},
    )
    assert r.status_code == 413 and r.headers["content-type"] == "application/problem+json"


def test_malformed_json_is_422_not_500(client, as_):
    r = client.post(
        "/engagements",
        content=b"{not json",
        headers={**as_("crm"), "content-type": "application/json"},
    )
    assert r.status_code == 422 and "Traceback" not in r.text


def test_a_body_that_is_not_utf8_is_422_naming_the_body(client, ids, as_):
    r = client.post(
        f"/hcps/{ids['star']}/conflicts/acknowledge",
        content=b"\xa3B\xff",
        headers={**as_("admin"), "content-type": "application/json"},
    )
    assert r.status_code == 422, r.text
    assert r.json()["field"] == "body" and "UTF-8" in r.json()["detail"]


def test_unreachable_store_is_503_without_internals(tmp_path):
    from kolgraph.store import EmbeddedFalkorDB
    from kolgraph.store.falkordb import FalkorDBStore

    # The server dies under a running app and cannot come back in time: the store gives up.
    down = EmbeddedFalkorDB(tmp_path / "down", appendfsync="no").start()
    store = FalkorDBStore(down, graph="down")
    down.stop()
    down.startup_timeout = 0
    app = create_app(Settings(data_dir=tmp_path), store=store)
    with TestClient(app, raise_server_exceptions=False) as c:
        r = c.get("/hcps/npi:1", headers={"X-API-Key": "kg_anything"})
        ready = c.get("/ready")
    store.close()
    assert r.status_code == 503 and r.headers["content-type"] == "application/problem+json"
    assert "kolgraph status" in r.json()["detail"] and str(tmp_path) not in r.text
    assert ready.status_code == 503


def test_audit_records_writes_and_compliance_exports_by_date(client, ids, as_):
    client.post(
        "/engagements",
        json={
            "crm_id": "A-1",
            "hcp_id": ids["a"],
            "department": "sales",
            "type": "call",
            "date": "2024-03-03",
        },
        headers=as_("crm"),
    )
    client.get(f"/hcps/{ids['a']}", headers=as_("rep"))
    page = client.get(
        "/audit",
        params={"date_from": TODAY, "date_to": TODAY, "limit": 1000},
        headers=as_("compliance"),
    ).json()["items"]
    actions = {(e["action"], e["target"], e["role"]) for e in page}
    assert ("engagement.record", "eng:crm:A-1", "crm_integration") in actions
    assert ("hcp.profile.read", ids["a"], "field") in actions
    assert [e["id"] for e in page] == sorted(e["id"] for e in page)
    empty = client.get("/audit", params={"date_to": "2000-01-01"}, headers=as_("compliance"))
    assert empty.json()["items"] == []
    export = client.get("/audit/export", params={"date_from": TODAY}, headers=as_("compliance"))
    assert export.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(export.text)))
    assert {r["id"] for r in rows} >= {e["id"] for e in page}


def test_audit_log_has_no_update_or_delete_path(client):
    paths = client.get("/openapi.json").json()["paths"]
    assert set(paths["/audit"]) == {"get"} and set(paths["/audit/export"]) == {"get"}
    for name in statements.statement_names():
        text = statements.get_statement(name, "falkordb").text
        if "AuditEvent" in text and name != "audit_pseudonymise_subject":  # erasure only
            assert "DELETE" not in text.upper() and ("SET" not in text or "CREATE" in text), name
