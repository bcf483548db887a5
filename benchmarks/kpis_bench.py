"""KPIs over a large CRM: counted in the database against every row sent to the client.

Usage: python benchmarks/kpis_bench.py [--engagements 1000000] [--hcps 100000] [--data-dir DIR]

Seeds the embedded store like ``api_profile_load.py`` (engagements spread over two years;
a store that already holds them is reused), then times :func:`kolgraph.krm.kpis.kpis` for
the last 12 months, all departments and one department, against the way it used to work:
one row per engagement sent to the client and counted there (the same filters, the row
count alone; the counting itself is left out, so the baseline is flattered). The two run
alternately, three times each, in one process; the medians are printed as JSON.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from datetime import date, timedelta
from pathlib import Path

from api_profile_load import generate

from kolgraph.config import Settings
from kolgraph.krm.access import Viewer
from kolgraph.krm.kpis import kpis
from kolgraph.krm.policy import KrmPolicy
from kolgraph.store import open_store

ROWS = """
MATCH (e:Engagement)
WHERE e.date >= $period_start AND e.date <= $period_end
  AND ($department IS NULL OR e.department = $department)
MATCH (e)-[:WITH_HCP]->(h:HCP)
OPTIONAL MATCH (e)-[:BY]->(m:Employee)
RETURN e.id AS id, e.type AS type, e.date AS date, e.department AS department,
       e.employee_id AS employee_id, e.outcome AS outcome, e.notes AS notes,
       e.objective AS objective, size(coalesce(e.key_messages, [])) AS key_messages,
       e.lat AS lat, e.lon AS lon, h.id AS hcp_id, h.lat AS hcp_lat, h.lon AS hcp_lon,
       h.segment AS segment
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=Path("/tmp/kolgraph-bench"))
    parser.add_argument("--hcps", type=int, default=100_000)
    parser.add_argument("--engagements", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()
    viewer, policy = Viewer("bench", "krm_manager", "marketing"), KrmPolicy()
    end = date.today()
    start = end - timedelta(days=365)
    result: dict[str, object] = {"engagements_in_store": args.engagements}
    with open_store(Settings(data_dir=args.data_dir, appendfsync="everysec")) as store:
        generate(store, args.hcps, args.engagements, args.seed)
        for department in (None, "sales"):
            in_db: list[float] = []
            to_client: list[float] = []
            for _ in range(3):
                t = time.perf_counter()
                k = kpis(
                    store, viewer, policy, period_start=start, period_end=end, department=department
                )
                in_db.append(time.perf_counter() - t)
                t = time.perf_counter()
                rows = store.execute(
                    ROWS,
                    {
                        "period_start": start.isoformat(),
                        "period_end": end.isoformat(),
                        "department": department,
                    },
                )
                to_client.append(time.perf_counter() - t)
                assert len(rows) == k.engagements
            name = department or "all_departments"
            result[name] = {
                "engagements_in_period": k.engagements,
                "kpis_in_database_s": round(statistics.median(in_db), 2),
                "rows_to_client_s": round(statistics.median(to_client), 2),
                "speedup": round(statistics.median(to_client) / statistics.median(in_db), 1),
            }
            print(json.dumps({name: result[name]}), flush=True)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
