"""Concurrent writers: overlapping engagement batches from many clients, nothing doubled or lost.

Each client posts bulk batches drawn from a shared pool of CRM ids (the same id always
describes the same engagement, as CRM retries do) plus ids of its own. Afterwards every
acknowledged id is stored exactly once, with exactly one HCP and one department.
A second test races clients that send the SAME crm_id for DIFFERENT HCPs: whatever
wins, no engagement may end up attached to two HCPs.
"""

from __future__ import annotations

import os
import random
import threading
from pathlib import Path

import httpx

from kolgraph.store import open_store
from tests.reliability.liveserver import engagement, live_api

CLIENTS = int(os.environ.get("KOLGRAPH_WRITERS", "8"))
ROUNDS = int(os.environ.get("KOLGRAPH_WRITER_ROUNDS", "15"))
SHARED = 300
N_HCPS = 30


def _shared(i: int) -> dict[str, object]:
    return engagement(f"shared-{i}", i % N_HCPS, day=1 + i % 28, notes=f"note {i}", cost=10.0 + i)


def _client(
    url: str, key: str, n: int, acked: set[str], errors: list[str], lock: threading.Lock
) -> None:
    rng = random.Random(n)
    with httpx.Client(base_url=url, headers={"X-API-Key": key}, timeout=120) as client:
        for round_ in range(ROUNDS):
            items = [_shared(i) for i in rng.sample(range(SHARED), 40)]
            items += [engagement(f"own-{n}-{round_}-{k}", rng.randrange(N_HCPS)) for k in range(10)]
            r = client.post("/engagements/bulk", json={"engagements": items})
            with lock:
                if r.status_code == 200:
                    acked.update(i["crm_id"] for i in items)
                else:
                    errors.append(f"{r.status_code}: {r.text[:200]}")


def _graph_facts(api) -> dict[str, object]:  # noqa: ANN001
    with open_store(api.settings) as store:
        rows = store.execute(
            "MATCH (e:Engagement) "
            "OPTIONAL MATCH (e)-[w:WITH_HCP]->(h:HCP) "
            "WITH e, count(w) AS hcps, collect(h.npi) AS npis "
            "OPTIONAL MATCH (e)-[o:OWNED_BY]->(:Department) "
            "RETURN e.crm_id AS crm_id, e.cost AS cost, hcps, npis, count(o) AS owners",
            {},
        )
        departments = store.execute("MATCH (d:Department) RETURN d.id AS id", {})
        audit = store.execute(
            "MATCH (a:AuditEvent {action: 'engagement.record'}) RETURN count(a) AS n", {}
        )
    return {"rows": rows, "departments": [d["id"] for d in departments], "audit": audit[0]["n"]}


def test_overlapping_batches_store_each_engagement_once(tmp_path: Path) -> None:
    with live_api(tmp_path / "kg", appendfsync="everysec", n_hcps=N_HCPS) as api:
        acked: set[str] = set()
        errors: list[str] = []
        lock = threading.Lock()
        threads = [
            threading.Thread(
                target=_client, args=(api.url, api.keys["crm"], n, acked, errors, lock)
            )
            for n in range(CLIENTS)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        facts = _graph_facts(api)
    assert errors == []
    stored = [r["crm_id"] for r in facts["rows"]]
    print(
        f"writers: {CLIENTS} clients x {ROUNDS} batches of 50, {len(acked)} distinct ids "
        f"acknowledged, {len(stored)} stored"
    )
    assert len(stored) == len(set(stored)), "an engagement was stored twice"
    assert set(stored) == acked, "acknowledged writes are missing or extra ones appeared"
    assert all(r["hcps"] == 1 and r["owners"] == 1 for r in facts["rows"])
    for r in facts["rows"]:
        if r["crm_id"].startswith("shared-"):
            i = int(r["crm_id"].split("-")[1])
            assert r["cost"] == 10.0 + i and r["npis"] == [_shared(i)["npi"]]
    assert facts["departments"] == ["dept:sales"]
    assert facts["audit"] == CLIENTS * ROUNDS * 50  # one audit event per recorded item


def test_racing_clients_cannot_attach_one_engagement_to_two_hcps(tmp_path: Path) -> None:
    with live_api(tmp_path / "kg", appendfsync="everysec", n_hcps=N_HCPS) as api:
        outcomes: list[int] = []
        barrier = threading.Barrier(CLIENTS)

        def post(n: int) -> None:
            with httpx.Client(
                base_url=api.url, headers={"X-API-Key": api.keys["crm"]}, timeout=120
            ) as client:
                for i in range(20):
                    barrier.wait()
                    r = client.post("/engagements", json=engagement(f"race-{i}", n))
                    outcomes.append(r.status_code)

        threads = [threading.Thread(target=post, args=(n,)) for n in range(CLIENTS)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        facts = _graph_facts(api)
    assert set(outcomes) <= {201, 200, 422}, outcomes
    attached = {r["crm_id"]: r["hcps"] for r in facts["rows"]}
    assert len(attached) == 20
    doubled = {c: n for c, n in attached.items() if n != 1}
    assert doubled == {}, f"engagements attached to several HCPs: {doubled}"
