"""Shared test factories: sample paths, one-call ingests and graph reads.

Every test module imports them the same way, ``from tests.factories import nodes``;
seeded worlds of HCPs from the samples are in ``tests.factories.hcps`` and the synthetic
field force in ``tests.factories.field_force``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from kolgraph.config import Settings
from kolgraph.ingest import IngestSummary, Loader, run_ingest
from kolgraph.ingest.registry import loader_for
from kolgraph.store import EmbeddedFalkorDB, GraphStore, open_store

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "data" / "samples"


@contextmanager
def seeded_data_dir(
    path: Path, seed: Callable[[GraphStore], object], **settings: Any
) -> Iterator[Path]:
    """An embedded store in ``path`` with the schema and ``seed`` applied, for commands run
    with ``--data-dir``; its server is stopped on exit."""
    with open_store(Settings(data_dir=path, **settings)) as store:
        store.apply_schema()
        seed(store)
    try:
        yield path
    finally:
        EmbeddedFalkorDB(path).stop()


def ingest(
    store: GraphStore, loader: str | Loader, path: Path, tmp_path: Path, **kwargs: Any
) -> IngestSummary:
    """One ingest run of ``path`` into ``store``, rejects under ``tmp_path / "rejects"``.

    ``loader`` is a source name (``"nppes"``) or a configured loader instance.
    """
    chosen = loader_for(loader) if isinstance(loader, str) else loader
    return run_ingest(store, chosen, path, rejects_dir=tmp_path / "rejects", **kwargs)


def nodes(store: GraphStore, label: str) -> dict[str, dict[str, Any]]:
    """``{id: props}`` of every ``label`` node."""
    return {r["id"]: r["props"] for r in store.run("source_nodes", {"label": label})}


def rels(store: GraphStore, start: str, rel_type: str, end: str) -> list[dict[str, Any]]:
    """Every ``(start)-[rel_type]->(end)`` relationship with its ends and props."""
    return store.run("relationships_of_type", {"start": start, "type": rel_type, "end": end})


def rejects_of(summary: IngestSummary) -> list[dict[str, Any]]:
    """The reject records an ingest run wrote, one dict per line of its rejects file."""
    return [json.loads(line) for line in Path(summary.rejects_file).read_text().splitlines()]


def kolgraph(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """``kolgraph *args`` as a user runs it: a new ``python -m kolgraph.cli`` process, output
    captured, ``env`` added to this process's environment."""
    return subprocess.run(
        [sys.executable, "-m", "kolgraph.cli", *args],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, **(env or {})},
    )


def run_cli(capsys: pytest.CaptureFixture[str], *args: str) -> subprocess.CompletedProcess[str]:
    """``kolgraph *args`` run in this process (no interpreter start-up) through the same
    ``kolgraph.cli.main`` the console script calls; returns its exit status and output.

    For tests of what a command does; a test of the process itself (exit status of the real
    executable, nothing on stderr from the interpreter) runs it with ``subprocess``.
    """
    from kolgraph.cli import main

    capsys.readouterr()  # only this command's output
    code = main(list(args))
    out, err = capsys.readouterr()
    return subprocess.CompletedProcess(["kolgraph", *args], code, out, err)
