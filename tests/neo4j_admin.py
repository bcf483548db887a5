"""``neo4j-admin database import full`` from the Maven artifacts of ``tests/neo4j``, and a
Neo4j started on the database it wrote.

The launcher's runtime classpath (``tests/neo4j/target/lib``) holds Neo4j Community's
``neo4j-command-line`` and ``neo4j-import-tool`` jars, so the admin tool runs as
``java -cp 'target/lib/*' org.neo4j.cli.AdminTool database import full ...`` with
``NEO4J_HOME`` set to the launcher's home for that directory (``DIR/data``): the database
it writes is the one ``sh tests/neo4j/start.sh DIR`` then serves.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.neo4j_server import DEFAULT_PASSWORD, LAUNCHER, Neo4jServer, Neo4jUnavailable

JARS = LAUNCHER / "target" / "lib"
# Bounds for a shared machine: the import's page cache and workers, the DBMS's heap.
IMPORT_LIMITS = ["--max-off-heap-memory=256m", "--threads=2"]
HEAP = "512m"


def _launcher_jars() -> Path:
    """The launcher's runtime jars, building the launcher first when they are missing."""
    if not JARS.is_dir():
        if shutil.which("mvn") is None or shutil.which("java") is None:
            raise Neo4jUnavailable("neo4j-admin needs java and mvn (tests/neo4j builds with Maven)")
        done = subprocess.run(
            ["mvn", "-q", "-B", "-f", str(LAUNCHER / "pom.xml"), "package"],
            capture_output=True,
            text=True,
            timeout=900,
            check=False,
        )
        if done.returncode != 0:
            raise Neo4jUnavailable(f"building tests/neo4j failed:\n{done.stdout[-3000:]}")
    return JARS


def admin_import(command: str, csv_dir: Path, directory: Path) -> str:
    """Run ``command`` (``neo4j-admin database import full ...`` as an export's README.txt
    gives it) from ``csv_dir`` into the launcher home of ``directory``; return its output.

    Raises
    ------
    RuntimeError
        If the import tool exits non-zero (its output is in the message).
    """
    args = shlex.split(command.replace("\\\n", " "))
    if args[:1] != ["neo4j-admin"]:
        raise ValueError(f"not a neo4j-admin command: {command[:60]!r}")
    home = directory / "data"
    home.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "NEO4J_HOME": str(home), "NEO4J_CONF": str(home / "conf")}
    done = subprocess.run(
        [
            "java",
            "-Xmx256m",
            "-cp",
            f"{_launcher_jars()}/*",
            "org.neo4j.cli.AdminTool",
            *args[1:],
            *IMPORT_LIMITS,
        ],
        cwd=csv_dir,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    output = done.stdout + done.stderr
    if done.returncode != 0:
        raise RuntimeError(f"neo4j-admin import failed (exit {done.returncode}):\n{output[-4000:]}")
    return output


@contextmanager
def neo4j_on(directory: Path) -> Iterator[Neo4jServer]:
    """A Neo4j started by ``tests/neo4j/start.sh`` on ``directory``, stopped on exit."""
    env = {
        **os.environ,
        "KOLGRAPH_NEO4J_TEST_PASSWORD": DEFAULT_PASSWORD,
        "NEO4J_LAUNCHER_HEAP": HEAP,
        "NEO4J_LAUNCHER_OWNER_PID": str(os.getpid()),
    }
    server = Neo4jServer("", "neo4j", DEFAULT_PASSWORD, directory)
    try:
        done = subprocess.run(
            ["sh", str(LAUNCHER / "start.sh"), str(directory)],
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        lines = done.stdout.strip().splitlines()
        if done.returncode != 0 or not lines or not lines[-1].startswith("bolt://"):
            raise RuntimeError(f"start.sh failed (exit {done.returncode}):\n{done.stderr[-3000:]}")
        yield Neo4jServer(lines[-1], "neo4j", DEFAULT_PASSWORD, directory)
    finally:
        server.stop()
