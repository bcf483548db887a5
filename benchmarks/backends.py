"""The two backends for a benchmark: the embedded FalkorDB, or a Neo4j.

``--backends falkordb neo4j`` runs a benchmark on each in turn. The Neo4j is the one named
by ``--neo4j-uri`` (its default database is emptied first), else one started for the run with
``tests/neo4j/start.sh`` (Java 17+ and Maven; 1 GB heap unless ``NEO4J_LAUNCHER_HEAP`` says
otherwise) in the benchmark's work directory and stopped after it.

Examples
--------
>>> parser = argparse.ArgumentParser()
>>> add_backend_args(parser)
>>> parser.parse_args([]).backends
['falkordb', 'neo4j']
"""

from __future__ import annotations

import argparse
import logging
import os
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from kolgraph.config import Settings
from kolgraph.store import EmbeddedFalkorDB, open_store

LAUNCHER = Path(__file__).resolve().parents[1] / "tests" / "neo4j"
PASSWORD = "kolgraph-test"
logging.getLogger("neo4j").setLevel(logging.ERROR)  # the server's notices on unused keys


def add_backend_args(parser: argparse.ArgumentParser) -> None:
    """``--backends`` (both by default) and ``--neo4j-uri``/``--neo4j-password``."""
    parser.add_argument(
        "--backends", nargs="+", choices=("falkordb", "neo4j"), default=["falkordb", "neo4j"]
    )
    parser.add_argument(
        "--neo4j-uri", default=None, help="an existing Neo4j (emptied first); else one is started"
    )
    parser.add_argument("--neo4j-password", default=PASSWORD)


def _status_kb(pid: int, key: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
    except OSError:
        return 0
    return 0


def server_pid(settings: Settings) -> int | None:
    """The pid of the database server behind ``settings`` when it runs on this machine."""
    if settings.backend == "falkordb":
        return EmbeddedFalkorDB(settings.data_dir).pid()
    pid_file = settings.data_dir / "neo4j" / "pid"
    return int(pid_file.read_text()) if pid_file.exists() else None


def server_rss_mb(settings: Settings, key: str = "VmRSS") -> int:
    """RSS (or ``VmHWM``) of the server in MB, 0 when it is not a local process."""
    pid = server_pid(settings)
    return round(_status_kb(pid, key) / 1024) if pid else 0


@contextmanager
def backend(
    name: str, data_dir: Path, args: argparse.Namespace, *, empty: bool = True
) -> Iterator[Settings]:
    """Settings for a store of backend ``name`` under ``data_dir`` (emptied first unless
    ``empty`` is false); its server is stopped on exit when this run started it."""
    data_dir.mkdir(parents=True, exist_ok=True)
    if name == "falkordb":
        try:
            yield Settings(data_dir=data_dir, appendfsync="everysec")
        finally:
            EmbeddedFalkorDB(data_dir).stop()
        return
    home = data_dir / "neo4j"
    uri = args.neo4j_uri
    if uri is None:
        env = {
            **os.environ,
            "KOLGRAPH_NEO4J_TEST_PASSWORD": args.neo4j_password,
            "NEO4J_LAUNCHER_OWNER_PID": str(os.getpid()),
        }
        done = subprocess.run(
            ["sh", str(LAUNCHER / "start.sh"), str(home)],
            env=env,
            capture_output=True,
            text=True,
            timeout=900,
            check=False,
        )
        lines = done.stdout.strip().splitlines()
        if done.returncode != 0 or not lines:
            raise RuntimeError(f"tests/neo4j/start.sh failed:\n{done.stderr[-3000:]}")
        uri = lines[-1]
    settings = Settings(
        backend="neo4j", data_dir=data_dir, neo4j_uri=uri, neo4j_password=args.neo4j_password
    )
    try:
        if empty:
            with open_store(settings) as store:
                store.clear()
        yield settings
    finally:
        if args.neo4j_uri is None:
            subprocess.run(
                ["sh", str(LAUNCHER / "stop.sh"), str(home)],
                check=False,
                capture_output=True,
                timeout=300,
            )


def settings_env(settings: Settings) -> dict[str, str]:
    """Environment variables that make a ``kolgraph`` subprocess use ``settings``' store."""
    env = {"KOLGRAPH_BACKEND": settings.backend, "KOLGRAPH_DATA_DIR": str(settings.data_dir)}
    if settings.backend == "neo4j":
        env.update(
            {
                "KOLGRAPH_NEO4J_URI": settings.neo4j_uri or "",
                "KOLGRAPH_NEO4J_USER": settings.neo4j_user,
                "KOLGRAPH_NEO4J_PASSWORD": settings.neo4j_password.get_secret_value()
                if settings.neo4j_password
                else "",
            }
        )
    else:
        env["KOLGRAPH_APPENDFSYNC"] = settings.appendfsync
    return env
