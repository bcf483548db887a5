"""Write latency of the API under each append-only fsync policy (always vs everysec).

For each policy: a fresh store and uvicorn on 127.0.0.1, then ``--writes`` single
engagement posts from 1 client and from 4 concurrent clients; p50/p99 in ms.

    python benchmarks/load_fsync.py --writes 400
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the checkout's tests
from tests.reliability.liveserver import engagement, live_api  # noqa: E402


def _post_many(url: str, key: str, prefix: str, n: int) -> list[float]:
    out = []
    with httpx.Client(base_url=url, headers={"X-API-Key": key}, timeout=60) as client:
        for i in range(n):
            start = time.perf_counter()
            r = client.post("/engagements", json=engagement(f"{prefix}-{i}", i % 40))
            out.append(time.perf_counter() - start)
            assert r.status_code == 201, r.text
    return out


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000, 2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--writes", type=int, default=400)
    args = parser.parse_args()
    report = {}
    for policy in ("always", "everysec"):
        with (
            tempfile.TemporaryDirectory() as tmp,
            live_api(Path(tmp) / "kg", appendfsync=policy, n_hcps=40) as api,
        ):
            _post_many(api.url, api.keys["crm"], "warm", 50)
            one = _post_many(api.url, api.keys["crm"], "one", args.writes)
            started = time.perf_counter()
            with ThreadPoolExecutor(4) as pool:
                many = [
                    x
                    for part in pool.map(
                        lambda k: _post_many(api.url, api.keys["crm"], f"c{k}", args.writes // 4),
                        range(4),
                    )
                    for x in part
                ]
            elapsed = time.perf_counter() - started
        report[policy] = {
            "1 client": {"p50_ms": _pct(one, 0.5), "p99_ms": _pct(one, 0.99)},
            "4 clients": {
                "p50_ms": _pct(many, 0.5),
                "p99_ms": _pct(many, 0.99),
                "writes_per_s": round(len(many) / elapsed, 1),
            },
        }
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
