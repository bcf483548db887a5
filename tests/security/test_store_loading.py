"""A store still replaying its append-only file answers 503 at once, not after a long wait."""

from __future__ import annotations

import secrets
import subprocess
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from kolgraph.api.app import create_app
from kolgraph.config import Settings
from kolgraph.errors import StoreUnavailable
from kolgraph.krm import keys
from kolgraph.store import EmbeddedFalkorDB
from kolgraph.store.embedded import _binaries
from kolgraph.store.falkordb import FalkorDBStore


@pytest.mark.slow  # a restart trial: 6 MB replayed with a load delay
def test_requests_during_replay_get_503(tmp_path: Path) -> None:
    data_dir = tmp_path / "kg"
    server = EmbeddedFalkorDB(data_dir, appendfsync="always").start()
    store = FalkorDBStore(server)
    store.apply_schema()
    key = keys.create_key(store, "field", "sales")[0]
    client = server.client()
    client.mset({f"filler:{n}": secrets.token_hex(1024) for n in range(3000)})  # 6 MB
    server.rewrite_aof()  # the base file is RDB: loading it honours key-load-delay
    client.close()
    server.stop()
    while server.socket_path.exists():
        time.sleep(0.01)
    binary, module = _binaries()
    # 1 ms per key: replaying 3,000 keys takes about three seconds; the server answers
    # clients between every 2 MB it loads, with LOADING
    process = subprocess.Popen(
        [
            str(binary),
            "--port",
            "0",
            "--unixsocket",
            str(server.socket_path),
            "--unixsocketperm",
            "700",
            "--dir",
            str(data_dir),
            "--appendonly",
            "yes",
            "--appenddirname",
            "appendonly",
            "--save",
            "",
            "--key-load-delay",
            "1000",
            "--loadmodule",
            str(module),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        cwd=data_dir,
    )
    try:
        deadline = time.monotonic() + 10
        while not server.socket_path.exists() and time.monotonic() < deadline:
            time.sleep(0.01)
        loading = FalkorDBStore(server, timeout=15)
        started = time.monotonic()
        with pytest.raises(StoreUnavailable, match="loading"):
            loading.execute("RETURN 1", {})
        assert time.monotonic() - started < 2.5  # well before the replay ends
        app = create_app(Settings(data_dir=tmp_path / "unused"), store=loading)
        with TestClient(app, raise_server_exceptions=False) as api:
            r = api.get("/hcps", headers={"X-API-Key": key})
            assert r.status_code == 503 and r.headers["Retry-After"]
            ready = False
            while not ready and time.monotonic() < deadline + 20:
                ready = api.get("/hcps", headers={"X-API-Key": key}).status_code == 200
                time.sleep(0.2)
            assert ready  # once replayed, the same process answers again
    finally:
        process.terminate()
        process.wait(timeout=30)
