"""Ingest fixtures: ``load(source, path)`` runs one ingest into the test store."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from kolgraph.ingest import IngestSummary, Loader
from kolgraph.store import GraphStore
from tests.factories import ingest


@pytest.fixture
def load(store: GraphStore, tmp_path: Path) -> Callable[..., IngestSummary]:
    """``load(source, path, **kw)``: one ingest run into the test store; returns its summary.

    ``source`` is a source name (``"crm"``) or a configured loader instance.
    """

    def run(source: str | Loader, path: Path, **kwargs: Any) -> IngestSummary:
        return ingest(store, source, path, tmp_path, **kwargs)

    return run
