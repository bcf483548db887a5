"""SIGKILL the embedded FalkorDB under concurrent API writes: every acknowledged write survives.

A real ``uvicorn`` serves the API on 127.0.0.1; client threads post engagements with
fresh CRM ids and note each one the API acknowledged (2xx). The database server is
killed several times while they write (the API restarts it itself); at the end it is
killed once more and started from its append-only file alone. Every acknowledged
engagement must be there, exactly once.
"""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import httpx
import pytest

from kolgraph.store import open_store
from tests.reliability.liveserver import engagement, live_api

KILLS = int(os.environ.get("KOLGRAPH_DBKILL_KILLS", "3"))
CLIENTS = int(os.environ.get("KOLGRAPH_DBKILL_CLIENTS", "6"))
N_HCPS = 40


def _writer(
    url: str, key: str, name: str, stop: threading.Event, acked: list[str], failures: dict[str, int]
) -> None:
    with httpx.Client(base_url=url, headers={"X-API-Key": key}, timeout=60) as client:
        i = 0
        while not stop.is_set():
            crm_id = f"{name}-{i}"
            i += 1
            try:
                r = client.post("/engagements", json=engagement(crm_id, i % N_HCPS))
            except httpx.HTTPError as exc:
                failures[type(exc).__name__] = failures.get(type(exc).__name__, 0) + 1
                continue
            if r.status_code in (200, 201):
                acked.append(crm_id)
            else:
                failures[str(r.status_code)] = failures.get(str(r.status_code), 0) + 1


def run_kill_trial(
    data_dir: Path, *, appendfsync: str, kills: int, clients: int, interval: float = 1.5
) -> dict[str, object]:
    """Write with ``clients`` threads, SIGKILL the database ``kills`` times; return the figures."""
    with live_api(data_dir, appendfsync=appendfsync, n_hcps=N_HCPS) as api:
        stop = threading.Event()
        acked: list[list[str]] = [[] for _ in range(clients)]
        failures: dict[str, int] = {}
        threads = [
            threading.Thread(
                target=_writer, args=(api.url, api.keys["crm"], f"w{n}", stop, acked[n], failures)
            )
            for n in range(clients)
        ]
        for t in threads:
            t.start()
        for _ in range(kills):
            time.sleep(interval)
            api.kill_database()
        time.sleep(interval)  # writes continue after the last restart
        stop.set()
        for t in threads:
            t.join(timeout=120)
        api.kill_database()  # the final state must come from the append-only file alone
        with open_store(api.settings) as store:
            rows = store.execute("MATCH (e:Engagement) RETURN e.crm_id AS crm_id", {})
            dangling = store.execute(
                "MATCH (e:Engagement) WHERE NOT (e)-[:WITH_HCP]->(:HCP) RETURN count(e) AS n", {}
            )
        stored = [r["crm_id"] for r in rows]
        all_acked = [c for group in acked for c in group]
        return {
            "acked": len(all_acked),
            "stored": len(stored),
            "lost": sorted(set(all_acked) - set(stored)),
            "duplicates": len(stored) - len(set(stored)),
            "dangling": dangling[0]["n"],
            "failures": failures,
            "acked_per_kill": len(all_acked) / max(kills, 1),
        }


@pytest.mark.slow
def test_acknowledged_writes_survive_sigkill_of_the_database(tmp_path: Path) -> None:
    figures = run_kill_trial(tmp_path / "kg", appendfsync="always", kills=KILLS, clients=CLIENTS)
    print(f"db-kill: {figures}")
    assert figures["acked"] > 50, figures
    assert figures["lost"] == [], figures
    assert figures["duplicates"] == 0 and figures["dangling"] == 0, figures
