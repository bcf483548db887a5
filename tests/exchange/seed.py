"""A small graph touching every kind of property value kolgraph stores, for exchange tests."""

from __future__ import annotations

import json

from kolgraph.store import GraphStore

HCPS = [
    {
        "id": "npi:1000000001",
        "props": {
            "name": "Ada Lovelace",
            "family": "Lovelace",
            "given": "Ada",
            "npi": "1000000001",
            "specialty": "Cardiology",
            "city": "Boston",
            "state": "MA",
            "lat": 42.36,
            "lon": -71.06,
            "influence": 93.5,
            "scientific": 88.0,
            "pagerank": 0.0123,
            "reach_1": 14,
            "reach_2": 52,
            "tier": "strategic",
            "segment": "A",
            "scope": "national",
            "community": "c1",
            "community_role": "hub",
            "rising_star": False,
            "score_run": "run:2024-01",
            "source": "nppes",
            "loaded_at": "2024-01-02T03:04:05+00:00",
        },
    },
    {
        "id": "npi:1000000002",
        "props": {
            "name": 'Bo O\'Neil "Jr"',
            "npi": "1000000002",
            "specialty": "Cardiology",
            "influence": 41.0,
            "tier": "potential",
            "segment": "B",
            "community": "c1",
            "rising_star": True,
            "reach_1": 3,
            "note_text": "line one\nline two, with comma",
        },
    },
    {
        "id": "orcid:0000-0002-1825-0097",
        "props": {
            "name": "Cy Dúbois",
            "orcid": "0000-0002-1825-0097",
            "influence": 7.25,
            "tier": "basic",
            "segment": "C",
            "community": "c2",
            "rising_star": False,
            "institution": "",
        },
    },
]
PUBLICATIONS = [
    {
        "id": "pmid:31452104",
        "props": {
            "pmid": "31452104",
            "title": "Heart failure; a review",
            "year": 2019,
            "publication_types": ["Journal Article", "Review"],
            "n_authors": 2,
            "cited_by": 17,
        },
    },
    {
        "id": "pmid:31452105",
        "props": {
            "pmid": "31452105",
            "title": "Atrial fibrillation",
            "year": 2021,
            "publication_types": [],
            "n_authors": 1,
        },
    },
]
TOPICS = [
    {
        "id": "mesh:D006333",
        "props": {"name": "Heart Failure", "scheme": "mesh", "tree_numbers": ["C14.280.434"]},
    }
]
DEPARTMENTS = [{"id": f"dept:{d}", "props": {"name": d}} for d in ("sales", "medical_affairs")]
EMPLOYEES = [
    {"id": "emp:e1", "props": {"name": "Rep One", "role": "rep", "department": "sales"}},
    {"id": "emp:m1", "props": {"name": "Msl One", "role": "msl", "department": "medical_affairs"}},
]
ENGAGEMENTS = [
    {
        "id": "eng:crm:1",
        "props": {
            "crm_id": "1",
            "type": "visit",
            "date": "2024-03-04",
            "department": "sales",
            "employee_id": "emp:e1",
            "hcp_id": "npi:1000000001",
            "cost": 120.5,
            "key_messages": ["efficacy", "safety"],
            "planned": True,
            "objective": "Discuss data",
        },
    },
    {
        "id": "eng:crm:2",
        "props": {
            "crm_id": "2",
            "type": "advisory_board",
            "date": "2024-03-10",
            "department": "medical_affairs",
            "employee_id": "emp:m1",
            "hcp_id": "npi:1000000001",
            "amount": 1500.0,
            "key_messages": [],
            "planned": False,
        },
    },
    {
        "id": "eng:crm:3",
        "props": {
            "crm_id": "3",
            "type": "call",
            "date": "2023-11-20",
            "department": "sales",
            "employee_id": "emp:e1",
            "hcp_id": "npi:1000000002",
        },
    },
]
RUN = [
    {
        "id": "run:2024-01",
        "props": {
            "created_at": "2024-01-05T00:00:00+00:00",
            "seed": 42,
            "n_hcps": 3,
            "parameters": json.dumps({"layer_weights": {"coauthorship": 1.0}}),
        },
    }
]
SCORES = [
    {
        "id": f"score:run:2024-01:{h['id']}",
        "props": {
            "run_id": "run:2024-01",
            "hcp_id": h["id"],
            "influence": h["props"]["influence"],
            "tier": h["props"]["tier"],
            "explanation": json.dumps({"top_factors": [["scientific", 0.6]]}),
        },
    }
    for h in HCPS
]

NODES = {
    "HCP": HCPS,
    "Publication": PUBLICATIONS,
    "Topic": TOPICS,
    "Department": DEPARTMENTS,
    "Employee": EMPLOYEES,
    "Engagement": ENGAGEMENTS,
    "ScoreRun": RUN,
    "Score": SCORES,
}

RELS = [
    (
        "HCP",
        "AUTHORED",
        "Publication",
        [
            {
                "start": "npi:1000000001",
                "end": "pmid:31452104",
                "props": {"position": 1, "role": "first", "equal_contrib": False},
            },
            {
                "start": "npi:1000000002",
                "end": "pmid:31452104",
                "props": {"position": 2, "role": "last"},
            },
            {"start": "npi:1000000001", "end": "pmid:31452105", "props": {"position": 1}},
        ],
    ),
    (
        "Publication",
        "HAS_TOPIC",
        "Topic",
        [{"start": "pmid:31452104", "end": "mesh:D006333", "props": {"major": True}}],
    ),
    (
        "HCP",
        "REFERS_TO",
        "HCP",
        [
            {
                "start": "npi:1000000002",
                "end": "npi:1000000001",
                "props": {"pair_count": 31, "bene_count": 12, "period": "2014"},
            }
        ],
    ),
    (
        "Employee",
        "MEMBER_OF",
        "Department",
        [
            {"start": "emp:e1", "end": "dept:sales", "props": {}},
            {"start": "emp:m1", "end": "dept:medical_affairs", "props": {}},
        ],
    ),
    (
        "Engagement",
        "WITH_HCP",
        "HCP",
        [{"start": e["id"], "end": e["props"]["hcp_id"], "props": {}} for e in ENGAGEMENTS],
    ),
    (
        "Engagement",
        "BY",
        "Employee",
        [{"start": e["id"], "end": e["props"]["employee_id"], "props": {}} for e in ENGAGEMENTS],
    ),
    (
        "Engagement",
        "OWNED_BY",
        "Department",
        [
            {"start": e["id"], "end": f"dept:{e['props']['department']}", "props": {}}
            for e in ENGAGEMENTS
        ],
    ),
    (
        "Score",
        "SCORES",
        "HCP",
        [{"start": s["id"], "end": s["props"]["hcp_id"], "props": {}} for s in SCORES],
    ),
    (
        "Score",
        "IN_RUN",
        "ScoreRun",
        [{"start": s["id"], "end": "run:2024-01", "props": {}} for s in SCORES],
    ),
]


def seed(store: GraphStore) -> None:
    """Write the seed graph into ``store``."""
    for label, rows in NODES.items():
        store.upsert_nodes(label, rows)
    for start, rel_type, end, rows in RELS:
        store.upsert_relationships(start, rel_type, end, rows)
