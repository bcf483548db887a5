"""Precision and recall of the field-activity checks on a synthetic field force with
planted fabrication (tests/factories/field_force.py), plus the time the analysis takes.

    python benchmarks/field_activity_detector.py --employees 40 --fabricators 8 --months 6
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

from kolgraph.analytics.fabrication import suspicious_activity
from kolgraph.analytics.field_activity import FieldActivityParams
from kolgraph.config import Settings
from kolgraph.store import EmbeddedFalkorDB, open_store

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the checkout's test factories
from tests.factories.field_force import (  # noqa: E402
    detection_quality,
    field_force,
    seed_field_force,
)


def evaluate(employees: int, fabricators: int, months: int, seed: int) -> dict[str, object]:
    """Seed a fresh embedded store, run the checks, score them against the planted truth."""
    data = field_force(n_employees=employees, n_fabricators=fabricators, months=months, seed=seed)
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(data_dir=Path(tmp))
        try:
            with open_store(settings) as store:
                store.apply_schema()
                seed_field_force(store, data)
                first, last = data["period"]
                started = time.perf_counter()
                report = suspicious_activity(
                    store,
                    until=last,
                    params=FieldActivityParams(days=(last - first).days + 1, seed=seed),
                )
                seconds = time.perf_counter() - started
        finally:
            EmbeddedFalkorDB(settings.data_dir).stop()
    population = {f"E{i:03d}" for i in range(employees)}
    planted = set(data["planted"])
    rows = report["periods"]
    by_rules = {r["employee_id"] for r in rows if r["rules"]}
    by_forest = {r["employee_id"] for r in rows if r["detector_flag"]}
    combined = {e["employee_id"] for e in report["employees"]}
    planted_periods = {(r["employee_id"], r["period"]) for r in rows if r["employee_id"] in planted}
    flagged_periods = {(r["employee_id"], r["period"]) for r in rows if r["flagged"]}
    return {
        "employees": employees,
        "fabricators": fabricators,
        "months": months,
        "seed": seed,
        "engagements": len(data["engagements"]),
        "seconds": round(seconds, 2),
        "rules": detection_quality(by_rules, planted, population),
        "isolation_forest": detection_quality(by_forest, planted, population),
        "combined": detection_quality(combined, planted, population),
        "combined_periods": detection_quality(
            {f"{e}|{p}" for e, p in flagged_periods},
            {f"{e}|{p}" for e, p in planted_periods},
            {f"{r['employee_id']}|{r['period']}" for r in rows},
        ),
        "missed": {e: data["planted"][e] for e in planted - combined},
        "false_alarms": {e: data["hard_cases"].get(e, "") for e in combined - planted},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--employees", type=int, default=40)
    parser.add_argument("--fabricators", type=int, default=8)
    parser.add_argument("--months", type=int, default=6)
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    args = parser.parse_args()
    for seed in args.seeds:
        print(json.dumps(evaluate(args.employees, args.fabricators, args.months, seed)))


if __name__ == "__main__":
    main()
