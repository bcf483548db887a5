"""The store commands, run as a user runs them: the installed ``kolgraph`` in a subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest


def kolgraph(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kolgraph.cli", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **(env or {})},
    )


@pytest.fixture
def data_dir(tmp_path: Path):
    path = tmp_path / "kg"
    yield path
    kolgraph("stop", "--data-dir", str(path))


def test_init_status_stop(data_dir: Path) -> None:
    assert kolgraph("init", "--data-dir", str(data_dir)).returncode == 0
    done = kolgraph("status", "--json", "--data-dir", str(data_dir))
    assert done.returncode == 0, done.stderr
    status = json.loads(done.stdout)
    assert status["backend"] == "falkordb"
    assert status["counts"] == {} and status["data_dir"] == str(data_dir)
    stopped = kolgraph("stop", "--data-dir", str(data_dir))
    assert "stopped" in stopped.stdout
    assert (
        "no embedded FalkorDB was running" in kolgraph("stop", "--data-dir", str(data_dir)).stdout
    )


def test_data_dir_comes_from_the_environment(data_dir: Path) -> None:
    done = kolgraph("status", "--json", env={"KOLGRAPH_DATA_DIR": str(data_dir)})
    assert json.loads(done.stdout)["data_dir"] == str(data_dir)


def test_configuration_mistakes_are_one_line_without_traceback() -> None:
    done = kolgraph("status", env={"KOLGRAPH_BACKEND": "neo4j", "KOLGRAPH_NEO4J_URI": ""})
    assert done.returncode == 1
    assert done.stdout.startswith("error:") and "KOLGRAPH_NEO4J_URI" in done.stdout
    assert "Traceback" not in done.stdout + done.stderr


def test_unreachable_neo4j_is_one_line() -> None:
    done = kolgraph(
        "status", env={"KOLGRAPH_BACKEND": "neo4j", "KOLGRAPH_NEO4J_URI": "neo4j://127.0.0.1:1"}
    )
    assert done.returncode == 1
    assert "cannot reach Neo4j at neo4j://127.0.0.1:1" in done.stdout
    assert "Traceback" not in done.stdout + done.stderr
