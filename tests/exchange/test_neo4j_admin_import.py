"""The Neo4j CSV set loads with Neo4j's own bulk importer into a graph equal to its source.

A FalkorDB graph holding the exchange seed (every kind of property value) and three shipped
samples, scored, is exported with ``export_neo4j_csv``; the command its README.txt gives is
run with ``neo4j-admin`` from the Maven artifacts of ``tests/neo4j`` into an empty database,
a Neo4j is started on it, and the two graphs are compared node by node and tie by tie. The
same set loaded by kolgraph's own importer into the session's Neo4j gives the source exactly.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from neo4j import GraphDatabase

from kolgraph.exchange import export_neo4j_csv, import_neo4j_csv
from kolgraph.exchange.snapshot import iter_nodes, iter_relationships, rel_keys
from kolgraph.ingest import run_ingest
from kolgraph.ingest.registry import loader_for
from kolgraph.schema import NODE_LABELS
from kolgraph.scoring import ScoringParams, score_hcps, write_run
from kolgraph.store import GraphStore
from kolgraph.store.falkordb import scratch_graph
from kolgraph.store.neo4j import Neo4jStore
from tests.conftest import SAMPLES, neo4j_store
from tests.exchange.seed import seed
from tests.neo4j_admin import admin_import, neo4j_on

FILES = [
    ("nppes", "nppes/npidata_sample_1000_part1.csv"),
    ("pubmed", "pubmed/pubmed21n1298_sample_mesh_indexed.xml"),
    ("referrals", "referrals-pspp/physician-shared-patient-patterns-2014-days180_subsample100.txt"),
]

Graph = tuple[dict[str, dict[str, dict[str, Any]]], dict[str, list[Any]]]


def _graph(store: GraphStore) -> Graph:
    """Every node's properties per label and id, every tie per (start, type, end) key."""
    nodes = {label: {p["id"]: p for p in iter_nodes(store, label)} for label in NODE_LABELS}
    rels = {
        key.file_stem: sorted(
            (s, e, sorted(p.items())) for s, e, p in iter_relationships(store, key)
        )
        for key in rel_keys()
    }
    return ({k: v for k, v in nodes.items() if v}, {k: v for k, v in rels.items() if v})


def _without_empty_lists(graph: Graph) -> Graph:
    """``neo4j-admin`` reads an empty array cell as no value: Neo4j keeps no property there."""
    nodes = {
        label: {i: {k: v for k, v in p.items() if v != []} for i, p in by_id.items()}
        for label, by_id in graph[0].items()
    }
    rels = {
        key: [(s, e, [(k, v) for k, v in p if v != []]) for s, e, p in ties]
        for key, ties in graph[1].items()
    }
    return nodes, rels


@pytest.fixture(scope="module")
def source(falkordb, tmp_path_factory) -> Iterator[GraphStore]:
    """The seed plus NPPES, PubMed and referral samples, scored, in an embedded graph."""
    rejects = tmp_path_factory.mktemp("rejects")
    with scratch_graph(falkordb, "admin-source") as graph:
        graph.apply_schema()
        seed(graph)
        for kind, relative in FILES:
            run_ingest(graph, loader_for(kind), SAMPLES / relative, rejects_dir=rejects)
        write_run(
            graph,
            score_hcps(graph, ScoringParams(seed=7)),
            created_at="2025-01-01T00:00:00.000000Z",
        )
        yield graph


def test_neo4j_admin_import_of_the_export_equals_the_source(
    source: GraphStore, neo4j_server, tmp_path: Path
) -> None:
    summary = export_neo4j_csv(source, tmp_path / "set")
    output = admin_import(summary.command, tmp_path / "set", tmp_path / "imported")
    assert "IMPORT DONE" in output
    with neo4j_on(tmp_path / "imported") as server:
        driver = GraphDatabase.driver(server.uri, auth=(server.user, server.password))
        with Neo4jStore(driver, uri=server.uri, owns_driver=True) as imported:
            counts = imported.counts()
            assert (
                counts
                == source.counts()
                == {"nodes": summary.nodes, "relationships": summary.relationships}
            )
            assert counts["nodes"]["HCP"] > 1000 and counts["relationships"]["AUTHORED"] > 1000
            # kolgraph's constraints hold on the imported ids (one node per id and label)
            imported.apply_schema()
            before, after = _graph(source), _graph(imported)
            assert after == _without_empty_lists(before)
            hcps = after[0]["HCP"]
            assert hcps["npi:1000000002"]["name"] == 'Bo O\'Neil "Jr"'
            assert hcps["npi:1000000002"]["note_text"] == "line one\nline two, with comma"
            assert hcps["npi:1000000002"]["rising_star"] is False
            assert hcps["orcid:0000-0002-1825-0097"]["institution"] == ""
            assert isinstance(hcps["npi:1000000001"]["reach_1"], int)
            assert after[0]["Publication"]["pmid:31452104"]["publication_types"] == [
                "Journal Article",
                "Review",
            ]
            assert "publication_types" not in after[0]["Publication"]["pmid:31452105"]
            # a kolgraph statement reads the imported graph as it reads its own
            ada = imported.run("node_by_id", {"label": "HCP"}, id="npi:1000000001")[0]["props"]
            assert ada == before[0]["HCP"]["npi:1000000001"]


def test_kolgraph_import_of_the_export_into_neo4j_equals_the_source(
    source: GraphStore, neo4j_server, tmp_path: Path
) -> None:
    summary = export_neo4j_csv(source, tmp_path / "set")
    neo = neo4j_store(neo4j_server)
    try:
        neo.apply_schema()
        result = import_neo4j_csv(neo, tmp_path / "set")
        assert result.nodes == summary.nodes
        assert neo.counts() == source.counts()
        assert _graph(neo) == _graph(source)  # empty lists included
    finally:
        neo.clear()
        neo.close()
