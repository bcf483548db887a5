"""API fixtures: one graph per module and backend (FalkorDB, Neo4j), seeded from the real
samples plus a KRM scenario.

Seeding goes through the store's generic ``upsert_nodes``/``upsert_relationships``,
following docs/schema.md: NPPES individual providers become HCPs (``npi:<NPI>``), Open
Payments general-payment rows become HCPs (by profile id) and ``eng:op:<record id>``
payment engagements. A small, hand-written KRM scenario (scores, a co-author network,
CRM engagements of two departments, a plan) sits on top of it.
"""

from __future__ import annotations

import csv
import hashlib
import json
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pandas as pd
import pytest
from fastapi.testclient import TestClient

from kolgraph.api.app import create_app
from kolgraph.config import Settings
from kolgraph.krm import keys
from kolgraph.krm.policy import KrmPolicy
from kolgraph.store import EmbeddedFalkorDB, GraphStore, score_pages
from tests.conftest import backend_graph
from tests.factories import SAMPLES
from tests.factories.hcps import nppes_hcps, provenance

PAYMENTS = SAMPLES / "open-payments" / "general_payments_PY2013_SanFrancisco_socrata_part1.csv"
TODAY = date.today()
LOADED_AT = "2024-01-01T00:00:00+00:00"

# role name in tests -> (role, department)
KEYS = {
    "admin": ("admin", "market_access"),
    "medical": ("medical_affairs", "medical_affairs"),
    "krm": ("krm_manager", "marketing"),
    "rep": ("field", "sales"),
    "msl": ("field", "medical_affairs"),
    "compliance": ("compliance", "compliance"),
    "crm": ("crm_integration", "sales"),
}
# field keys act for one employee each
EMPLOYEES = {"rep": "rep-1", "msl": "msl-1"}


def _prov(source: str, source_id: str) -> dict[str, Any]:
    return provenance(source, source_id, run_id="test", loaded_at=LOADED_AT)


def payment_rows() -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    """HCPs, payment engagements and manufacturers from the Open Payments sample."""
    hcps: dict[str, dict[str, Any]] = {}
    engagements, makers = [], {}
    with PAYMENTS.open(newline="", encoding="utf-8") as handle:
        for rec in csv.DictReader(handle):
            profile = rec["physician_profile_id"]
            if not profile:
                continue
            hcp_id = "hcp:" + hashlib.sha256(f"openpayments:{profile}".encode()).hexdigest()[:16]
            given, family = rec["physician_first_name"].title(), rec["physician_last_name"].title()
            hcps.setdefault(
                hcp_id,
                {
                    "id": hcp_id,
                    "props": {
                        "profile_id": profile,
                        "name": f"{given} {family}",
                        "given": given,
                        "family": family,
                        "name_key": f"{family.lower()} {given[:1].lower()}",
                        "specialty": rec["physician_specialty"].split("|")[-1] or None,
                        "city": rec["recipient_city"].title(),
                        "state": rec["recipient_state"],
                        "country": "US",
                        **_prov("open_payments", profile),
                    },
                },
            )
            maker = rec["applicable_manufacturer_or_applicable_gpo_making_payment_name"]
            maker_id = "manufacturer:" + hashlib.sha256(maker.encode()).hexdigest()[:12]
            makers[maker_id] = {"id": maker_id, "props": {"name": maker}}
            engagements.append(
                {
                    "id": f"eng:op:{rec['record_id']}",
                    "hcp": hcp_id,
                    "maker": maker_id,
                    "props": {
                        "type": "payment",
                        "date": rec["date_of_payment"][:10],
                        "amount": float(rec["total_amount_of_payment_usdollars"]),
                        "nature_of_payment": rec["nature_of_payment_or_transfer_of_value"],
                        "product": rec["name_of_associated_covered_drug_or_biological1"] or None,
                        "hcp_id": hcp_id,
                        **_prov("open_payments", rec["record_id"]),
                    },
                }
            )
    return list(hcps.values()), engagements, list(makers.values())


def _days_ago(n: int) -> str:
    return (TODAY - timedelta(days=n)).isoformat()


def seed(store: GraphStore) -> dict[str, Any]:
    """Load the samples and the KRM scenario; return the ids tests refer to."""
    hcps = nppes_hcps(80, run_id="test", loaded_at=LOADED_AT)
    store.upsert_nodes("HCP", hcps)
    op_hcps, op_engagements, makers = payment_rows()
    store.upsert_nodes("HCP", op_hcps)
    store.upsert_nodes("Manufacturer", makers)
    store.upsert_nodes("Engagement", [{"id": e["id"], "props": e["props"]} for e in op_engagements])
    store.upsert_relationships(
        "Engagement",
        "WITH_HCP",
        "HCP",
        [{"start": e["id"], "end": e["hcp"], "props": {}} for e in op_engagements],
    )
    store.upsert_relationships(
        "Engagement",
        "PAID_BY",
        "Manufacturer",
        [{"start": e["id"], "end": e["maker"], "props": {}} for e in op_engagements],
    )

    star, a, b, c, d = (h["id"] for h in hcps[:5])
    # Scores as scoring writes them: HCP properties, a ScoreRun and its page of explanations.
    run_id = "scorerun:test-1"
    store.upsert_nodes(
        "ScoreRun",
        [
            {
                "id": run_id,
                "props": {
                    "created_at": "2024-05-01T00:00:00+00:00",
                    "parameters": json.dumps({"alpha": 0.85}),
                    "seed": 7,
                    "data_version": "samples",
                    "n_hcps": 5,
                },
            }
        ],
    )
    scored = [
        (star, 92.5, "strategic", "A", "1", "hub", True, "oncology"),
        (a, 71.0, "strategic", "A", "1", "member", False, "oncology"),
        (b, 55.0, "potential", "B", "1", "bridge", False, "cardiology"),
        (c, 30.0, "basic", "C", "2", "member", False, "cardiology"),
        (d, 12.0, "basic", "C", "2", "member", True, "dermatology"),
    ]
    store.upsert_nodes(
        "HCP",
        [
            {
                "id": i,
                "props": {
                    "influence": inf,
                    "tier": tier,
                    "segment": seg,
                    "community": comm,
                    "community_role": role,
                    "rising_star": rising,
                    "specialty": spec,
                    "score_run": run_id,
                    "scope": "national",
                    "scientific": inf / 2,
                },
            }
            for i, inf, tier, seg, comm, role, rising, spec in scored
        ],
    )
    ranked = pd.DataFrame(
        {
            "rank": range(1, len(scored) + 1),
            "influence": [inf for _, inf, *_ in scored],
            "tier": [tier for _, _, tier, *_ in scored],
            "segment": [seg for _, _, _, seg, *_ in scored],
        },
        index=[i for i, *_ in scored],
    )
    explanations = [
        json.dumps(
            {
                "tier": {"value": tier, "because": ["top 5% influence"]},
                "components": {"scientific": inf / 2},
            }
        )
        for _, inf, tier, *_ in scored
    ]
    score_pages.write_pages(
        store, run_id, score_pages.page_rows(run_id, ranked, explanations, start=0)
    )
    # Co-authorship, topics, a congress session, referrals.
    pubs = [("pmid:1", [star, a, b]), ("pmid:2", [star, a]), ("pmid:3", [b, c])]
    store.upsert_nodes(
        "Publication",
        [
            {"id": p, "props": {"pmid": p.split(":")[1], "title": f"Paper {p}", "year": 2020 + n}}
            for n, (p, _) in enumerate(pubs)
        ],
    )
    store.upsert_nodes(
        "Topic", [{"id": "mesh:D009369", "props": {"name": "Neoplasms", "scheme": "mesh"}}]
    )
    store.upsert_relationships(
        "Publication",
        "HAS_TOPIC",
        "Topic",
        [{"start": "pmid:1", "end": "mesh:D009369", "props": {"major": True}}],
    )
    store.upsert_relationships(
        "HCP",
        "AUTHORED",
        "Publication",
        [
            {
                "start": h,
                "end": p,
                "props": {"position": k + 1, "role": "first" if k == 0 else "last"},
            }
            for p, authors in pubs
            for k, h in enumerate(authors)
        ],
    )
    store.upsert_nodes("Session", [{"id": "session:asco:1", "props": {"title": "Plenary"}}])
    store.upsert_nodes(
        "Congress", [{"id": "congress:asco:2023", "props": {"name": "ASCO", "year": 2023}}]
    )
    store.upsert_relationships(
        "Session",
        "PART_OF",
        "Congress",
        [{"start": "session:asco:1", "end": "congress:asco:2023", "props": {}}],
    )
    store.upsert_relationships(
        "HCP",
        "PRESENTED_AT",
        "Session",
        [
            {"start": star, "end": "session:asco:1", "props": {"role": "chair"}},
            {"start": d, "end": "session:asco:1", "props": {"role": "invited_speaker"}},
        ],
    )
    store.upsert_relationships(
        "HCP",
        "REFERS_TO",
        "HCP",
        [
            {"start": c, "end": star, "props": {"pair_count": 40}},
            {"start": star, "end": d, "props": {"pair_count": 12}},
        ],
    )
    store.upsert_nodes("Institution", [{"id": "ror:1", "props": {"name": "General Hospital"}}])
    store.upsert_relationships(
        "HCP",
        "AFFILIATED_WITH",
        "Institution",
        [{"start": star, "end": "ror:1", "props": {"year": 2023}}],
    )
    # Practice location of the star KOL (for verified visits).
    store.upsert_nodes(
        "HCP",
        [
            {
                "id": star,
                "props": {
                    "lat": 40.0,
                    "lon": -98.0,
                    "crm_id": "CRM-ACC-1",
                    "orcid": "0000-0002-1825-0097",
                },
            }
        ],
    )
    return {
        "star": star,
        "a": a,
        "b": b,
        "c": c,
        "d": d,
        "run_id": run_id,
        "op_hcps": op_hcps,
        "op_engagements": op_engagements,
        "nppes": hcps,
    }


@pytest.fixture(scope="module", params=["falkordb", "neo4j"])
def api_store(request: pytest.FixtureRequest, falkordb: EmbeddedFalkorDB) -> Iterator[GraphStore]:
    """A graph shared by one test module, on each backend (Neo4j: the session's Neo4j)."""
    with backend_graph(request, falkordb, "api") as graph:
        yield graph


@pytest.fixture(scope="module")
def ids(api_store: GraphStore) -> dict[str, Any]:
    return seed(api_store)


@pytest.fixture(scope="module")
def api_keys(api_store: GraphStore) -> dict[str, str]:
    """One key per test persona (see KEYS)."""
    return {
        name: keys.create_key(api_store, role, dept, label=name, employee_id=EMPLOYEES.get(name))[0]
        for name, (role, dept) in KEYS.items()
    }


@pytest.fixture(scope="module")
def client(
    api_store: GraphStore,
    ids: dict[str, Any],
    api_keys: dict[str, str],
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[TestClient]:
    settings = Settings(data_dir=tmp_path_factory.mktemp("unused"))
    app = create_app(settings, store=api_store, policy=KrmPolicy())
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


def auth(key: str) -> dict[str, str]:
    return {"X-API-Key": key}


@pytest.fixture(scope="module")
def as_(api_keys: dict[str, str]) -> Any:
    """``as_("rep")`` -> headers for that persona."""
    return lambda name: auth(api_keys[name])
