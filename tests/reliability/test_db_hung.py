"""Database hung (alive but not answering): requests give up after the query timeout.

The embedded server is stopped with SIGSTOP, so its socket accepts bytes but nothing
answers. The API must answer 503 problem+json within its timeout instead of waiting for
ever, and serve normally again once the server is continued.
"""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import httpx
import pytest

from kolgraph.config import Settings
from kolgraph.errors import StoreUnavailable
from kolgraph.store import open_store
from tests.reliability.liveserver import live_api, npi


def test_store_statement_times_out_on_a_stopped_server(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "kg", query_timeout=1.0)
    with open_store(settings) as store:
        store.upsert_nodes("HCP", [{"id": "npi:1", "props": {"name": "Ann Lee"}}])
        pid = store.server.pid()  # type: ignore[attr-defined]
        os.kill(pid, signal.SIGSTOP)
        try:
            started = time.monotonic()
            with pytest.raises(StoreUnavailable, match="KOLGRAPH_QUERY_TIMEOUT"):
                store.run("node_by_id", {"label": "HCP"}, id="npi:1")
            assert time.monotonic() - started < 10
        finally:
            os.kill(pid, signal.SIGCONT)
        row = store.run("node_by_id", {"label": "HCP"}, id="npi:1")[0]
        assert row["props"]["name"] == "Ann Lee"
    store.server.stop()  # type: ignore[attr-defined]


def test_api_answers_503_while_the_database_hangs_and_recovers(tmp_path: Path) -> None:
    with live_api(
        tmp_path / "kg", n_hcps=3, workers_env={"KOLGRAPH_API_QUERY_TIMEOUT": "1"}
    ) as api:
        headers = {"X-API-Key": api.keys["rep"]}
        path = f"/hcps/lookup?npi={npi(1)}"
        with httpx.Client(base_url=api.url, timeout=60) as client:
            assert client.get(path, headers=headers).status_code == 200
            pid = api.server.pid()
            assert pid is not None
            os.kill(pid, signal.SIGSTOP)
            try:
                started = time.monotonic()
                r = client.get(path, headers=headers)
                waited = time.monotonic() - started
            finally:
                os.kill(pid, signal.SIGCONT)
            assert r.status_code == 503, r.text
            assert r.headers["content-type"].startswith("application/problem+json")
            assert "kolgraph status" in r.json()["detail"]
            assert "Traceback" not in r.text and r.headers.get("retry-after") == "5"
            assert waited < 10
            r = client.get(path, headers=headers)
            assert r.status_code == 200 and r.json()["npi"] == npi(1)
