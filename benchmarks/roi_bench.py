"""Return on engagement over a large CRM: the report grouped in one pass, against the old scans.

Usage: python benchmarks/roi_bench.py [--engagements 1000000] [--hcps 100000] [--data-dir DIR]

Seeds the embedded store like ``api_profile_load.py`` (engagements spread over two years;
a store that already holds them is reused), then times
:func:`kolgraph.analytics.roi.return_on_engagement` for the last 365 days (compared with
the 365 before: every engagement in the store) and, on a short window that the previous
implementation (one scan of every row per KOL, kept in the tests as the oracle) can still
finish, both of them in the same run. Prints one JSON object: wall seconds, and the CPU
seconds of this process and of the FalkorDB server during the full-year report (on a shared
machine their sum is the steadier figure: the report runs in one, then the other).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from datetime import date
from pathlib import Path

from api_profile_load import generate

from kolgraph.analytics.roi import return_on_engagement
from kolgraph.config import Settings
from kolgraph.store import open_store

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.analytics.test_roi_oracle import old_return_on_engagement  # noqa: E402


def server_cpu(pid: int | None) -> float:
    """CPU seconds (user + system) the process ``pid`` has used; 0.0 without /proc."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=Path("/tmp/kolgraph-bench"))
    parser.add_argument("--hcps", type=int, default=100_000)
    parser.add_argument("--engagements", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--short-days", type=int, default=7)
    args = parser.parse_args()
    today = date.today()
    result: dict[str, object] = {"engagements_in_store": args.engagements}
    with open_store(Settings(data_dir=args.data_dir, appendfsync="everysec")) as store:
        generate(store, args.hcps, args.engagements, args.seed)
        pid = store.server.pid()
        t, cpu, server = time.perf_counter(), time.process_time(), server_cpu(pid)
        report = return_on_engagement(store, until=today, days=365)
        result["full_year"] = {
            "seconds": round(time.perf_counter() - t, 2),
            "cpu_seconds": round(time.process_time() - cpu, 2),
            "server_cpu_seconds": round(server_cpu(pid) - server, 2),
            "load_average": round(os.getloadavg()[0], 1),
            "engagements_in_window": sum(d["engagements"] for d in report["departments"]),
            "kols_rows": len(report["kols"]),
        }
        print(json.dumps(result), flush=True)
        for name, fn in (
            ("grouped", return_on_engagement),
            ("per_kol_scan", old_return_on_engagement),
        ):
            t = time.perf_counter()
            short = fn(store, until=today, days=args.short_days)
            result[f"short_window_{name}_s"] = round(time.perf_counter() - t, 2)
            result["short_window_engagements"] = sum(d["engagements"] for d in short["departments"])
    print(json.dumps(result))


if __name__ == "__main__":
    main()
