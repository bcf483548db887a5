"""SIGKILL a ``kolgraph ingest pubmed`` mid-file, run it again: counts equal one clean run."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kolgraph.config import Settings
from kolgraph.store import EmbeddedFalkorDB, open_store
from tests.factories import SAMPLES

SAMPLE = SAMPLES / "pubmed" / "pubmed21n1298_sample_every21st.xml"


def _ingest(data_dir: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "KOLGRAPH_APPENDFSYNC": "always"}
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "kolgraph.cli",
            "ingest",
            "pubmed",
            str(SAMPLE),
            "--data-dir",
            str(data_dir),
            "--batch-size",
            "25",
            "--json",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )


def _counts_and_checkpoint(data_dir: Path):
    with open_store(Settings(data_dir=data_dir)) as store:
        runs = store.run("count_label", {"label": "IngestRun"})
        counts = store.counts()
        rows = list(store.run("mentions_of_source", {"label": "Mention"}, source="pubmed"))
        return counts, runs, len(rows)


def _publications(data_dir: Path) -> int:
    server = EmbeddedFalkorDB(data_dir)
    if not server.is_running():
        return 0
    with open_store(Settings(data_dir=data_dir), start=False) as store:
        return store.counts()["nodes"].get("Publication", 0)


@pytest.mark.slow
def test_killed_run_resumes_to_the_counts_of_a_clean_run(tmp_path):
    killed, clean = tmp_path / "killed", tmp_path / "clean"
    try:
        proc = _ingest(killed)
        # Kill once some batches are in the store, so the kill lands mid-file.
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.2)
            if _publications(killed) > 0:
                break
        assert proc.poll() is None, "the run finished before it could be killed"
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        with open_store(Settings(data_dir=killed)) as store:
            partial = store.counts()["nodes"].get("Publication", 0)
        assert 0 < partial < 990
        assert _ingest(killed).wait(timeout=600) == 0
        assert _ingest(clean).wait(timeout=600) == 0
        assert _counts_and_checkpoint(killed) == _counts_and_checkpoint(clean)
    finally:
        for data_dir in (killed, clean):
            EmbeddedFalkorDB(data_dir).stop()
