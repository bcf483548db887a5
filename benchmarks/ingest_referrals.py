"""End-to-end referral ingest: rows/s and memory for a generated DocGraph-style file.

Usage: python benchmarks/ingest_referrals.py [--rows 1000000] [--batch 2000] [--fsync everysec]
       [--backends falkordb neo4j]

Generates ``npi_1,npi_2,pair_count,bene_count,same_day_count`` rows (no header, as CMS
ships them; ~rows/8 distinct NPIs with a skewed degree distribution, about one row in
2,000 malformed) and runs ``run_ingest`` with the referrals loader into a fresh store of
each backend (``backends.py``: the embedded FalkorDB, a Neo4j started for the run).
Reports rows/s end to end (parse, validate, batch, MERGE, checkpoints), the loader
process's RSS over the run (sampled every 0.5 s) and peak, and the server's peak RSS.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import tempfile
import threading
import time
from pathlib import Path

from backends import add_backend_args, backend, server_rss_mb

from kolgraph.ingest import run_ingest
from kolgraph.ingest.referrals import ReferralLoader
from kolgraph.store import open_store


def write_referrals(path: Path, rows: int, seed: int = 3) -> int:
    """Write ``rows`` referral rows; return how many are malformed on purpose."""
    rng = random.Random(seed)
    n_npis = max(rows // 8, 10)
    npis = [str(1000000000 + rng.randrange(9_000_000_000)) for _ in range(n_npis)]
    bad = 0
    with path.open("w") as out:
        for i in range(rows):
            a = npis[int(n_npis * rng.random() ** 2)]  # busy referrers refer more
            b = npis[rng.randrange(n_npis)]
            pair = rng.randrange(11, 2000)
            if i % 2000 == 1999:
                out.write(f"{a},{b},n/a,{pair},0\n")
                bad += 1
            else:
                out.write(f"{a},{b},{pair},{rng.randrange(11, pair + 1)},{rng.randrange(0, 11)}\n")
    return bad


def _rss_mb(pid: str = "self", field: str = "VmRSS") -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def measure(
    rows: int, batch: int, fsync: str, name: str, args: argparse.Namespace
) -> dict[str, float | str]:
    with tempfile.TemporaryDirectory(prefix="kg-bench-ref-") as tmp:
        data = Path(tmp)
        path = data / "referrals.csv"
        bad = write_referrals(path, rows)
        samples: list[tuple[float, float]] = []
        stop = threading.Event()

        def sample() -> None:
            while not stop.is_set():
                samples.append((time.perf_counter(), _rss_mb()))
                stop.wait(0.5)

        with backend(name, data / "kg", args) as settings:
            settings = settings.model_copy(update={"appendfsync": fsync})
            store = open_store(settings)
            try:
                store.apply_schema()
                sampler = threading.Thread(target=sample, daemon=True)
                t0 = time.perf_counter()
                sampler.start()
                summary = run_ingest(
                    store, ReferralLoader(), path, rejects_dir=data / "rejects", batch_size=batch
                )
                seconds = time.perf_counter() - t0
                stop.set()
                sampler.join()
                counts = store.counts()
                server_mb = server_rss_mb(settings, "VmHWM")
            finally:
                store.close()
    quarter = max(len(samples) // 4, 1)
    return {
        "backend": name,
        "rows": rows,
        "seconds": round(seconds, 1),
        "rows_per_s": round(rows / seconds),
        "read": summary.read,
        "loaded": summary.loaded,
        "rejected": summary.rejected,
        "expected_rejected": bad,
        "duplicates": summary.duplicates,
        "refers_to": counts["relationships"].get("REFERS_TO", 0),
        "hcps": counts["nodes"].get("HCP", 0),
        "loader_rss_first_quarter_mb": round(max(s[1] for s in samples[:quarter]), 1),
        "loader_rss_last_quarter_mb": round(max(s[1] for s in samples[-quarter:]), 1),
        "loader_peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "server_peak_mb": round(server_mb, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[1_000_000])
    parser.add_argument("--batch", type=int, default=2000)
    parser.add_argument("--fsync", default="everysec", choices=["always", "everysec", "no"])
    add_backend_args(parser)
    args = parser.parse_args()
    for rows in args.rows:
        for name in args.backends:
            print(
                json.dumps(measure(rows, args.batch, args.fsync, name, args)),  # noqa: T201
                flush=True,
            )


if __name__ == "__main__":
    main()
