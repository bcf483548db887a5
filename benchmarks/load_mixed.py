"""Sustained mixed load on a real service: lookups, profile reads and engagement writes.

Starts the embedded store and ``uvicorn`` (one process) on 127.0.0.1 with seeded HCPs,
then drives it from a SECOND process (this script's worker processes, one per client)
for ``--minutes``. Reports throughput, p50/p99 latency per operation, errors (target 0)
and the server's resident memory at the start and end of the run (target flat).

    python benchmarks/load_mixed.py --minutes 10 --clients 4
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the checkout's tests
from tests.reliability.liveserver import engagement, live_api, npi  # noqa: E402

N_HCPS = 2000
MIX = (("lookup", 0.45), ("profile", 0.35), ("write", 0.20))


def _client(url: str, key: str, seconds: float, seed: int, out: mp.Queue) -> None:
    rng = random.Random(seed)
    latencies: dict[str, list[float]] = {name: [] for name, _ in MIX}
    errors: dict[str, int] = {}
    deadline = time.monotonic() + seconds
    i = 0
    with httpx.Client(base_url=url, headers={"X-API-Key": key}, timeout=30) as client:
        while time.monotonic() < deadline:
            op = rng.choices([m for m, _ in MIX], [w for _, w in MIX])[0]
            hcp = rng.randrange(N_HCPS)
            start = time.perf_counter()
            try:
                if op == "lookup":
                    r = client.get("/hcps/lookup", params={"npi": npi(hcp)})
                elif op == "profile":
                    r = client.get(f"/hcps/npi:{npi(hcp)}")
                else:
                    i += 1
                    r = client.post(
                        "/engagements",
                        json=engagement(
                            f"load-{seed}-{i}", hcp, day=1 + i % 28, notes="follow-up", cost=25.0
                        ),
                    )
                ok = r.status_code < 400
                code = str(r.status_code)
            except httpx.HTTPError as exc:
                ok, code = False, type(exc).__name__
            latencies[op].append(time.perf_counter() - start)
            if not ok:
                errors[code] = errors.get(code, 0) + 1
    out.put((latencies, errors))


def _pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--appendfsync", default="always", choices=["always", "everysec"])
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    seconds = args.minutes * 60
    with (
        tempfile.TemporaryDirectory() as tmp,
        live_api(Path(tmp) / "kg", appendfsync=args.appendfsync, n_hcps=N_HCPS) as api,
    ):
        # Warm up, then sample the server's memory every 10 s while the clients run.
        for k in range(200):
            httpx.get(
                f"{api.url}/hcps/lookup",
                params={"npi": npi(k)},
                headers={"X-API-Key": api.keys["admin"]},
            )
        ctx = mp.get_context("spawn")
        out: mp.Queue = ctx.Queue()
        workers = [
            ctx.Process(target=_client, args=(api.url, api.keys["admin"], seconds, n, out))
            for n in range(args.clients)
        ]
        started = time.monotonic()
        for w in workers:
            w.start()
        rss = [api.server_rss_kib()]
        while any(w.is_alive() for w in workers) and time.monotonic() - started < seconds + 60:
            time.sleep(10)
            rss.append(api.server_rss_kib())
        results = [out.get(timeout=120) for _ in workers]
        for w in workers:
            w.join()
        elapsed = time.monotonic() - started
    merged = {name: [x for lat, _ in results for x in lat[name]] for name, _ in MIX}
    errors: dict[str, int] = {}
    for _, errs in results:
        for k, v in errs.items():
            errors[k] = errors.get(k, 0) + v
    total = sum(len(v) for v in merged.values())
    third = max(1, len(rss) // 3)
    report = {
        "minutes": args.minutes,
        "clients": args.clients,
        "appendfsync": args.appendfsync,
        "requests": total,
        "throughput_rps": round(total / elapsed, 1),
        "errors": errors,
        "error_count": sum(errors.values()),
        "latency_ms": {
            name: {"n": len(v), "p50": round(_pct(v, 0.5), 2), "p99": round(_pct(v, 0.99), 2)}
            for name, v in merged.items()
        },
        "all_p50_ms": round(_pct([x for v in merged.values() for x in v], 0.5), 2),
        "all_p99_ms": round(_pct([x for v in merged.values() for x in v], 0.99), 2),
        "server_rss_mib": {
            "start": round(rss[0] / 1024, 1),
            "end": round(rss[-1] / 1024, 1),
            "first_third_median": round(statistics.median(rss[:third]) / 1024, 1),
            "last_third_median": round(statistics.median(rss[-third:]) / 1024, 1),
        },
    }
    print(json.dumps(report, indent=None if args.json else 2))


if __name__ == "__main__":
    main()
