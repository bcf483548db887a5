"""A small, hand-checkable KOL world seeded through the store, following docs/schema.md."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import networkx as nx
import pytest

from kolgraph.store import GraphStore

NETWORKS = Path(__file__).resolve().parents[2] / "data" / "samples" / "networks"

HCPS = {
    # id: (name, city, state, country)
    "npi:1000000001": ("Ada Lovelace", "Boston", "MA", "US"),
    "npi:1000000002": ("Bo Chen", "Boston", "MA", "US"),
    "npi:1000000003": ("Cy Diaz", "Chicago", "IL", "US"),
    "npi:1000000004": ("Di Evans", "Paris", None, "FR"),
    "npi:1000000005": ("Ed Fox", "Boston", "MA", "US"),
    "orcid:0000-0001-0000-0006": ("Flo Gray", None, None, None),
}
# pmid: (year, [authors in order], mesh topic, cited_by)
PAPERS = {
    "101": (2016, ["npi:1000000001", "npi:1000000002"], "D003920", 10),
    "102": (2019, ["npi:1000000002", "npi:1000000003", "npi:1000000001"], "D003920", 50),
    "103": (2020, ["npi:1000000001", "npi:1000000004"], "D009369", 0),
    "104": (2021, ["npi:1000000003", "npi:1000000001"], "D003924", 5),
    "105": (
        2022,
        ["npi:1000000006" if False else "orcid:0000-0001-0000-0006", "npi:1000000003"],
        "D003924",
        1,
    ),
    "106": (2023, ["orcid:0000-0001-0000-0006", "npi:1000000004", "npi:1000000003"], "D003924", 0),
    "107": (2023, ["orcid:0000-0001-0000-0006"], "D009369", 0),
}
TOPICS = {
    "D003920": ("Diabetes Mellitus", ["C18.452.394.750", "C19.246"]),
    "D003924": ("Diabetes Mellitus, Type 2", ["C18.452.394.750.149", "C19.246.300"]),
    "D009369": ("Neoplasms", ["C04"]),
}
REFERRALS = [
    ("npi:1000000005", "npi:1000000001", 40, 25),
    ("npi:1000000002", "npi:1000000001", 12, 11),
    ("npi:1000000001", "npi:1000000003", 11, 11),
]
SESSIONS = {  # session: (congress, date, [(hcp, role)])
    "session:ada:2022:s1": (
        "congress:ada:2022",
        "2022-06-04",
        [
            ("npi:1000000001", "chair"),
            ("npi:1000000003", "invited_speaker"),
            ("orcid:0000-0001-0000-0006", "abstract"),
        ],
    ),
    "session:easd:2023:s7": (
        "congress:easd:2023",
        "2023-10-02",
        [("npi:1000000004", "chair"), ("orcid:0000-0001-0000-0006", "poster")],
    ),
}
CONGRESSES = {
    "congress:ada:2022": ("ADA Scientific Sessions", 2022, "international", "US"),
    "congress:easd:2023": ("EASD Annual Meeting", 2023, "international", "FR"),
}
ENGAGEMENTS = [
    ("eng:crm:1", "npi:1000000001", "accepted"),
    ("eng:crm:2", "npi:1000000001", "accepted"),
    ("eng:crm:3", "npi:1000000003", "declined"),
    ("eng:crm:4", "npi:1000000003", "declined"),
    ("eng:crm:5", "npi:1000000003", "declined"),
]

PROV = {"source": "test", "loaded_at": "2024-01-01T00:00:00Z"}


def _role(pos: int, n: int) -> str:
    return "single" if n == 1 else "first" if pos == 1 else "last" if pos == n else "middle"


def seed_world(store: GraphStore) -> None:
    """Write the small world above into ``store``."""
    store.upsert_nodes(
        "HCP",
        [
            {
                "id": i,
                "props": {
                    "name": n,
                    "city": c,
                    "state": s,
                    "country": k,
                    "npi": i.split(":")[1] if i.startswith("npi:") else None,
                    "orcid": i.split(":", 1)[1] if i.startswith("orcid:") else None,
                    **PROV,
                },
            }
            for i, (n, c, s, k) in HCPS.items()
        ],
    )
    store.upsert_nodes(
        "Topic",
        [
            {"id": f"mesh:{t}", "props": {"name": n, "scheme": "mesh", "tree_numbers": tn}}
            for t, (n, tn) in TOPICS.items()
        ],
    )
    store.upsert_nodes(
        "Publication",
        [
            {
                "id": f"pmid:{p}",
                "props": {
                    "pmid": p,
                    "year": y,
                    "n_authors": len(a),
                    "cited_by": c,
                    "title": f"paper {p}",
                    **PROV,
                },
            }
            for p, (y, a, _, c) in PAPERS.items()
        ],
    )
    store.upsert_relationships(
        "HCP",
        "AUTHORED",
        "Publication",
        [
            {
                "start": h,
                "end": f"pmid:{p}",
                "props": {"position": i + 1, "role": _role(i + 1, len(a)), "n_authors": len(a)},
            }
            for p, (_, a, _, _) in PAPERS.items()
            for i, h in enumerate(a)
        ],
    )
    store.upsert_relationships(
        "Publication",
        "HAS_TOPIC",
        "Topic",
        [
            {"start": f"pmid:{p}", "end": f"mesh:{t}", "props": {"major": True}}
            for p, (_, _, t, _) in PAPERS.items()
        ],
    )
    store.upsert_relationships(
        "HCP",
        "REFERS_TO",
        "HCP",
        [
            {"start": a, "end": b, "props": {"pair_count": pc, "bene_count": bc}}
            for a, b, pc, bc in REFERRALS
        ],
    )
    store.upsert_nodes(
        "Congress",
        [
            {"id": c, "props": {"name": n, "year": y, "scope": s, "country": k}}
            for c, (n, y, s, k) in CONGRESSES.items()
        ],
    )
    store.upsert_nodes(
        "Session",
        [{"id": s, "props": {"title": s, "date": d}} for s, (_, d, _) in SESSIONS.items()],
    )
    store.upsert_relationships(
        "Session",
        "PART_OF",
        "Congress",
        [{"start": s, "end": c, "props": {}} for s, (c, _, _) in SESSIONS.items()],
    )
    store.upsert_relationships(
        "HCP",
        "PRESENTED_AT",
        "Session",
        [
            {"start": h, "end": s, "props": {"role": r}}
            for s, (_, _, m) in SESSIONS.items()
            for h, r in m
        ],
    )
    store.upsert_nodes(
        "Trial",
        [
            {
                "id": "nct:NCT00000001",
                "props": {
                    "nct_id": "NCT00000001",
                    "start_date": "2021-03-01",
                    "conditions": ["Type 2 Diabetes"],
                },
            }
        ],
    )
    store.upsert_relationships(
        "HCP",
        "INVESTIGATOR_OF",
        "Trial",
        [
            {
                "start": "npi:1000000001",
                "end": "nct:NCT00000001",
                "props": {"role": "principal_investigator"},
            }
        ],
    )
    store.upsert_nodes(
        "Institution",
        [
            {
                "id": "inst:curie",
                "props": {"name": "Institut Curie", "city": "Paris", "country": "FR"},
            }
        ],
    )
    store.upsert_relationships(
        "HCP",
        "AFFILIATED_WITH",
        "Institution",
        [{"start": "orcid:0000-0001-0000-0006", "end": "inst:curie", "props": {"year": 2023}}],
    )
    store.upsert_nodes(
        "Engagement",
        [{"id": e, "props": {"outcome": o, "type": "meeting"}} for e, _, o in ENGAGEMENTS],
    )
    store.upsert_relationships(
        "Engagement",
        "WITH_HCP",
        "HCP",
        [{"start": e, "end": h, "props": {}} for e, h, _ in ENGAGEMENTS],
    )


@pytest.fixture
def world(store: GraphStore) -> GraphStore:
    """The store with the small world seeded."""
    seed_world(store)
    return store


def physicians() -> nx.DiGraph[str]:
    """The Coleman-Katz-Menzel physicians' advice/discussion network (KONECT)."""
    graph: nx.DiGraph[str] = nx.DiGraph()
    path = NETWORKS / "konect-moreno_innovation-physicians" / "out.moreno_innovation_innovation"
    for line in path.read_text().splitlines():
        parts = line.split()
        if len(parts) >= 2 and not line.startswith("%"):
            graph.add_edge(parts[0], parts[1])
    return graph


def ca_grqc() -> nx.Graph[str]:
    """The arXiv GR-QC co-authorship network (SNAP); its first line is a URL, lines end CRLF."""
    graph: nx.Graph[str] = nx.Graph()
    path = NETWORKS / "snap-ca-GrQc" / "CA-GrQc.txt"
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.strip().split("\t")
        if len(parts) != 2 or not all(p.isdigit() for p in parts):
            continue
        if parts[0] != parts[1]:
            graph.add_edge(parts[0], parts[1])
    return graph


def as_dict(values: Any) -> dict[str, float]:
    """Plain dict of floats."""
    return {str(k): float(v) for k, v in values.items()}
