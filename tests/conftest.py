"""Shared fixtures: one real embedded FalkorDB for the session, a fresh graph per test."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from kolgraph.config import Settings
from kolgraph.store import EmbeddedFalkorDB, GraphStore
from kolgraph.store.falkordb import FalkorDBStore, scratch_graph
from tests.neo4j_server import Neo4jServer, Neo4jUnavailable, in_ci, start_neo4j

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "data" / "samples"


# Fixtures whose "neo4j" parameter opens the session's Neo4j (started on first use).
NEO4J_BACKED = ("store", "api_store", "scenario", "sec_store")


def needs_neo4j(item: pytest.Item) -> bool:
    """True when ``item`` runs on the session's Neo4j: it asks for ``neo4j_server`` or takes
    the ``neo4j`` parameter of a backend fixture."""
    if "neo4j_server" in getattr(item, "fixturenames", ()):
        return True
    params = getattr(getattr(item, "callspec", None), "params", {})
    return any(params.get(name) == "neo4j" for name in NEO4J_BACKED)


@pytest.hookimpl(tryfirst=True)  # before -m "not slow" deselects
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The Neo4j variants belong to the slow tier (a JVM start plus a slower store): the
    default run leaves them out and never starts Neo4j; ``-m slow`` runs them."""
    for item in items:
        if needs_neo4j(item):
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session")
def falkordb(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedFalkorDB]:
    """A real embedded FalkorDB server, started once for the whole test session."""
    server = EmbeddedFalkorDB(tmp_path_factory.mktemp("falkordb"), appendfsync="everysec")
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def neo4j_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Neo4jServer]:
    """A live Neo4j for the whole session (see ``tests/neo4j_server.py``), started on first use.

    Skips the Neo4j variants with the reason when none can be had, except under ``CI=true``,
    where that fails them.
    """
    try:
        server = start_neo4j(tmp_path_factory.mktemp("neo4j"))
    except Neo4jUnavailable as exc:
        if in_ci():
            pytest.fail(f"CI=true and no Neo4j for the Neo4j variants: {exc}", pytrace=False)
        pytest.skip(f"no Neo4j: {exc}")
    try:
        yield server
    finally:
        server.stop()


def neo4j_store(server: Neo4jServer) -> GraphStore:
    """An emptied Neo4j graph on ``server`` (the caller closes it)."""
    from neo4j import GraphDatabase

    from kolgraph.store.neo4j import Neo4jStore

    driver = GraphDatabase.driver(server.uri, auth=(server.user, server.password))
    store = Neo4jStore(driver, uri=server.uri, owns_driver=True)
    store.clear()
    return store


@contextmanager
def backend_graph(
    request: pytest.FixtureRequest, falkordb: EmbeddedFalkorDB, prefix: str
) -> Iterator[GraphStore]:
    """An empty graph with the schema applied on the backend ``request.param`` names: a
    scratch graph on the session's FalkorDB, or the session's Neo4j (emptied after)."""
    if request.param == "falkordb":
        with scratch_graph(falkordb, prefix) as scratch:
            yield scratch
        return
    graph = neo4j_store(request.getfixturevalue("neo4j_server"))
    graph.apply_schema()
    try:
        yield graph
    finally:
        graph.clear()
        graph.close()


@pytest.fixture(params=["falkordb", "neo4j"])
def store(request: pytest.FixtureRequest, falkordb: EmbeddedFalkorDB) -> Iterator[GraphStore]:
    """An empty graph with the schema applied, on each backend (Neo4j: ``neo4j_server``)."""
    with backend_graph(request, falkordb, "test") as graph:
        yield graph


@pytest.fixture
def falkor_store(falkordb: EmbeddedFalkorDB) -> Iterator[FalkorDBStore]:
    """An empty graph on the embedded FalkorDB only (for tests of embedded behaviour)."""
    with scratch_graph(falkordb, "test") as graph:
        yield graph


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings for an embedded store in a private temporary directory."""
    return Settings(data_dir=tmp_path / "kg", appendfsync="everysec")
