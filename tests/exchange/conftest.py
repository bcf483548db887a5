"""Fixtures of the exchange tests: a seeded store on the real embedded FalkorDB."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from kolgraph.store import EmbeddedFalkorDB, GraphStore
from kolgraph.store.falkordb import FalkorDBStore, scratch_graph
from tests.exchange.seed import seed


@pytest.fixture
def seeded(store: GraphStore) -> GraphStore:
    """The seed graph in a fresh graph of each available backend."""
    seed(store)
    return store


@pytest.fixture
def fresh_graph(falkordb: EmbeddedFalkorDB) -> Iterator[FalkorDBStore]:
    """A second, empty graph on the embedded server to import into."""
    with scratch_graph(falkordb, "import") as graph:
        yield graph
