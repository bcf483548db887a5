"""``kolgraph export graph|table`` and ``kolgraph import neo4j-csv``, run as a user runs them."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import networkx as nx
import pandas as pd
import pytest

from kolgraph.store import EmbeddedFalkorDB
from tests.exchange.seed import seed
from tests.factories import SAMPLES, kolgraph, seeded_data_dir


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The seeded store, shared by the module's tests, which only read it (a report adds its
    audit event; a refused import writes nothing)."""
    with seeded_data_dir(
        tmp_path_factory.mktemp("seeded") / "kg", seed, appendfsync="everysec"
    ) as path:
        yield path


@pytest.fixture
def own_data_dir(tmp_path: Path) -> Iterator[Path]:
    """A data directory of the test's own, for commands that write; stopped afterwards."""
    path = tmp_path / "own"
    yield path
    EmbeddedFalkorDB(path).stop()


def test_export_import_round_trip_through_the_cli(
    data_dir: Path, own_data_dir: Path, tmp_path: Path
) -> None:
    out = tmp_path / "set"
    done = kolgraph(
        "export",
        "graph",
        "--format",
        "neo4j-csv",
        "--output",
        str(out),
        "--data-dir",
        str(data_dir),
        "--json",
    )
    assert done.returncode == 0, done.stdout + done.stderr
    exported = json.loads(done.stdout)
    assert exported["nodes"]["HCP"] == 3 and exported["not_exported"] == []
    other = own_data_dir
    done = kolgraph("import", "neo4j-csv", str(out), "--data-dir", str(other), "--json")
    assert done.returncode == 0, done.stdout + done.stderr
    status = json.loads(kolgraph("status", "--json", "--data-dir", str(other)).stdout)
    original = json.loads(kolgraph("status", "--json", "--data-dir", str(data_dir)).stdout)
    assert status["counts"] == original["counts"]
    assert status["relationships"] == original["relationships"]


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_export_graph_for_gephi_with_a_tier_filter(data_dir: Path, tmp_path: Path, fmt: str):
    path = tmp_path / f"kols.{fmt}"
    done = kolgraph(
        "export",
        "graph",
        "--format",
        fmt,
        "--output",
        str(path),
        "--tier",
        "strategic",
        "--data-dir",
        str(data_dir),
    )
    assert done.returncode == 0, done.stdout + done.stderr
    graph = nx.read_graphml(path) if fmt == "graphml" else nx.read_gexf(path)
    hcps = [n for n, d in graph.nodes(data=True) if d.get("type") == "HCP"]
    assert hcps == ["npi:1000000001"]


def test_export_table_contacts_as_parquet(data_dir: Path, tmp_path: Path) -> None:
    path = tmp_path / "contacts.parquet"
    done = kolgraph(
        "export", "table", "contacts", "--output", str(path), "--data-dir", str(data_dir)
    )
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
    done = kolgraph(
        "report",
        "1000000001",
        "--output",
        str(page),
        "--as-of",
        "2024-03-20",
        "--data-dir",
        str(data_dir),
    )
    assert done.returncode == 0, done.stdout + done.stderr
    html = page.read_text(encoding="utf-8")
    assert "Ada Lovelace" in html and "<svg" in html


def test_report_finds_the_hcp_by_name(data_dir: Path, tmp_path: Path) -> None:
    page = tmp_path / "by-name.html"
    done = kolgraph("report", "lovelace", "--output", str(page), "--data-dir", str(data_dir))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Ada Lovelace" in page.read_text(encoding="utf-8")
    several = kolgraph("report", "o", "--data-dir", str(data_dir))
    assert several.returncode == 1
    assert "matches" in several.stdout and "(npi:1000000001)" in several.stdout
    assert "Traceback" not in several.stderr
    nobody = kolgraph("report", "zzzz", "--data-dir", str(data_dir))
    assert nobody.returncode == 1 and "no HCP named like 'zzzz'" in nobody.stdout


WITHOUT_MATPLOTLIB = """
import sys
sys.modules["matplotlib"] = None  # as if the report extra were not installed
from kolgraph.cli import main
raise SystemExit(main(sys.argv[1:]))
"""


def test_report_without_matplotlib_says_how_to_install_it(data_dir: Path, tmp_path: Path):
    page = tmp_path / "ada.html"
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            WITHOUT_MATPLOTLIB,
            "report",
            "1000000001",
            "--output",
            str(page),
            "--data-dir",
            str(data_dir),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 1, done.stdout + done.stderr
    text = " ".join(done.stdout.split())
    assert text.startswith("error: the report's network picture needs matplotlib")
    assert "pip install 'kolgraph[report]'" in text
    assert "Traceback" not in done.stdout + done.stderr and not page.exists()


@pytest.mark.skipif(
    __import__("importlib").util.find_spec("weasyprint") is not None,
    reason="WeasyPrint is installed: the PDF is written",
)
def test_report_pdf_without_weasyprint_says_how_to_install_it(
    data_dir: Path, tmp_path: Path
) -> None:
    done = kolgraph(
        "report",
        "1000000001",
        "--output",
        str(tmp_path / "a.html"),
        "--pdf",
        str(tmp_path / "a.pdf"),
        "--data-dir",
        str(data_dir),
    )
    assert done.returncode == 1
    text = " ".join(done.stdout.split())
    assert "pip install weasyprint" in text and "pip install -e '.[pdf]'" in text
    assert "--html" not in text


def test_json_errors_are_one_json_object(data_dir: Path, tmp_path: Path) -> None:
    done = kolgraph(
        "ingest", "trials", str(tmp_path / "nowhere"), "--json", "--data-dir", str(data_dir)
    )
    assert done.returncode == 1
    assert json.loads(done.stdout) == {"error": f"no such file or folder: {tmp_path / 'nowhere'}"}
    usage = kolgraph("score", "--json", "--seed", "abc", "--data-dir", str(data_dir))
    assert usage.returncode == 1 and "--seed" in json.loads(usage.stdout)["error"]


def test_ingest_trials_from_a_folder_and_a_glob(own_data_dir: Path) -> None:
    data_dir = own_data_dir
    samples = SAMPLES / "clinicaltrials-gov"
    folder = samples / "api_v2_study"
    done = kolgraph("ingest", "trials", str(folder), "--json", "--data-dir", str(data_dir))
    assert done.returncode == 0, done.stdout + done.stderr
    body = json.loads(done.stdout)
    assert body["files"] == len(list(folder.glob("*.json"))) == len(body["summaries"])
    assert body["loaded"] == sum(s["loaded"] for s in body["summaries"]) > 0
    again = kolgraph("ingest", "trials", str(folder / "NCT0*.json"), "--data-dir", str(data_dir))
    assert again.returncode == 0, again.stdout + again.stderr
    assert f"trials: {len(list(folder.glob('NCT0*.json')))} files" in again.stdout
