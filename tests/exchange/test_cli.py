"""``kolgraph export graph|table`` and ``kolgraph import neo4j-csv``, run as a user runs them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import networkx as nx
import pandas as pd
import pytest

from kolgraph.config import Settings
from kolgraph.store import open_store
from tests.exchange.seed import seed


def kolgraph(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "kolgraph.cli", *args], capture_output=True,
                          text=True, timeout=300, env=dict(os.environ))


@pytest.fixture
def data_dir(tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "kg"
    with open_store(Settings(data_dir=path, appendfsync="everysec")) as store:
        store.apply_schema()
        seed(store)
    yield path
    kolgraph("stop", "--data-dir", str(path))
    kolgraph("stop", "--data-dir", str(tmp_path / "kg2"))


def test_export_import_round_trip_through_the_cli(data_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "set"
    done = kolgraph("export", "graph", "--format", "neo4j-csv", "--output", str(out),
                    "--data-dir", str(data_dir), "--json")
    assert done.returncode == 0, done.stdout + done.stderr
    exported = json.loads(done.stdout)
    assert exported["nodes"]["HCP"] == 3 and exported["not_exported"] == []
    other = tmp_path / "kg2"
    done = kolgraph("import", "neo4j-csv", str(out), "--data-dir", str(other), "--json")
    assert done.returncode == 0, done.stdout + done.stderr
    status = json.loads(kolgraph("status", "--json", "--data-dir", str(other)).stdout)
    original = json.loads(kolgraph("status", "--json", "--data-dir", str(data_dir)).stdout)
    assert status["counts"] == original["counts"]
    assert status["relationships"] == original["relationships"]


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_export_graph_for_gephi_with_a_tier_filter(data_dir: Path, tmp_path: Path, fmt: str):
    path = tmp_path / f"kols.{fmt}"
    done = kolgraph("export", "graph", "--format", fmt, "--output", str(path), "--tier",
                    "strategic", "--data-dir", str(data_dir))
    assert done.returncode == 0, done.stdout + done.stderr
    graph = nx.read_graphml(path) if fmt == "graphml" else nx.read_gexf(path)
    hcps = [n for n, d in graph.nodes(data=True) if d.get("type") == "HCP"]
    assert hcps == ["npi:1000000001"]


def test_export_table_contacts_as_parquet(data_dir: Path, tmp_path: Path) -> None:
    path = tmp_path / "contacts.parquet"
    done = kolgraph("export", "table", "contacts", "--output", str(path),
                    "--data-dir", str(data_dir))
    assert done.returncode == 0, done.stdout + done.stderr
    assert len(pd.read_parquet(path)) == 3


def test_import_of_a_bad_set_is_one_error_line(data_dir: Path, tmp_path: Path) -> None:
    folder = tmp_path / "bad"
    folder.mkdir()
    (folder / "n.csv").write_text("id:ID(HCP),influence:double\nh1,high\n", encoding="utf-8")
    done = kolgraph("import", "neo4j-csv", str(folder), "--data-dir", str(data_dir))
    assert done.returncode == 1
    assert done.stdout.startswith("error: n.csv: row 2, column 'influence'")
    assert "Traceback" not in done.stdout + done.stderr


def test_report_writes_the_html_page(data_dir: Path, tmp_path: Path) -> None:
    page = tmp_path / "ada.html"
    done = kolgraph("report", "1000000001", "--output", str(page), "--as-of", "2024-03-20",
                    "--data-dir", str(data_dir))
    assert done.returncode == 0, done.stdout + done.stderr
    html = page.read_text(encoding="utf-8")
    assert "Ada Lovelace" in html and "<svg" in html
