"""Importing kolgraph changes no process-wide setting; ingest makes its settings on first use."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

PROBE = """
import codecs, csv, json, matplotlib
import kolgraph.report.picture, kolgraph.ingest.csvrows, kolgraph.ingest.textfiles
try:
    codecs.lookup_error("kolgraph-ingest")
    handler = True
except LookupError:
    handler = False
print(json.dumps({"backend": matplotlib.get_backend(), "limit": csv.field_size_limit(),
                  "handler": handler}))
"""


def test_imports_leave_backend_csv_limit_and_codecs_alone() -> None:
    env = {**os.environ, "MPLBACKEND": "svg"}
    done = subprocess.run(
        [sys.executable, "-c", PROBE],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=True,
    )
    assert json.loads(done.stdout) == {"backend": "svg", "limit": 131072, "handler": False}


def test_reading_a_long_field_still_works(tmp_path: Path) -> None:
    from kolgraph.ingest.csvrows import read_header
    from kolgraph.ingest.textfiles import open_text

    path = tmp_path / "long.csv"
    path.write_text("npi,notes\n1," + "x" * 500_000 + "\n", encoding="utf-8")
    assert read_header(path, what="test") == ["npi", "notes"]
    with open_text(path) as handle:
        assert len(list(csv.reader(handle))[1][1]) == 500_000


def test_the_picture_renders_without_pyplot() -> None:
    from kolgraph.report.picture import network_svg

    net = {"center": "a", "nodes": [{"id": "a", "name": "Ada", "x": 0.0, "y": 0.0}], "edges": []}
    assert network_svg(net).startswith("<svg")
