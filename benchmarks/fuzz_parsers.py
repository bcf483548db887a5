"""Longer fuzzing of every loader's parser: parse, or refuse with IngestError, nothing else.

    python benchmarks/fuzz_parsers.py --seconds 60          # per loader

Prints, per loader, examples run, how many parsed / were refused, and any crash
(an exception other than IngestError) with the mutation that caused it.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import traceback
from pathlib import Path

from hypothesis import HealthCheck, given, settings

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the checkout's tests
from tests.fuzz.parsers import _mutate, fuzzable, mutations, parse_or_refuse, seed_bytes  # noqa: E402


def fuzz(source: str, seconds: float) -> dict[str, object]:
    seed = seed_bytes(source)
    stats = {"examples": 0, "parsed": 0, "refused": 0, "crashes": []}
    deadline = time.monotonic() + seconds

    @settings(
        max_examples=100, deadline=None, database=None, suppress_health_check=list(HealthCheck)
    )
    @given(mutations)
    def target(ops):  # noqa: ANN001, ANN202
        if time.monotonic() > deadline:
            return
        stats["examples"] += 1
        try:
            outcome = parse_or_refuse(source, _mutate(seed, ops))
        except Exception as exc:  # noqa: BLE001 - a crash is what we are looking for
            stats["crashes"].append(
                {
                    "ops": ops,
                    "error": repr(exc)[:300],
                    "where": traceback.format_exc().splitlines()[-3][:200],
                }
            )
            return
        stats["refused" if outcome == "refused" else "parsed"] += 1

    while time.monotonic() < deadline:
        target()
    return stats


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0, help="per loader")
    parser.add_argument("--only", nargs="*", default=None)
    args = parser.parse_args()
    report = {s: fuzz(s, args.seconds) for s in (args.only or fuzzable())}
    print(json.dumps(report, indent=1, default=str))
    sys.exit(1 if any(r["crashes"] for r in report.values()) else 0)


if __name__ == "__main__":
    main()
