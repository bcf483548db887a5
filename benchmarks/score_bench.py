"""Benchmark the full scoring run on generated KOL-like networks, next to plain NetworkX.

The generator builds a heavy-tailed, community-structured graph: Zipf-sized communities,
Pareto expected degrees (exponent 2.1), 80% of ties inside a community, log-normal tie
weights. Every HCP also gets heavy-tailed activity, prescribing potential, engagement
outcomes, a place and five years of output, so the run exercises every step of
:func:`kolgraph.scoring.pipeline.assemble` (metrics, communities, roles, reach, spread,
portfolios, composite, tiers, scope, rising stars). Each phase runs in its own process so
its peak memory (``ru_maxrss``) is its own.

Usage::

    python benchmarks/score_bench.py --nodes 100000 --edges 1000000 --baseline
    nice -n 19 python benchmarks/score_bench.py --nodes 1000000 --edges 10000000
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from typing import Any

import numpy as np
import pandas as pd


def generate(n: int, m: int, seed: int = 0) -> tuple[list[str], np.ndarray, np.ndarray, np.ndarray]:
    """Node ids and (src, dst, weight) of a heavy-tailed community-structured graph."""
    rng = np.random.default_rng(seed)
    n_comm = max(2, n // 200)
    zipf = 1.0 / np.arange(1, n_comm + 1) ** 0.8
    comm = rng.choice(n_comm, size=n, p=zipf / zipf.sum())
    expected = rng.pareto(1.1, n) + 1.0  # degree tail exponent ~2.1
    order = np.argsort(comm, kind="stable")
    sorted_comm = comm[order]
    cum = np.cumsum(expected[order])
    starts = np.searchsorted(sorted_comm, np.arange(n_comm), side="left")
    ends = np.searchsorted(sorted_comm, np.arange(n_comm), side="right")
    before = np.where(starts > 0, cum[np.maximum(starts - 1, 0)], 0.0)
    totals = np.where(ends > starts, cum[np.maximum(ends - 1, 0)] - before, 0.0)
    keys = np.zeros(0, dtype=np.int64)
    want = int(m * 1.2)
    while keys.shape[0] < m:
        inside = rng.random(want) < 0.8
        pick_c = rng.choice(n_comm, size=want, p=totals / totals.sum())
        ends_ = []
        for _ in range(2):
            local = before[pick_c] + rng.random(want) * totals[pick_c]
            glob = rng.random(want) * cum[-1]
            target = np.where(inside, local, glob)
            ends_.append(order[np.minimum(np.searchsorted(cum, target), n - 1)])
        src, dst = ends_
        lo, hi = np.minimum(src, dst), np.maximum(src, dst)
        keep = lo != hi
        keys = np.unique(np.concatenate([keys, lo[keep].astype(np.int64) * n + hi[keep]]))
        want = int((m - keys.shape[0]) * 1.5) + 1000
    key = keys
    key = rng.permutation(key)[:m]
    key.sort()
    src, dst = key // n, key % n
    weight = np.round(rng.lognormal(0.0, 0.7, src.shape[0]), 3) + 0.05
    return [f"hcp:{i}" for i in range(n)], src, dst, weight


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def _cpu_s() -> float:
    """CPU seconds of this process: on a busy shared machine, the figure wall time hides."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def fast(n: int, m: int, seed: int) -> dict[str, Any]:
    """The full kolgraph scoring run on arrays."""
    from kolgraph.scoring.edges import EdgeArrays
    from kolgraph.scoring.params import ScoringParams
    from kolgraph.scoring.pipeline import assemble

    t0 = time.perf_counter()
    nodes, src, dst, weight = generate(n, m, seed)
    t_gen = time.perf_counter() - t0
    rng = np.random.default_rng(seed + 1)
    idx = pd.Index(nodes)
    raw = pd.DataFrame(
        {
            "scientific": np.log1p(rng.pareto(1.5, n) * (rng.random(n) < 0.6)),
            "congress": np.log1p(rng.pareto(2.0, n) * (rng.random(n) < 0.2)),
            "trials": np.log1p(rng.pareto(2.0, n) * (rng.random(n) < 0.05)),
        },
        index=idx,
    )
    potential = pd.Series(rng.random(n), index=idx)
    coop = pd.DataFrame({"cooperation": rng.beta(2, 2, n)}, index=idx)
    years = np.repeat(np.arange(2019, 2024), n)
    series = pd.DataFrame(
        {
            "hcp": np.tile(np.asarray(nodes, dtype=object), 5),
            "year": years,
            "output": rng.pareto(2.0, 5 * n),
            "centrality": rng.pareto(2.0, 5 * n),
            "papers": rng.poisson(1.0, 5 * n),
        }
    )
    series = series[series["papers"] > 0]
    t1 = time.perf_counter()
    cpu0 = _cpu_s()
    arrays = EdgeArrays.from_arrays(nodes, src, dst, weight)
    referral_mask = rng.random(src.shape[0]) < 0.1
    referral = EdgeArrays.from_arrays(
        nodes, src[referral_mask], dst[referral_mask], weight[referral_mask] * 10, directed=True
    )
    arrays.igraph()
    t_build = time.perf_counter() - t1
    from kolgraph.scoring.scope import scope_frame

    t2 = time.perf_counter()
    cities = rng.integers(0, 500, n)
    where = {
        h: (f"c{c}", f"s{c // 10}", f"k{c // 100}")
        for h, c in zip(nodes, cities.tolist(), strict=True)
    }
    scope = scope_frame(
        nodes,
        where,
        [arrays, referral],
        pd.DataFrame(columns=["hcp", "congress_scope", "congress_country"]),
        0.25,
    )
    t_scope = time.perf_counter() - t2
    t3 = time.perf_counter()
    result = assemble(
        nodes,
        arrays,
        ScoringParams(),
        referral=referral,
        raw_activity=raw,
        potential=potential,
        coop=coop,
        scope=scope,
        series=series,
        reference=2023,
    )
    t_score = time.perf_counter() - t3
    return {
        "phase": "kolgraph",
        "nodes": n,
        "edges": int(src.shape[0]),
        "generate_s": t_gen,
        "build_s": t_build,
        "scope_s": t_scope,
        "assemble_s": t_score,
        "total_s": t_build + t_scope + t_score,
        "total_cpu_s": _cpu_s() - cpu0,
        "peak_mb": _peak_mb(),
        "steps": {k: round(v, 2) for k, v in result.timings.items()},
        "info": {
            k: result.info[k]
            for k in (
                "betweenness_sources",
                "harmonic_sources",
                "n_communities",
                "modularity",
                "reach_2_method",
            )
        },
    }


def baseline(n: int, m: int, seed: int, bt_sources: int) -> dict[str, Any]:
    """Plain NetworkX on the same graph: build, PageRank, Louvain, sampled betweenness."""
    import networkx as nx

    nodes, src, dst, weight = generate(n, m, seed)
    cpu0 = _cpu_s()
    steps: dict[str, float] = {}
    t = time.perf_counter()
    graph = nx.Graph()
    graph.add_nodes_from(nodes)
    graph.add_weighted_edges_from(
        zip(
            [nodes[i] for i in src.tolist()],
            [nodes[i] for i in dst.tolist()],
            weight.tolist(),
            strict=True,
        )
    )
    steps["build"] = time.perf_counter() - t
    t = time.perf_counter()
    nx.pagerank(graph, weight="weight")
    steps["pagerank"] = time.perf_counter() - t
    t = time.perf_counter()
    nx.community.louvain_communities(graph, weight="weight", seed=seed)
    steps["louvain"] = time.perf_counter() - t
    t = time.perf_counter()
    nx.betweenness_centrality(graph, k=bt_sources, seed=seed, weight="weight")
    measured = time.perf_counter() - t
    steps[f"betweenness_{bt_sources}_sources"] = measured
    steps["betweenness_256_sources_extrapolated"] = measured * 256 / bt_sources
    total = (
        steps["build"]
        + steps["pagerank"]
        + steps["louvain"]
        + steps["betweenness_256_sources_extrapolated"]
    )
    return {
        "phase": "networkx",
        "nodes": n,
        "edges": int(src.shape[0]),
        "steps": {k: round(v, 2) for k, v in steps.items()},
        "total_s": total,
        "cpu_s_measured_steps": _cpu_s() - cpu0,
        "peak_mb": _peak_mb(),
    }


def _child(args: list[str]) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, __file__, *args], capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--nodes", type=int, default=100_000)
    parser.add_argument("--edges", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--baseline", action="store_true", help="also run plain NetworkX")
    parser.add_argument(
        "--bt-sources",
        type=int,
        default=8,
        help="sources NetworkX's betweenness really runs (extrapolated to 256)",
    )
    parser.add_argument("--phase", choices=["kolgraph", "networkx"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    common = ["--nodes", str(args.nodes), "--edges", str(args.edges), "--seed", str(args.seed)]
    if args.phase == "kolgraph":
        print(json.dumps(fast(args.nodes, args.edges, args.seed)))
        return
    if args.phase == "networkx":
        print(json.dumps(baseline(args.nodes, args.edges, args.seed, args.bt_sources)))
        return
    results = [_child([*common, "--phase", "kolgraph"])]
    print(json.dumps(results[-1]), flush=True)
    if args.baseline:
        results.append(
            _child([*common, "--phase", "networkx", "--bt-sources", str(args.bt_sources)])
        )
        print(json.dumps(results[-1]), flush=True)
        ratio = results[1]["total_s"] / results[0]["total_s"]
        print(json.dumps({"speedup_vs_networkx": round(ratio, 1)}))


if __name__ == "__main__":
    main()
