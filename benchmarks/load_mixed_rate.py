"""Mixed API load at a fixed arrival rate, with one and with two server workers, in one run.

Loads the shipped samples into ``--data-dir`` with ``kolgraph demo --no-serve`` (once; an
existing demo store is reused), then for each ``--workers`` value starts ``kolgraph serve
--workers N`` as a separate process on 127.0.0.1 and drives it open-loop: request *i* is
due at ``t0 + i / rate`` whatever happened before, and its latency counts from that due
time, so queueing in the server is not hidden (no coordinated omission). The mix is what a
CRM integration and field reps send: lookups by NPI, profiles, contact views and
engagement histories (a field key of sales) and engagement writes (a CRM integration
key). Every answer is counted by status: 2xx is served, 429 and 503 are shed (the
server's load shedding and per-key rate limit), anything else (other statuses, transport
errors, timeouts) is an error.

    python benchmarks/load_mixed_rate.py --rate 200 --seconds 45 --workers 1,2
    python benchmarks/load_mixed_rate.py --json > load.json
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import queue
import random
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from pathlib import Path

from kolgraph.config import Settings
from kolgraph.krm import keys
from kolgraph.store import open_store

# (operation, share of requests); writes are 20 %, as in benchmarks/load_mixed.py.
MIX = (("lookup", 0.30), ("profile", 0.25), ("history", 0.15), ("contacts", 0.10), ("write", 0.20))
SHED = (429, 503)


def prepare(data_dir: Path) -> tuple[list[str], list[str], str, str]:
    """Build the demo store in ``data_dir`` unless it is there; return the ids of its HCPs,
    the NPIs of those that have one, a sales field key and a CRM integration key."""
    if not (data_dir / "demo.done").exists():
        t = time.perf_counter()
        subprocess.run(
            [
                sys.executable,
                "-m",
                "kolgraph.cli",
                "demo",
                "--no-serve",
                "--data-dir",
                str(data_dir),
            ],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        (data_dir / "demo.done").write_text(f"{time.perf_counter() - t:.1f} s\n")
    with open_store(Settings(data_dir=data_dir)) as store:
        rows = store.run("source_nodes", {"label": "HCP"})
        hcps = [r["id"] for r in rows]
        npis = [str(r["props"]["npi"]) for r in rows if r["props"].get("npi")]
        reader, _ = keys.create_key(
            store, "field", "sales", label="load benchmark", employee_id="LOAD-REP"
        )
        writer, _ = keys.create_key(store, "crm_integration", "sales", label="load benchmark")
    if not npis:
        raise SystemExit(f"{data_dir}: no HCP with an NPI; is this a demo store?")
    return hcps, npis, reader, writer


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def plan(hcps: list[str], npis: list[str], total: int, seed: int, run: str) -> list[Request]:
    """``total`` requests (operation, method, path, body), drawn from :data:`MIX`: reads of
    any HCP, lookups and writes by NPI."""
    rng = random.Random(seed)
    ops = rng.choices([m for m, _ in MIX], [w for _, w in MIX], k=total)
    today = date.today()
    out: list[Request] = []
    for i, op in enumerate(ops):
        hcp, npi = rng.choice(hcps), rng.choice(npis)
        if op == "lookup":
            out.append((op, "GET", f"/hcps/lookup?npi={npi}", None))
        elif op == "profile":
            out.append((op, "GET", f"/hcps/{hcp}", None))
        elif op == "history":
            out.append((op, "GET", f"/hcps/{hcp}/engagements", None))
        elif op == "contacts":
            out.append((op, "GET", f"/hcps/{hcp}/contacts", None))
        else:
            body = {
                "crm_id": f"LOAD-{run}-{i}",
                "npi": npi,
                "department": "sales",
                "type": rng.choice(("visit", "call", "email")),
                "date": (today - timedelta(days=rng.randrange(1, 300))).isoformat(),
                "employee_id": f"REP{rng.randrange(40):02d}",
                "notes": "follow-up",
                "cost": 25.0,
            }
            out.append((op, "POST", "/engagements", json.dumps(body).encode()))
    return out


Request = tuple[str, str, str, bytes | None]  # operation, method, path, body


def drive(
    port: int, requests: list[Request], keys_by_op: dict[str, str], rate: float, connections: int
) -> dict:
    """Send ``requests`` open-loop at ``rate`` per second over keep-alive connections."""
    results: list[tuple[str, float, str]] = []  # (operation, latency s, outcome)
    lock = threading.Lock()
    idle: queue.SimpleQueue[http.client.HTTPConnection] = queue.SimpleQueue()

    def connect() -> http.client.HTTPConnection:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        conn.request("GET", "/health")
        conn.getresponse().read()
        return conn

    for _ in range(connections):
        idle.put(connect())

    def one(i: int, due: float) -> None:
        op, method, path, body = requests[i]
        delay = due - time.perf_counter()
        if delay > 0:
            time.sleep(delay)
        conn = idle.get()
        headers = {"X-API-Key": keys_by_op[op]}
        if body is not None:
            headers["Content-Type"] = "application/json"
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            response.read()
            outcome = str(response.status)
            if response.will_close:
                conn.close()
                conn = connect()
        except (OSError, http.client.HTTPException) as exc:
            outcome = type(exc).__name__
            conn.close()
            try:
                conn = connect()
            except OSError:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        done = time.perf_counter()
        idle.put(conn)
        with lock:
            results.append((op, done - due, outcome))

    with ThreadPoolExecutor(max_workers=connections) as pool:
        t0 = time.perf_counter() + 0.2
        for i in range(len(requests)):
            pool.submit(one, i, t0 + i / rate)
    elapsed = time.perf_counter() - t0
    while not idle.empty():
        idle.get().close()
    return summarise(results, elapsed)


def _pct(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return round(1000 * ordered[min(len(ordered) - 1, int(q * len(ordered)))], 1)


def summarise(results: list[tuple[str, float, str]], elapsed: float) -> dict:
    """Counts by outcome and p50/p99 of all answers and of the served ones, per operation.

    >>> s = summarise([("lookup", 0.004, "200"), ("write", 0.010, "201"),
    ...                ("write", 0.002, "503"), ("lookup", 1.0, "ReadTimeout")], 2.0)
    >>> (s["served"], s["shed"], s["errors"], s["achieved_rps"], s["served_p99_ms"])
    (2, 1, 1, 2.0, 10.0)
    """

    def ok(outcome: str) -> bool:
        return outcome.isdigit() and 200 <= int(outcome) < 300

    def shed(outcome: str) -> bool:
        return outcome.isdigit() and int(outcome) in SHED

    served = [lat for _, lat, o in results if ok(o)]
    per_op = {}
    for name, _ in MIX:
        mine = [(lat, o) for op, lat, o in results if op == name]
        good = [lat for lat, o in mine if ok(o)]
        per_op[name] = {
            "n": len(mine),
            "served": len(good),
            "p50_ms": _pct(good, 0.5),
            "p99_ms": _pct(good, 0.99),
        }
    return {
        "requests": len(results),
        "achieved_rps": round(len(results) / elapsed, 1),
        "served": len(served),
        "shed": sum(shed(o) for _, _, o in results),
        "errors": sum(not ok(o) and not shed(o) for _, _, o in results),
        "by_outcome": dict(Counter(o for _, _, o in results).most_common()),
        "p50_ms": _pct([lat for _, lat, _ in results], 0.5),
        "p99_ms": _pct([lat for _, lat, _ in results], 0.99),
        "served_p50_ms": _pct(served, 0.5),
        "served_p99_ms": _pct(served, 0.99),
        "max_ms": _pct([lat for _, lat, _ in results], 1.0),
        "by_operation": per_op,
    }


def serve(data_dir: Path, workers: int) -> tuple[subprocess.Popen, int]:
    """Start ``kolgraph serve --workers N``; return the process and its port once healthy."""
    port = free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "kolgraph.cli",
            "serve",
            "--data-dir",
            str(data_dir),
            "--port",
            str(port),
            "--workers",
            str(workers),
        ],
        stdout=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/ready")
            if conn.getresponse().status == 200:
                return server, port
        except OSError:
            pass
        time.sleep(0.2)
    stop(server)
    raise SystemExit(f"kolgraph serve --workers {workers} did not become ready in 120 s")


def stop(server: subprocess.Popen) -> None:
    os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=Path("/tmp/kolgraph-load-demo"))
    parser.add_argument("--rate", type=float, default=200.0)
    parser.add_argument("--seconds", type=float, default=45.0)
    parser.add_argument("--workers", default="1,2", help="comma-separated worker counts")
    parser.add_argument(
        "--connections",
        type=int,
        default=256,
        help="client connections; above the server's 64 in flight per "
        "process, so a server that falls behind sheds instead of the "
        "client queueing for it",
    )
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--json", action="store_true", help="print one JSON document")
    args = parser.parse_args()

    hcps, npis, reader, writer = prepare(args.data_dir)
    keys_by_op = {name: reader for name, _ in MIX} | {"write": writer}
    total = int(args.rate * args.seconds)
    report = {
        "data_dir": str(args.data_dir),
        "hcps": len(hcps),
        "npis": len(npis),
        "rate": args.rate,
        "seconds": args.seconds,
        "connections": args.connections,
        "runs": [],
    }
    for workers in (int(w) for w in args.workers.split(",")):
        server, port = serve(args.data_dir, workers)
        try:
            run = f"{int(time.time())}-w{workers}"
            drive(port, plan(hcps, npis, 200, args.seed + 99, run + "-warm"), keys_by_op, 50, 16)
            load_before = os.getloadavg()[0]
            result = drive(
                port,
                plan(hcps, npis, total, args.seed, run),
                keys_by_op,
                args.rate,
                args.connections,
            )
        finally:
            stop(server)
        result |= {
            "workers": workers,
            "load_avg_before": round(load_before, 2),
            "load_avg_after": round(os.getloadavg()[0], 2),
        }
        report["runs"].append(result)
        if not args.json:
            print(json.dumps(result), file=sys.stderr, flush=True)
    if args.json:
        print(json.dumps(report, indent=2))
        return
    print(
        f"demo store: {len(hcps):,} HCPs ({len(npis):,} with an NPI); "
        f"{args.rate:.0f} req/s for {args.seconds:.0f} s, "
        f"{args.connections} connections; mix " + ", ".join(f"{m} {w:.0%}" for m, w in MIX)
    )
    print(
        "| workers | requests | achieved req/s | served | shed (429/503) | errors | p50 ms "
        "| p99 ms | served p99 ms | max ms | load avg before/after |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    for r in report["runs"]:
        print(
            f"| {r['workers']} | {r['requests']:,} | {r['achieved_rps']} | {r['served']:,} | "
            f"{r['shed']} | {r['errors']} | {r['p50_ms']} | {r['p99_ms']} | "
            f"{r['served_p99_ms']} | {r['max_ms']} | {r['load_avg_before']} / "
            f"{r['load_avg_after']} |"
        )


if __name__ == "__main__":
    main()
