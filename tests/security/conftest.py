"""Security-test fixtures: a small seeded graph, one key per persona and a TestClient."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from kolgraph.api.app import create_app
from kolgraph.config import Settings
from kolgraph.krm import keys
from kolgraph.store import GraphStore
from kolgraph.store.falkordb import FalkorDBStore
from tests.conftest import backend_graph

PERSONAS = {
    "admin": ("admin", "market_access"),
    "rep": ("field", "sales"),
    "msl": ("field", "medical_affairs"),
    "compliance": ("compliance", "compliance"),
    "crm": ("crm_integration", "sales"),
    "krm": ("krm_manager", "marketing"),
}


def seed_small(store: FalkorDBStore) -> dict[str, Any]:
    """Three HCPs, a mention, a paper, a referral, engagements of two departments, a plan."""
    hcps = [
        ("npi:1234567893", "1234567893", "Ada Lovelace"),
        ("npi:1245319599", "1245319599", "Bo Chen"),
        ("npi:1003000126", "1003000126", "Cy Diaz"),
    ]
    store.upsert_nodes(
        "HCP",
        [
            {
                "id": i,
                "props": {
                    "npi": n,
                    "name": name,
                    "given": name.split()[0],
                    "family": name.split()[1],
                    "name_key": name.split()[1].lower(),
                    "city": "Boston",
                    "state": "MA",
                    "postal_code": "02115",
                    "lat": 42.33,
                    "lon": -71.1,
                    "specialty": "Oncology",
                    "influence": 50.0 + k,
                    "tier": "strategic",
                    "orcid": f"0000-0002-1825-009{k}",
                    "source": "nppes",
                    "source_id": n,
                },
            }
            for k, (i, n, name) in enumerate(hcps)
        ],
    )
    store.upsert_nodes(
        "Mention",
        [
            {
                "id": "mention:pubmed:1:1",
                "props": {
                    "source": "pubmed",
                    "name": "Lovelace A",
                    "family": "Lovelace",
                    "name_key": "lovelace a",
                    "affiliation": "Boston General",
                    "email": "ada@example.org",
                },
            }
        ],
    )
    store.upsert_relationships(
        "Mention",
        "RESOLVED_TO",
        "HCP",
        [{"start": "mention:pubmed:1:1", "end": hcps[0][0], "props": {"score": 0.99}}],
    )
    store.upsert_nodes("Publication", [{"id": "pmid:1", "props": {"pmid": "1", "title": "T"}}])
    store.upsert_relationships(
        "HCP",
        "AUTHORED",
        "Publication",
        [
            {"start": hcps[0][0], "end": "pmid:1", "props": {"position": 1}},
            {"start": hcps[1][0], "end": "pmid:1", "props": {"position": 2}},
        ],
    )
    store.upsert_relationships(
        "HCP",
        "REFERS_TO",
        "HCP",
        [{"start": hcps[1][0], "end": hcps[0][0], "props": {"pair_count": 40}}],
    )
    return {"hcps": [h[0] for h in hcps]}


@pytest.fixture(scope="module", params=["falkordb", "neo4j"])
def sec_store(request: pytest.FixtureRequest, falkordb) -> Iterator[GraphStore]:  # noqa: ANN001
    """The module's seeded graph on each backend (Neo4j: the session's Neo4j, emptied after)."""
    with backend_graph(request, falkordb, "sec") as graph:
        yield graph


@pytest.fixture(scope="module")
def sec_ids(sec_store: FalkorDBStore) -> dict[str, Any]:
    return seed_small(sec_store)


@pytest.fixture(scope="module")
def sec_keys(sec_store: FalkorDBStore) -> dict[str, str]:
    return {
        name: keys.create_key(sec_store, role, dept, label=name)[0]
        for name, (role, dept) in PERSONAS.items()
    }


@pytest.fixture(scope="module")
def sec_client(sec_store, sec_ids, sec_keys, tmp_path_factory) -> Iterator[TestClient]:  # noqa: ANN001
    app = create_app(Settings(data_dir=tmp_path_factory.mktemp("unused")), store=sec_store)
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


@pytest.fixture(scope="module")
def as_(sec_keys: dict[str, str]) -> Any:
    return lambda name: {"X-API-Key": sec_keys[name]}


_SEQ = iter(range(10**6))


def engage(client, as_, hcp, n):  # noqa: ANN001
    """``n`` sales and ``n`` medical-affairs meetings with ``hcp``, recorded over the API."""
    for k, (who, dept) in enumerate([("crm", "sales"), ("msl", "medical_affairs")] * n):
        r = client.post(
            "/engagements",
            headers=as_(who),
            json={
                "crm_id": f"dsr-{next(_SEQ)}",
                "hcp_id": hcp,
                "department": dept,
                "type": "meeting",
                "date": "2024-04-0" + str(1 + k % 9),
                "cost": 100.0,
                "notes": "asked about Ada's new trial",
                "lat": 42.3,
                "lon": -71.1,
            },
        )
        assert r.status_code in (200, 201), r.text
