"""Batched write throughput into the embedded FalkorDB: nodes/s and relationships/s.

Usage: python benchmarks/store_write.py [--rows 100000 1000000] [--batch 5000]
Each size runs in a fresh data directory with the default (fsync always) policy.
"""

from __future__ import annotations

import argparse
import random
import resource
import tempfile
import time
from pathlib import Path

from kolgraph.config import Settings
from kolgraph.store import open_store


def _server_rss_mb(pid: int | None) -> float:
    if pid is None:
        return float("nan")
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def measure(rows: int, batch: int, fsync: str) -> dict[str, float]:
    with tempfile.TemporaryDirectory(prefix="kg-bench-") as tmp:
        store = open_store(Settings(data_dir=Path(tmp), appendfsync=fsync, batch_size=batch))
        try:
            store.apply_schema()
            rng = random.Random(7)
            nodes = (
                {
                    "id": f"npi:{1000000000 + i}",
                    "props": {
                        "npi": str(1000000000 + i),
                        "name": f"HCP {i}",
                        "source": "bench",
                        "loaded_at": "2026-01-01T00:00:00+00:00",
                    },
                }
                for i in range(rows)
            )
            t0 = time.perf_counter()
            store.upsert_nodes("HCP", nodes)
            node_s = time.perf_counter() - t0
            rels = (
                {
                    "start": f"npi:{1000000000 + i}",
                    "end": f"npi:{1000000000 + rng.randrange(rows)}",
                    "props": {"pair_count": rng.randrange(11, 500), "source": "bench"},
                }
                for i in range(rows)
            )
            t0 = time.perf_counter()
            store.upsert_relationships("HCP", "REFERS_TO", "HCP", rels)
            rel_s = time.perf_counter() - t0
            counts = store.counts()
            server_mb = _server_rss_mb(store.server.pid())  # type: ignore[attr-defined]
        finally:
            store.close()
            store.server.stop()  # type: ignore[attr-defined]
    return {
        "rows": rows,
        "nodes_per_s": rows / node_s,
        "rels_per_s": rows / rel_s,
        "node_seconds": node_s,
        "rel_seconds": rel_s,
        "hcp_count": counts["nodes"]["HCP"],
        "client_peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "server_peak_mb": server_mb,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--batch", type=int, default=5000)
    parser.add_argument("--fsync", default="always", choices=["always", "everysec", "no"])
    args = parser.parse_args()
    print("| rows | batch | fsync | nodes/s | relationships/s | server peak RSS |")
    print("|---:|---:|---|---:|---:|---:|")
    for rows in args.rows:
        r = measure(rows, args.batch, args.fsync)
        assert r["hcp_count"] == rows
        print(
            f"| {rows:,} | {args.batch:,} | {args.fsync} | {r['nodes_per_s']:,.0f} | "
            f"{r['rels_per_s']:,.0f} | {r['server_peak_mb']:,.0f} MB |",
            flush=True,
        )


if __name__ == "__main__":
    main()
