"""A first load: a whole file resolved in memory, then written through the store's bulk path.

Loading a therapeutic area's publications for the first time (millions of authorship
rows) through :func:`~kolgraph.ingest.runner.run_ingest` costs one MERGE statement per
batch and table. Into an empty store nothing needs merging: :func:`run_first_load` parses
and builds every batch as ``run_ingest`` would, with the same resolver (its index is the
only memory of earlier batches in both paths, so the HCPs are the same), merges the
batches in memory (:class:`~kolgraph.ingest.graph_tables.GraphTables`) and writes them
through one :meth:`GraphStore.bulk_session` (FalkorDB: ``GRAPH.BULK``; Neo4j: large
``UNWIND ... CREATE`` transactions). Each batch's Mentions, which no later batch
changes, are written as soon as the batch is built, while the next ones are read and
resolved; everything else (HCPs gain names, papers and places batch after batch) once the
file is read. A Mention written before a later ``DeleteCitation`` removed its paper is
deleted when the rest is in, as the incremental path deletes it after writing it.

Provenance is the same as ``run_ingest`` writes (source, file, run id, load time, record
ids), and so is the ``IngestRun`` node, so the file loaded again later through
``run_ingest`` is recognised and changes nothing. The run is marked ``bulk-loading`` in
the store until every node and relationship is in: a first load interrupted at any point
leaves either an empty store (a load that fails removes what it wrote) or that mark
(when even that fails, or the process is killed), and running it again clears what it
left and starts over. A store holding anything else is refused.
"""

from __future__ import annotations

import logging
import os
import time
from collections import deque
from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from kolgraph.collector import QUIET_COLLECTOR
from kolgraph.errors import IngestError
from kolgraph.ingest.batch import GraphBatch
from kolgraph.ingest.graph_tables import GraphTables
from kolgraph.ingest.publications import PaperLoader, PreparedPapers
from kolgraph.ingest.rejects import RejectLog
from kolgraph.ingest.runner import (
    IngestSummary,
    Loader,
    Record,
    file_digest,
    mark_complete,
    run_start,
)
from kolgraph.ingest.seen import SeenIds
from kolgraph.resolution import Resolution
from kolgraph.resolution.worker import ResolverProcess
from kolgraph.store import GraphStore
from kolgraph.store.property_table import PropertyTable

logger = logging.getLogger(__name__)

BULK_LOADING = "bulk-loading"  # IngestRun.status while a first load's writes are under way
PROCESS_BYTES = 2_000_000
"""Files from this size are resolved in a second process (below it, starting one costs more)."""


def check_first_load(store: GraphStore) -> None:
    """Make sure ``store`` can take a first load: empty, or holding only what an
    interrupted first load left (cleared here).

    Raises
    ------
    IngestError
        If the store holds other data, naming what it holds and what to do instead.
    """
    held = store.node_total()
    if not held:
        return
    runs = store.run("ingest_runs")
    if runs and all(r["status"] == BULK_LOADING for r in runs):
        logger.warning(
            "the store holds an interrupted first load (%s, %d nodes); clearing it and "
            "loading again",
            ", ".join(r["file"] or r["id"] for r in runs),
            held,
        )
        store.clear()
        return
    labels = store.counts()["nodes"]
    what = ", ".join(f"{n:,} {label}" for label, n in sorted(labels.items(), key=lambda x: -x[1]))
    raise IngestError(
        f"a first load writes only into an empty store, and this one holds {held:,} nodes "
        f"({what}); load the file without --first-load to add it through the incremental "
        "path, or empty the store first with 'kolgraph init --reset'"
    )


def run_first_load(
    store: GraphStore,
    loader: Loader,
    path: Path,
    *,
    rejects_dir: Path,
    batch_size: int = 2000,
    resolver_process: bool | None = None,
) -> IngestSummary:
    """Load ``path`` with ``loader`` into the empty ``store`` through its bulk path.

    Parameters are those of :func:`~kolgraph.ingest.runner.run_ingest`; ``batch_size``
    is the number of records resolved together (as there, so the HCPs are the same). The
    summary counts what was written, as ``run_ingest``'s does.

    With ``resolver_process`` the batches are resolved in a second process
    (:class:`~kolgraph.resolution.worker.ResolverProcess`) while this one parses the next
    batch and builds the graph of the previous one; the result is the same. By default
    that is done for files of :data:`PROCESS_BYTES` or more on a machine with two cores.

    Raises
    ------
    IngestError
        If the loader is not a publication loader (the only one whose writes the first
        load reproduces), if the store is not empty (see :func:`check_first_load`), or if
        the file is missing or unusable as a whole.
    """
    path = Path(path)
    if not isinstance(loader, PaperLoader):
        raise IngestError(
            f"a first load is for publication sources (pubmed, crossref, openalex), not "
            f"{loader.source}; load it without --first-load"
        )
    if not path.is_file():
        raise IngestError(f"{path}: no such file")
    check_first_load(store)
    loader.check(path)
    loader.prepare(store)
    started = time.monotonic()
    sha = file_digest(path)
    run_id = f"run:{loader.source}:{sha[:16]}"
    run_props, provenance = run_start(loader.source, path, sha, run_id, BULK_LOADING, 0)
    rejects_path = Path(rejects_dir) / f"{loader.source}-{sha[:16]}.jsonl"
    summary = IngestSummary(loader.source, str(path), run_id, rejects_file=str(rejects_path))
    tables = GraphTables(eager_rows=store.dialect == "neo4j")
    seen = SeenIds()
    pending: list[Record] = []
    position = 0
    if resolver_process is None:
        resolver_process = path.stat().st_size >= PROCESS_BYTES and (os.cpu_count() or 1) >= 2
    resolver = _start_resolver(loader) if resolver_process else None
    # batches whose mentions the resolver process is working on, oldest first
    resolving: deque[tuple[PreparedPapers, Future[list[Resolution]]]] = deque()

    def add(batch: GraphBatch) -> None:
        batch.stamp(provenance)
        nodes, rels = batch.sent_counts()
        summary.nodes_written += nodes
        summary.relationships_written += rels
        tables.add(batch)
        # a batch's Mentions are final: written while the next batches are read and resolved
        bulk.create({"Mention": tables.take_created_mentions()})
        QUIET_COLLECTOR.batch_done()

    def flush(last: bool = False) -> None:
        if pending and resolver is None:
            add(loader.build(pending, store))
        elif pending and resolver is not None:
            prepared = loader.prepare_papers(pending)
            resolving.append((prepared, resolver.submit(prepared.mentions)))
        pending.clear()
        # one batch stays with the resolver while the next is parsed
        while len(resolving) > (0 if last else 1):
            prepared, future = resolving.popleft()
            add(loader.finish(prepared, _resolutions(future)))
        rejects.flush()

    run_node = PropertyTable()
    run_node.merge(run_id, run_props)
    loader.in_memory = True
    try:
        # the tables outlive every batch: full collections wait until they are written
        with QUIET_COLLECTOR, store.bulk_session() as bulk:
            # the run goes first: a store holding any of this load holds its bulk-loading mark
            bulk.create({"IngestRun": run_node})
            with RejectLog(rejects_path, source=loader.source, file=path.name) as rejects:
                for record in loader.records(path, rejects):
                    position += 1
                    if not seen.add(record.id):
                        summary.duplicates += 1
                        continue
                    summary.loaded += 1
                    pending.append(record)
                    if len(pending) >= batch_size:
                        flush()
                flush(last=True)
                if resolver is not None:  # every batch is resolved: it stops meanwhile
                    resolver.close(wait=False)
                summary.rejected = rejects.count
                summary.loaded -= rejects.late
            bulk.create(tables.nodes, tables.rels)
        if tables.deleted_handed_out:  # written before a later batch deleted their paper
            rows = [{"id": mention_id} for mention_id in tables.deleted_handed_out]
            store.write("delete_nodes", rows, {"label": "Mention"})
    except BaseException:
        _empty_again(store)
        raise
    finally:
        if resolver is not None:
            resolver.close()
        loader.in_memory = False
        loader.start_run()  # the index and the run's papers are not kept past the run
    summary.read = summary.loaded + summary.rejected + summary.duplicates
    summary.seconds = round(time.monotonic() - started, 3)
    mark_complete(store, run_id, summary, position, f"{path.name} (first load)")
    return summary


def _empty_again(store: GraphStore) -> None:
    """Remove what a failed first load wrote (the store held nothing before it). If that
    fails too, the load's bulk-loading mark stays and the next first load clears it."""
    try:
        store.clear()
    except Exception as exc:  # noqa: BLE001 - the load's own error is the one to report
        logger.warning(
            "a failed first load left its writes in the store (%s): the next "
            "first load clears them",
            exc,
        )


def _start_resolver(loader: PaperLoader) -> ResolverProcess | None:
    """The resolver process of a first load, or None (resolved here) if none can start."""
    try:
        return ResolverProcess(loader.max_profiles)
    except (OSError, RuntimeError) as exc:
        logger.warning("first load resolved in this process: no worker process (%s)", exc)
        return None


def _resolutions(future: Future[list[Resolution]]) -> list[Resolution]:
    """A batch's resolutions from the resolver process.

    Raises
    ------
    IngestError
        If the process died (the store holds nothing of the load yet: run it again).
    """
    try:
        return future.result()
    except BrokenProcessPool as exc:
        raise IngestError(
            "the resolver process of the first load stopped (out of memory?); nothing was "
            "written: run the first load again"
        ) from exc
