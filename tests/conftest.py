"""Shared fixtures: one real embedded FalkorDB for the session, a fresh graph per test."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from kolgraph.config import Settings
from kolgraph.store import EmbeddedFalkorDB, GraphStore
from kolgraph.store.falkordb import FalkorDBStore, scratch_graph

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "data" / "samples"

needs_neo4j = pytest.mark.skipif(
    not os.environ.get("KOLGRAPH_TEST_NEO4J_URI"),
    reason="set KOLGRAPH_TEST_NEO4J_URI (and _USER/_PASSWORD) to run the Neo4j suite",
)


@pytest.fixture(scope="session")
def falkordb(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedFalkorDB]:
    """A real embedded FalkorDB server, started once for the whole test session."""
    server = EmbeddedFalkorDB(tmp_path_factory.mktemp("falkordb"), appendfsync="everysec")
    server.start()
    try:
        yield server
    finally:
        server.stop()


def _neo4j_store() -> GraphStore:
    from neo4j import GraphDatabase

    from kolgraph.store.neo4j import Neo4jStore

    uri = os.environ["KOLGRAPH_TEST_NEO4J_URI"]
    auth = (
        os.environ.get("KOLGRAPH_TEST_NEO4J_USER", "neo4j"),
        os.environ.get("KOLGRAPH_TEST_NEO4J_PASSWORD", ""),
    )
    store = Neo4jStore(GraphDatabase.driver(uri, auth=auth), uri=uri, owns_driver=True)
    store.clear()
    return store


@pytest.fixture(params=["falkordb", pytest.param("neo4j", marks=needs_neo4j)])
def store(request: pytest.FixtureRequest, falkordb: EmbeddedFalkorDB) -> Iterator[GraphStore]:
    """An empty graph with the schema applied, on each available backend."""
    if request.param == "falkordb":
        with scratch_graph(falkordb, "test") as scratch:
            yield scratch
        return
    graph = _neo4j_store()
    graph.apply_schema()
    try:
        yield graph
    finally:
        graph.clear()
        graph.close()


@pytest.fixture
def falkor_store(falkordb: EmbeddedFalkorDB) -> Iterator[FalkorDBStore]:
    """An empty graph on the embedded FalkorDB only (for tests of embedded behaviour)."""
    with scratch_graph(falkordb, "test") as graph:
        yield graph


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings for an embedded store in a private temporary directory."""
    return Settings(data_dir=tmp_path / "kg", appendfsync="everysec")
