"""The analytics endpoints: role checks, validation naming the field, planted answers."""

from __future__ import annotations

import uuid

import pytest
from fastapi.testclient import TestClient

from kolgraph.api.app import create_app
from kolgraph.config import Settings
from kolgraph.krm import keys
from kolgraph.krm.policy import KrmPolicy
from kolgraph.store.falkordb import FalkorDBStore
from tests.analytics.conftest import add_engagements, add_hcps, add_prescribing

ROLES = {
    "admin": ("admin", "market_access"),
    "medical": ("medical_affairs", "medical_affairs"),
    "krm": ("krm_manager", "marketing"),
    "rep": ("field", "sales"),
    "compliance": ("compliance", "compliance"),
    "crm": ("crm_integration", "sales"),
}


@pytest.fixture(scope="module")
def client(falkordb, tmp_path_factory):
    store = FalkorDBStore(falkordb, graph=f"an_api_{uuid.uuid4().hex[:8]}")
    store.apply_schema()
    add_hcps(
        store,
        {
            "npi:1": {
                "name": "Top",
                "influence": 90.0,
                "tier": "strategic",
                "scientific": 0.9,
                "congress": 0.8,
                "rising_star": True,
                "segment": "A",
            },
            "npi:2": {"name": "Low", "influence": 5.0, "tier": "basic"},
        },
    )
    store.upsert_nodes("Publication", [{"id": "pmid:9", "props": {"year": 2024}}])
    store.upsert_relationships(
        "HCP", "AUTHORED", "Publication", [{"start": "npi:1", "end": "pmid:9", "props": {}}]
    )
    add_engagements(
        store,
        [
            {
                "hcp_id": "npi:2",
                "type": "visit",
                "date": "2024-06-01",
                "department": "sales",
                "cost": 40.0,
                "outcome": "accepted",
                "key_messages": ["Screen at-risk patients"],
            }
        ],
    )
    add_prescribing(
        store,
        [("npi:1", "Eliquis", 2022, 30), ("npi:1", "Eliquis", 2023, 300)],
        company={"Eliquis"},
    )
    store.upsert_nodes(
        "QuizResult",
        [
            {
                "id": "quiz:q:npi:2",
                "props": {
                    "hcp_id": "npi:2",
                    "date": "2024-05-01",
                    "dimension": "diagnosis",
                    "score": 0.2,
                },
            }
        ],
    )
    store.upsert_relationships(
        "HCP", "ANSWERED", "QuizResult", [{"start": "npi:2", "end": "quiz:q:npi:2", "props": {}}]
    )
    tokens = {
        name: keys.create_key(store, role, dept, label=name)[0]
        for name, (role, dept) in ROLES.items()
    }
    app = create_app(Settings(data_dir=tmp_path_factory.mktemp("unused")), store=store)
    with TestClient(app, raise_server_exceptions=False) as test_client:
        test_client.tokens = tokens
        yield test_client
    store.clear()
    store.close()


def get(client, who, path, **params):
    return client.get(path, params=params, headers={"X-API-Key": client.tokens[who]})


@pytest.mark.parametrize(
    ("path", "allowed", "denied"),
    [
        ("/analytics/coverage", "medical", "rep"),
        ("/analytics/speakers", "medical", "crm"),
        ("/analytics/field-activity", "compliance", "medical"),
        ("/analytics/knowledge", "rep", "crm"),
        ("/analytics/prescribing", "krm", "medical"),
        ("/analytics/roi", "krm", "rep"),
    ],
)
def test_roles_are_checked(client, path, allowed, denied):
    assert get(client, allowed, path, until="2024-06-30").status_code == 200
    refused = get(client, denied, path)
    assert refused.status_code == 403
    assert refused.headers["content-type"] == "application/problem+json"
    assert "may not run" in refused.json()["detail"]


def test_no_key_is_401(client):
    assert client.get("/analytics/coverage").status_code == 401


def test_planted_answers_over_http(client):
    gaps = get(client, "krm", "/analytics/coverage", until="2024-06-30").json()
    assert gaps["gaps"][0]["id"] == "npi:1"
    assert gaps["low_influence_effort"][0]["id"] == "npi:2"
    speakers = get(client, "medical", "/analytics/speakers", until="2024-12-31").json()
    assert speakers["candidates"][0]["id"] == "npi:1"
    assert "prescribing_claims" not in speakers["features_used"]
    swings = get(client, "compliance", "/analytics/prescribing").json()
    assert swings["fluctuations"][0]["reason"] == (
        "Eliquis claims rose from 30 in 2022 to 300 in 2023"
    )
    knowledge = get(client, "rep", "/analytics/knowledge", until="2024-06-30").json()
    assert knowledge["hcps"][0]["weak"] == ["diagnosis"]
    assert knowledge["hcps"][0]["delivered"][0]["dimensions"] == ["diagnosis"]
    roi = get(client, "admin", "/analytics/roi", until="2024-12-31").json()
    assert roi["departments"][0]["spend"] == 40.0


def test_knowledge_firewall_applies(client):
    msl = get(client, "medical", "/analytics/knowledge", until="2024-06-30").json()
    assert msl["hcps"][0]["delivered"] == [] and msl["hcps"][0]["hidden_messages"] == 1


def test_recording_proposals(client):
    r = client.post(
        "/analytics/speakers/proposals",
        params={"until": "2024-12-31"},
        headers={"X-API-Key": client.tokens["medical"]},
    )
    assert r.status_code == 201 and r.json()["recorded"] == 1


@pytest.mark.parametrize(
    ("path", "params", "field"),
    [
        ("/analytics/coverage", {"days": 0}, "days"),
        ("/analytics/field-activity", {"period": "year"}, "period"),
        ("/analytics/knowledge", {"weak_below": 2}, "weak_below"),
        ("/analytics/prescribing", {"threshold": -1}, "threshold"),
        ("/analytics/roi", {"until": "June"}, "until"),
    ],
)
def test_bad_values_name_the_field(client, path, params, field):
    r = get(client, "admin", path, **params)
    assert r.status_code == 422 and r.json()["field"] == field


def test_field_activity_uses_the_apps_visit_radius(client):
    assert client.app.state.policy.visit_radius_m == 500.0
    client.app.state.policy = KrmPolicy(visit_radius_m=120.0)
    try:
        report = get(client, "compliance", "/analytics/field-activity", until="2024-12-31")
    finally:
        client.app.state.policy = KrmPolicy()
    assert report.status_code == 200 and report.json()["parameters"]["visit_radius_m"] == 120.0
