"""A live Neo4j for the test session: the one named by ``KOLGRAPH_TEST_NEO4J_URI``, else one
started from ``tests/neo4j`` (``start.sh``/``stop.sh``) when Java and Maven are present.

Without Java or Maven the Neo4j variants skip and say why; with ``CI=true`` a Neo4j that
cannot be had fails them instead, so CI never skips them silently.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

LAUNCHER = Path(__file__).resolve().parent / "neo4j"
DEFAULT_PASSWORD = "kolgraph-test"
START_TIMEOUT = 900  # a first build downloads Neo4j's jars from Maven Central


@dataclass(frozen=True)
class Neo4jServer:
    """Where the session's Neo4j listens; ``directory`` is set when this session started it."""

    uri: str
    user: str
    password: str
    directory: Path | None = None
    start_seconds: float = 0.0

    def stop(self) -> None:
        """Stop a Neo4j this session started (a given URI is left alone)."""
        if self.directory is not None:
            subprocess.run(
                ["sh", str(LAUNCHER / "stop.sh"), str(self.directory)],
                check=False,
                capture_output=True,
                timeout=120,
            )


class Neo4jUnavailable(RuntimeError):
    """No Neo4j could be had for this session."""


def in_ci() -> bool:
    """True when the run is CI (``CI=true``), where Neo4j variants must not skip."""
    return os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")


def start_neo4j(directory: Path) -> Neo4jServer:
    """The configured Neo4j, or one started in ``directory``; raises Neo4jUnavailable."""
    uri = os.environ.get("KOLGRAPH_TEST_NEO4J_URI")
    if uri:
        return Neo4jServer(
            uri,
            os.environ.get("KOLGRAPH_TEST_NEO4J_USER", "neo4j"),
            os.environ.get("KOLGRAPH_TEST_NEO4J_PASSWORD", ""),
        )
    missing = [tool for tool in ("java", "mvn") if shutil.which(tool) is None]
    if missing:
        raise Neo4jUnavailable(
            f"{' and '.join(missing)} not found: install a JDK 17+ and Maven to run the Neo4j "
            "variants, or set KOLGRAPH_TEST_NEO4J_URI (and _USER/_PASSWORD)"
        )
    password = os.environ.get("KOLGRAPH_NEO4J_TEST_PASSWORD", DEFAULT_PASSWORD)
    began = time.monotonic()
    try:
        done = subprocess.run(
            ["sh", str(LAUNCHER / "start.sh"), str(directory)],
            capture_output=True,
            text=True,
            timeout=START_TIMEOUT,
            env={
                **os.environ,
                "KOLGRAPH_NEO4J_TEST_PASSWORD": password,
                "NEO4J_LAUNCHER_OWNER_PID": str(os.getpid()),
            },
        )
    except subprocess.TimeoutExpired as exc:
        Neo4jServer("", "", "", directory).stop()
        raise Neo4jUnavailable(f"tests/neo4j/start.sh took over {START_TIMEOUT}s") from exc
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines or not lines[-1].startswith("bolt://"):
        raise Neo4jUnavailable(
            f"tests/neo4j/start.sh failed (exit {done.returncode}):\n{done.stderr[-3000:]}"
        )
    server = Neo4jServer(lines[-1], "neo4j", password, directory, time.monotonic() - began)
    os.environ["KOLGRAPH_TEST_NEO4J_URI"] = server.uri
    os.environ["KOLGRAPH_TEST_NEO4J_USER"] = server.user
    os.environ["KOLGRAPH_TEST_NEO4J_PASSWORD"] = server.password
    return server
