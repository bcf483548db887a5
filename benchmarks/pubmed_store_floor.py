"""How fast the embedded store alone takes in a PubMed ingest: the ceiling for any loader.

Usage: python benchmarks/pubmed_store_floor.py [--authorships 200000] [--batch-size 2000]

Generates the same PubMed XML as ``ingest_pubmed.py`` and ingests it once as usual, keeping
every command the ingest's writer thread sends to FalkorDB (the batches' MERGE/CREATE
statements with their parameters already encoded, and the checkpoints) in a file. Then it
starts a second, empty server with the same settings and schema and sends it exactly
those commands, in order, over one connection, with nothing else running: parsing,
identity resolution and parameter encoding cost nothing there. The replay's rate is
therefore the most any loader writing this graph could reach on this machine's store;
FalkorDB runs the writes to one graph one at a time, so more connections would not raise
it. The script checks that the replayed graph has the same counts as the ingested one.

Prints one JSON object: authorship rows/s of the ingest and of the replay, the seconds the
writer thread spent waiting on the server during the ingest, the server's CPU seconds in
the replay, and the counts of both graphs.
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from ingest_pubmed import generate  # same folder: the generated PubMed XML

from kolgraph.config import Settings
from kolgraph.ingest import run_ingest
from kolgraph.ingest.pubmed import PubmedLoader
from kolgraph.store import EmbeddedFalkorDB, open_store

WRITER_THREAD = "ingest-writer"  # run_ingest's writer thread (ingest/runner.py)


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of process ``pid`` so far (Linux ``/proc``)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = int(fields[11]) + int(fields[12])  # utime, stime
    return ticks / os.sysconf("SC_CLK_TCK")


def record_writes(store: Any, log: Any, waited: list[float]) -> None:
    """Append every statement the writer thread sends through ``store`` to ``log``."""

    def recording(text: str, params: Any, seconds: float) -> None:
        if threading.current_thread().name.startswith(WRITER_THREAD):
            pickle.dump((text, params), log, protocol=pickle.HIGHEST_PROTOCOL)
            waited[0] += seconds
            waited[1] += 1

    store.observe(recording)


def replay(store: Any, path: Path) -> tuple[int, float, float]:
    """Send the recorded statements to ``store``; (statements, seconds, server CPU s)."""
    pid = store.server.pid()
    commands = 0
    with path.open("rb") as log:
        cpu_before = cpu_seconds(pid)
        started = time.perf_counter()
        while True:
            try:
                text, params = pickle.load(log)
            except EOFError:
                break
            store.execute(text, params)
            commands += 1
        seconds = time.perf_counter() - started
        cpu = cpu_seconds(pid) - cpu_before
    return commands, seconds, cpu


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--authorships", type=int, default=200_000)
    parser.add_argument("--batch-size", type=int, default=2000)
    parser.add_argument("--appendfsync", default="everysec", choices=("always", "everysec", "no"))
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="kg-floor-"))
    xml = work / "pubmed_bench.xml.gz"
    articles, rows = generate(xml, args.authorships, names="medline", truth=work / "people.txt")
    print(f"generated {articles:,} articles, {rows:,} authorships", file=sys.stderr, flush=True)
    commands_file = work / "writes.pickle"
    waited = [0.0, 0]
    ingest_dir, replay_dir = work / "ingest", work / "replay"
    try:
        with (
            open_store(Settings(data_dir=ingest_dir, appendfsync=args.appendfsync)) as store,
            commands_file.open("wb") as log,
        ):
            store.apply_schema()
            record_writes(store, log, waited)
            started = time.monotonic()
            run_ingest(
                store, PubmedLoader(), xml, rejects_dir=work / "rejects", batch_size=args.batch_size
            )
            ingest_seconds = time.monotonic() - started
            ingest_counts = store.counts()
    finally:
        EmbeddedFalkorDB(ingest_dir).stop()
    print(
        f"ingested in {ingest_seconds:.1f} s; replaying {waited[1]:,} commands "
        f"({commands_file.stat().st_size / 2**20:,.0f} MiB)",
        file=sys.stderr,
        flush=True,
    )
    try:
        with open_store(Settings(data_dir=replay_dir, appendfsync=args.appendfsync)) as store:
            store.apply_schema()
            commands, replay_seconds, server_cpu = replay(store, commands_file)
            replay_counts = store.counts()
    finally:
        EmbeddedFalkorDB(replay_dir).stop()
    same = {k: ingest_counts[k] == replay_counts[k] for k in ("nodes", "relationships")}
    print(
        json.dumps(
            {
                "articles": articles,
                "authorship_rows": rows,
                "batch_size": args.batch_size,
                "appendfsync": args.appendfsync,
                "ingest_seconds": round(ingest_seconds, 1),
                "ingest_rows_per_s": round(rows / ingest_seconds),
                "ingest_writer_waiting_on_server_s": round(waited[0], 1),
                "write_commands": commands,
                "commands_mib": round(commands_file.stat().st_size / 2**20),
                "replay_seconds": round(replay_seconds, 1),
                "replay_rows_per_s": round(rows / replay_seconds),
                "replay_server_cpu_s": round(server_cpu, 1),
                "replay_rows_per_server_cpu_s": round(rows / server_cpu) if server_cpu else None,
                "same_counts": same,
                "counts": replay_counts,
            }
        )
    )
    commands_file.unlink()


if __name__ == "__main__":
    main()
