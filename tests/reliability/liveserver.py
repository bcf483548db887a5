"""A real service for fault tests: embedded FalkorDB + ``uvicorn`` in its own process on loopback.

Used by the reliability tests and by the scripts in ``benchmarks/`` (which put the checkout
on ``sys.path``), both as ``tests.reliability.liveserver``.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from kolgraph.config import Settings
from kolgraph.krm import keys
from kolgraph.store import EmbeddedFalkorDB, open_store

FIRST_NPI = 1_000_000_000


def npi(i: int) -> str:
    """The i-th seeded HCP's NPI (10 digits)."""
    return str(FIRST_NPI + i)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class LiveApi:
    """A running service: its URL, one key per persona and the server processes."""

    url: str
    keys: dict[str, str]
    settings: Settings
    process: subprocess.Popen[bytes]
    log: Path

    @property
    def server(self) -> EmbeddedFalkorDB:
        return EmbeddedFalkorDB(self.settings.data_dir, appendfsync=self.settings.appendfsync)

    def kill_database(self) -> int:
        """SIGKILL the embedded FalkorDB server; return its pid."""
        pid = self.server.pid()
        assert pid is not None, "no embedded FalkorDB is running"
        os.kill(pid, signal.SIGKILL)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                break
            time.sleep(0.01)
        return pid

    def server_rss_kib(self) -> int:
        """Resident memory of the uvicorn process, KiB (from /proc)."""
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
        return 0


def seed_hcps(settings: Settings, n_hcps: int) -> dict[str, str]:
    """Create ``n_hcps`` bare HCPs (``npi:<NPI>``) and one key per persona; return the keys."""
    with open_store(settings) as store:
        store.apply_schema()
        store.upsert_nodes(
            "HCP",
            [
                {
                    "id": f"npi:{npi(i)}",
                    "props": {
                        "npi": npi(i),
                        "name": f"Hcp {i}",
                        "city": "Springfield",
                        "state": "IL",
                        "specialty": "Oncology",
                        "influence": float(i % 100),
                        "source": "test",
                        "loaded_at": "2024-01-01",
                    },
                }
                for i in range(n_hcps)
            ],
        )
        personas = {
            "crm": ("crm_integration", "sales"),
            "rep": ("field", "sales"),
            "compliance": ("compliance", "compliance"),
            "admin": ("admin", "sales"),
        }
        return {
            name: keys.create_key(store, role, dept, label=name)[0]
            for name, (role, dept) in personas.items()
        }


@contextmanager
def live_api(
    data_dir: Path,
    *,
    appendfsync: str = "always",
    n_hcps: int = 50,
    workers_env: dict[str, str] | None = None,
) -> Iterator[LiveApi]:
    """Start the store and ``uvicorn kolgraph.api.app:create_app`` on 127.0.0.1; stop both after."""
    settings = Settings(data_dir=data_dir, appendfsync=appendfsync)  # type: ignore[arg-type]
    api_keys = seed_hcps(settings, n_hcps)
    port = free_port()
    log = data_dir / "uvicorn.log"
    env = {
        **os.environ,
        "KOLGRAPH_DATA_DIR": str(data_dir),
        "KOLGRAPH_APPENDFSYNC": appendfsync,
        **(workers_env or {}),
    }
    with log.open("wb") as out:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "kolgraph.api.app:create_app",
                "--factory",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--log-level",
                "warning",
                "--no-access-log",
            ],
            stdout=out,
            stderr=subprocess.STDOUT,
            env=env,
        )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise RuntimeError(f"uvicorn did not start: {log.read_text()[-2000:]}")
        time.sleep(0.1)
    try:
        yield LiveApi(url, api_keys, settings, process, log)
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        EmbeddedFalkorDB(data_dir).stop()


def engagement(
    crm_id: str, hcp: int, *, department: str = "sales", day: int = 1, **extra: object
) -> dict[str, object]:
    """One engagement body for ``POST /engagements``."""
    return {
        "crm_id": crm_id,
        "npi": npi(hcp),
        "department": department,
        "type": "visit",
        "date": f"2024-03-{day:02d}",
        **extra,
    }
