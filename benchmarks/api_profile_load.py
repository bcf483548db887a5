"""Profile lookups and contact tracking over HTTP on a store with 100k HCPs and 1M engagements.

The store is generated directly through ``store.write`` (kept between runs in the data
directory), ``kolgraph serve`` runs as a separate process on 127.0.0.1, and this process
drives it open-loop at a fixed rate over 64 keep-alive connections: request *i* is due at
``t0 + i / rate`` and its latency counts from that due time, so a slow server cannot hide
queueing (no coordinated omission). Prints throughput and p50/p99 per scenario, as Markdown
rows, with the 1-minute load average after each (the machine may be shared).

    python benchmarks/api_profile_load.py --data-dir /tmp/kolgraph-bench --rate 200 --seconds 30
    python benchmarks/api_profile_load.py ... --workers 2 --scenarios profile

Each backend of ``--backends`` (both by default, ``backends.py``) gets its own store under
``--data-dir``/<backend>; the Neo4j one is started for the run unless ``--neo4j-uri`` names one.
"""

from __future__ import annotations

import argparse
import http.client
import os
import queue
import random
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from pathlib import Path

import httpx
from backends import add_backend_args, backend, settings_env

from kolgraph.config import Settings
from kolgraph.krm import keys
from kolgraph.store import open_store

DEPARTMENTS = ("sales", "marketing", "medical_affairs", "clinical_research", "market_access")
TYPES = ("visit", "call", "email", "meeting", "advisory_board", "payment")
TIERS = ("strategic", "potential", "basic")


def generate(store, n_hcps: int, n_engagements: int, seed: int) -> None:
    rng = random.Random(seed)
    have = store.run("count_label", {"label": "Engagement"})[0]["n"]
    if have >= n_engagements:
        print(f"reusing store: {have:,} engagements")
        return
    store.apply_schema()
    t = time.perf_counter()
    store.upsert_nodes(
        "HCP",
        (
            {
                "id": f"npi:{1000000000 + i}",
                "props": {
                    "npi": str(1000000000 + i),
                    "name": f"Hcp {i}",
                    "name_key": f"hcp {i}",
                    "specialty": rng.choice(("oncology", "cardiology", "neurology")),
                    "influence": round(rng.random() * 100, 2),
                    "tier": rng.choice(TIERS),
                    "segment": rng.choice("ABC"),
                    "community": str(i % 500),
                    "state": "CA",
                    "lat": 37.0 + rng.random(),
                    "lon": -122.0 + rng.random(),
                },
            }
            for i in range(n_hcps)
        ),
    )
    print(f"{n_hcps:,} HCPs in {time.perf_counter() - t:.1f} s")
    today = date.today()

    def rows():
        for j in range(n_engagements):
            dept = rng.choice(DEPARTMENTS)
            hcp = f"npi:{1000000000 + rng.randrange(n_hcps)}"
            kind = rng.choice(TYPES)
            yield {
                "id": f"eng:crm:B{j}",
                "hcp_id": hcp,
                "department": dept,
                "department_id": f"dept:{dept}",
                "employee_node_id": None,
                "props": {
                    "crm_id": f"B{j}",
                    "hcp_id": hcp,
                    "department": dept,
                    "type": kind,
                    "date": (today - timedelta(days=rng.randrange(730))).isoformat(),
                    "employee_id": f"e{rng.randrange(2000)}",
                    "objective": rng.choice(("oncology data", "formulary access", "trial sites")),
                    "notes": "call notes",
                    "key_messages": ["efficacy"],
                    "cost": round(rng.random() * 400, 2),
                    "source": "bench",
                },
            }

    t = time.perf_counter()
    sent = store.write("record_engagements", rows(), batch_size=5000)
    print(f"{sent:,} engagements in {time.perf_counter() - t:.1f} s")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def drive(
    base: str, key: str, paths: list[str], rate: float, seconds: float, connections: int = 64
) -> dict:
    """Send ``rate * seconds`` GETs open-loop; latency counts from each request's due time.

    The keep-alive connections are opened (and used once) before the clock starts, as a
    CRM integration keeps its connections; stdlib ``http.client`` keeps the driver's own
    CPU use per request small, since it shares the machine with the server.
    """
    total = int(rate * seconds)
    host, port = base.removeprefix("http://").split(":")
    headers = {"X-API-Key": key}
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    idle: queue.SimpleQueue[http.client.HTTPConnection] = queue.SimpleQueue()

    def connect() -> http.client.HTTPConnection:
        conn = http.client.HTTPConnection(host, int(port), timeout=30)
        conn.request("GET", "/health")
        conn.getresponse().read()
        return conn

    for _ in range(connections):
        idle.put(connect())

    def one(i: int, due: float) -> None:
        nonlocal errors
        delay = due - time.perf_counter()
        if delay > 0:
            time.sleep(delay)
        conn = idle.get()
        try:
            conn.request("GET", paths[i % len(paths)], headers=headers)
            response = conn.getresponse()
            response.read()
            ok = response.status == 200
        except (OSError, http.client.HTTPException):
            conn.close()
            conn = connect()
            ok = False
        done = time.perf_counter()
        idle.put(conn)
        with lock:
            latencies.append(done - due)
            if not ok:
                errors += 1

    with ThreadPoolExecutor(max_workers=connections) as pool:
        t0 = time.perf_counter() + 0.2
        for i in range(total):
            pool.submit(one, i, t0 + i / rate)
    elapsed = time.perf_counter() - t0
    while not idle.empty():
        idle.get().close()
    latencies.sort()
    return {
        "requests": total,
        "errors": errors,
        "throughput": total / elapsed,
        "p50_ms": 1000 * statistics.median(latencies),
        "p99_ms": 1000 * latencies[int(0.99 * (len(latencies) - 1))],
        "max_ms": 1000 * latencies[-1],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=Path("/tmp/kolgraph-bench"))
    parser.add_argument("--hcps", type=int, default=100_000)
    parser.add_argument("--engagements", type=int, default=1_000_000)
    parser.add_argument("--rate", type=float, default=200.0)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--workers", type=int, default=1, help="kolgraph serve --workers")
    parser.add_argument(
        "--scenarios",
        default="profile,contacts,history",
        help="comma-separated subset of profile, contacts, history",
    )
    add_backend_args(parser)
    args = parser.parse_args()
    for name in args.backends:
        print(f"## backend {name}", flush=True)
        with backend(name, args.data_dir / name, args, empty=False) as settings:
            run(settings, args)


def run(settings: Settings, args: argparse.Namespace) -> None:
    """Seed (or reuse) the store of ``settings``, serve it and drive each scenario."""
    with open_store(settings) as store:
        generate(store, args.hcps, args.engagements, args.seed)
        key, _ = keys.create_key(store, "krm_manager", "marketing", label="benchmark")
        counts = store.counts()["nodes"]
    print(f"store: {counts.get('HCP', 0):,} HCPs, {counts.get('Engagement', 0):,} engagements")
    print(f"load average before the run: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")

    port = free_port()
    env = {**os.environ, **settings_env(settings)}
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "kolgraph.cli",
            "serve",
            "--data-dir",
            str(settings.data_dir),
            "--port",
            str(port),
            "--workers",
            str(args.workers),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        rng = random.Random(args.seed + 1)
        ids = [f"npi:{1000000000 + rng.randrange(args.hcps)}" for _ in range(5000)]
        drive(base, key, [f"/hcps/{i}" for i in ids[:200]], 50, 2)  # warm-up
        scenarios = {
            "profile": [f"/hcps/{i}" for i in ids],
            "contacts": [f"/hcps/{i}/contacts" for i in ids],
            "history": [f"/hcps/{i}/engagements" for i in ids],
        }
        print(
            "| scenario | target req/s | achieved req/s | requests | errors | p50 ms | p99 ms "
            "| max ms | load avg (1 min) |"
        )
        print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
        for name in args.scenarios.split(","):
            paths = scenarios[name]
            r = drive(base, key, paths, args.rate, args.seconds)
            print(
                f"| {name} | {args.rate:.0f} | {r['throughput']:.1f} | {r['requests']} | "
                f"{r['errors']} | {r['p50_ms']:.1f} | {r['p99_ms']:.1f} | {r['max_ms']:.1f} | "
                f"{os.getloadavg()[0]:.1f} |",
                flush=True,
            )
    finally:
        os.kill(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
