"""``kolgraph score`` end to end: a generated graph in the embedded store, scored by the command.

Usage::

    python benchmarks/score_e2e.py --hcps 100000 --ties 1000000 [--data-dir DIR]

Generates the heavy-tailed, community-structured network of ``score_bench.py`` and loads
it into an embedded FalkorDB as the store holds real evidence: each co-authorship tie
(``--coauthor-share`` of them) is a two-author paper (years 2014-2023), the others are
referral ties with pair and beneficiary counts. A store that already holds the HCPs is
reused. Then it runs ``kolgraph score --json`` as a subprocess (reading from the store,
projecting, scoring, explaining and writing the run back) and reports its wall time, the
CPU seconds of the command and of the server (the steadier figures on a shared machine),
the command's peak RSS (``ru_maxrss`` of its largest process), the RSS of the command and
its worker together and of the FalkorDB server (sampled every 0.5 s while the command runs;
the server process alone, not a child it forks to rewrite its append-only file), the peak
of their sum, and the server's high-water mark ``VmHWM``. One JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

from score_bench import generate

from kolgraph.config import Settings
from kolgraph.store import EmbeddedFalkorDB, open_store


def _status_kb(pid: int, key: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
    except OSError:  # the process has ended
        pass
    return 0


def _tree_rss_kb(pid: int) -> int:
    """RSS of process ``pid`` and all its descendants (the command and its worker)."""
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        total += _status_kb(current, "VmRSS")
        try:
            for task in Path(f"/proc/{current}/task").iterdir():
                todo += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            continue
    return total


class _Lazy(Mapping[Any, dict[str, Any]]):
    """A read-only table whose rows are made when read (a bulk load of millions of rows
    without a dict per row held in memory)."""

    def __init__(self, keys: Callable[[], Iterator[Any]], size: int, row: Callable[[int], Any]):
        self._keys, self._size, self._row = keys, size, row

    def __len__(self) -> int:
        return self._size

    def __iter__(self) -> Iterator[Any]:
        return self._keys()

    def __getitem__(self, key: Any) -> dict[str, Any]:
        raise KeyError(key)  # read in order only, through items() / values()

    def items(self) -> Iterator[tuple[Any, dict[str, Any]]]:  # type: ignore[override]
        return ((key, self._row(i)) for i, key in enumerate(self._keys()))

    def values(self) -> Iterator[dict[str, Any]]:  # type: ignore[override]
        return (self._row(i) for i in range(self._size))


def bulk_load(store: Any, n: int, m: int, coauthor_share: float, seed: int) -> None:
    """The generated graph through the store's bulk insert (an empty store only)."""
    nodes, src, dst, weight = generate(n, m, seed)
    cut = int(len(src) * coauthor_share)
    prov = {"source": "bench", "loaded_at": "2024-01-01T00:00:00Z"}
    hcps = _Lazy(lambda: iter(nodes), len(nodes), lambda i: {"name": f"Hcp {i}", **prov})
    papers = _Lazy(
        lambda: (f"pmid:{k}" for k in range(cut)),
        cut,
        lambda k: {"pmid": str(k), "year": 2014 + k % 10, "n_authors": 2, **prov},
    )
    authorship = (
        {"position": 1, "role": "first", "n_authors": 2},
        {"position": 2, "role": "last", "n_authors": 2},
    )
    authored = _Lazy(
        lambda: ((nodes[int(h)], f"pmid:{k}") for k in range(cut) for h in (src[k], dst[k])),
        2 * cut,
        lambda i: authorship[i % 2],
    )
    refers = _Lazy(
        lambda: ((nodes[int(src[k])], nodes[int(dst[k])]) for k in range(cut, len(src))),
        len(src) - cut,
        lambda i: {
            "pair_count": int(weight[cut + i] * 20) + 11,
            "bene_count": int(weight[cut + i] * 10) + 11,
        },
    )
    store.bulk_create(
        {"HCP": hcps, "Publication": papers},
        {
            ("HCP", "AUTHORED", "Publication"): authored,
            ("HCP", "REFERS_TO", "HCP"): refers,
        },
    )


def load(
    data_dir: Path, n: int, m: int, coauthor_share: float, seed: int, bulk: bool = False
) -> dict[str, Any]:
    """Write the generated graph into the store at ``data_dir`` (skipped when present)."""
    settings = Settings(data_dir=data_dir, appendfsync="everysec")
    with open_store(settings) as store:
        have = store.run("count_label", {"label": "HCP"})[0]["n"]
        if have >= n:
            return {"reused_store": True, "hcps": have}
        store.apply_schema()
        started = time.perf_counter()
        if bulk:
            bulk_load(store, n, m, coauthor_share, seed)
            return {
                "reused_store": False,
                "bulk": True,
                "load_s": round(time.perf_counter() - started, 1),
                "hcps": n,
                "coauthor_ties": int(m * coauthor_share),
            }
        nodes, src, dst, weight = generate(n, m, seed)
        prov = {"source": "bench", "loaded_at": "2024-01-01T00:00:00Z"}
        store.upsert_nodes(
            "HCP", ({"id": h, "props": {"name": f"Hcp {i}", **prov}} for i, h in enumerate(nodes))
        )
        cut = int(len(src) * coauthor_share)
        store.upsert_nodes(
            "Publication",
            (
                {
                    "id": f"pmid:{k}",
                    "props": {"pmid": str(k), "year": 2014 + k % 10, "n_authors": 2, **prov},
                }
                for k in range(cut)
            ),
        )
        store.upsert_relationships(
            "HCP",
            "AUTHORED",
            "Publication",
            (
                {
                    "start": nodes[int(h)],
                    "end": f"pmid:{k}",
                    "props": {"position": pos, "role": role, "n_authors": 2},
                }
                for k in range(cut)
                for h, pos, role in ((src[k], 1, "first"), (dst[k], 2, "last"))
            ),
        )
        store.upsert_relationships(
            "HCP",
            "REFERS_TO",
            "HCP",
            (
                {
                    "start": nodes[int(src[k])],
                    "end": nodes[int(dst[k])],
                    "props": {
                        "pair_count": int(weight[k] * 20) + 11,
                        "bene_count": int(weight[k] * 10) + 11,
                    },
                }
                for k in range(cut, len(src))
            ),
        )
        return {
            "reused_store": False,
            "load_s": round(time.perf_counter() - started, 1),
            "hcps": n,
            "coauthor_ties": cut,
            "referral_ties": len(src) - cut,
        }


def _cpu_seconds(pid: int | None) -> float:
    """User + system CPU seconds of process ``pid`` so far (0.0 without /proc)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def score_command(data_dir: Path, trace: Path | None = None) -> dict[str, Any]:
    """Run ``kolgraph score --json`` and measure it and the store server; ``trace`` gets
    every RSS sample (seconds, command tree MB, server MB) as CSV."""
    server = EmbeddedFalkorDB(data_dir).pid()
    server_cpu = _cpu_seconds(server)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    store_start_kb = _status_kb(server, "VmRSS") if server else 0
    samples: list[tuple[float, int, int]] = []  # (seconds, command tree, server RSS kB)
    stop = threading.Event()
    started = time.perf_counter()
    command = subprocess.Popen(
        ["kolgraph", "score", "--json", "--data-dir", str(data_dir)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=os.environ.copy(),
    )

    def sample() -> None:
        while not stop.wait(0.5):
            samples.append(
                (
                    time.perf_counter() - started,
                    _tree_rss_kb(command.pid),
                    _status_kb(server, "VmRSS") if server else 0,
                )
            )

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    stdout, stderr = command.communicate()
    seconds = time.perf_counter() - started
    done = subprocess.CompletedProcess(command.args, command.returncode, stdout, stderr)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    command_cpu = (after.ru_utime + after.ru_stime) - (children.ru_utime + children.ru_stime)
    server_cpu = _cpu_seconds(server) - server_cpu
    stop.set()
    thread.join()
    if done.returncode != 0:
        sys.exit(f"kolgraph score failed: {done.stdout}{done.stderr}")
    out = json.loads(done.stdout)
    if trace is not None:
        trace.write_text(
            "seconds,command_mb,server_mb\n"
            + "".join(f"{t:.1f},{c // 1024},{v // 1024}\n" for t, c, v in samples)
        )
    server_peak_kb = max((v for _, _, v in samples), default=0)
    return {
        "seconds": round(seconds, 1),
        "command_cpu_s": round(command_cpu, 1),
        "server_cpu_s": round(server_cpu, 1),
        "load_average": round(os.getloadavg()[0], 1),
        "command_peak_rss_mb": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024),
        "command_and_worker_peak_rss_mb": round(max((c for _, c, _ in samples), default=0) / 1024),
        "falkordb_rss_mb_at_start": round(store_start_kb / 1024),
        "falkordb_rss_mb_max_during_score": round(server_peak_kb / 1024),
        "command_plus_store_peak_mb": round(max((c + v for _, c, v in samples), default=0) / 1024),
        "falkordb_vmhwm_mb": round(_status_kb(server, "VmHWM") / 1024) if server else None,
        "n_hcps": out["n_hcps"],
        "n_communities": out["n_communities"],
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--hcps", type=int, default=100_000)
    parser.add_argument("--ties", type=int, default=1_000_000)
    parser.add_argument("--coauthor-share", type=float, default=0.7)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--data-dir", type=Path, default=None)
    parser.add_argument("--keep", action="store_true", help="leave the server running")
    parser.add_argument(
        "--bulk", action="store_true", help="load a new store through the bulk insert"
    )
    parser.add_argument("--trace", type=Path, default=None, help="CSV of every RSS sample")
    args = parser.parse_args()
    data_dir = args.data_dir or Path(tempfile.mkdtemp(prefix="kg-e2e-")) / "kg"
    result: dict[str, Any] = {"hcps": args.hcps, "ties": args.ties, "data_dir": str(data_dir)}
    try:
        result["load"] = load(
            data_dir, args.hcps, args.ties, args.coauthor_share, args.seed, args.bulk
        )
        print(json.dumps(result), flush=True)
        result["score"] = score_command(data_dir, args.trace)
    finally:
        if not args.keep:
            EmbeddedFalkorDB(data_dir).stop()
    print(json.dumps(result))


if __name__ == "__main__":
    main()
