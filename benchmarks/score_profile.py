"""Per-step wall time of ``kolgraph score --json`` on an existing store.

Runs the real command in this process (``kolgraph.cli.main``) with timers wrapped around
the steps of a run: the store reads, each projection, the activity evidence (``_top``),
the graph algorithms, the explanations and the write-back. Wrapping is cheap (a few
calls per step), unlike a tracing profiler that would inflate the per-row Python loops
it measures. Prints one JSON object: seconds per step, total, and peak RSS of this
process.

Usage::

    python benchmarks/score_profile.py --data-dir DIR   # a store made by ingest_pubmed.py
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import importlib
import io
import json
import resource
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

STEPS: dict[str, float] = {}
INNER: dict[str, float] = {}  # the run's own step timings (ScoreResult.timings)


def _timed(name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            STEPS[name] = STEPS.get(name, 0.0) + time.perf_counter() - start

    return wrapper


def _patch(module: Any, attr: str, name: str | None = None) -> None:
    if hasattr(module, attr):
        setattr(module, attr, _timed(name or attr, getattr(module, attr)))


def install() -> None:
    """Wrap the steps of a scoring run with timers (where the caller looks them up)."""
    import kolgraph.cli.score_cmds as score_cmds
    import kolgraph.scoring.activity as activity
    import kolgraph.scoring.pipeline as pipeline
    import kolgraph.scoring.projection as projection
    import kolgraph.scoring.runs as runs

    _patch(projection, "load_scoring_data", "store reads (load_scoring_data)")
    for attr in ("coauthorship_ties", "referral_edges", "congress_ties", "combined_ties"):
        _patch(projection, attr, f"projection.{attr}")
    projection.Layers.arrays = _timed("projection: Layers.arrays", projection.Layers.arrays)
    _patch(pipeline, "project_layers", "projection (all, incl. store reads)")
    _patch(activity, "_top", "activity._top")
    _patch(pipeline, "activity", "activity (all, incl. _top)")
    _patch(pipeline, "network_scores", "graph algorithms (network_scores)")
    _patch(runs, "explanations", "explain.explanations")
    explain = importlib.import_module("kolgraph.scoring.reasons")

    _patch(explain, "strongest_ties", "explain.strongest_ties")
    score_cmds.write_run = _timed("write_run (incl. explanations)", score_cmds.write_run)
    _patch(runs, "data_version", "write_run: data_version")
    from kolgraph.store.base import GraphStore

    write = GraphStore.write

    def timed_write(self: Any, name: str, rows: Any, *args: Any, **kwargs: Any) -> int:
        label = (
            f"write_run: {name} {args[0]['label']}"
            if args and isinstance(args[0], dict) and "label" in args[0]
            else f"write_run: {name}"
        )
        return _timed(label, write)(self, name, rows, *args, **kwargs)

    GraphStore.write = timed_write  # type: ignore[method-assign]
    scored = score_cmds.score_hcps

    def keep_timings(*args: Any, **kwargs: Any) -> Any:
        result = scored(*args, **kwargs)
        INNER.update(result.timings)
        return result

    score_cmds.score_hcps = _timed("score_hcps (incl. reads)", keep_timings)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir", type=Path, required=True)
    args = parser.parse_args()
    start = time.perf_counter()
    from kolgraph.cli import main as cli_main

    install()
    imported = time.perf_counter() - start
    out = io.StringIO()
    start = time.perf_counter()
    with contextlib.redirect_stdout(out):
        code = cli_main(["score", "--json", "--data-dir", str(args.data_dir)])
    total = time.perf_counter() - start
    summary = json.loads(out.getvalue()) if code == 0 else {"error": out.getvalue()}
    print(
        json.dumps(
            {
                "exit": code,
                "import_s": round(imported, 2),
                "command_s": round(total, 1),
                "steps_s": {
                    k: round(v, 2) for k, v in sorted(STEPS.items(), key=lambda kv: -kv[1])
                },
                "inside_score_hcps_s": {k: round(v, 2) for k, v in INNER.items()},
                "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
                "n_hcps": summary.get("n_hcps"),
                "n_communities": summary.get("n_communities"),
            },
            indent=1,
        )
    )


if __name__ == "__main__":
    main()
