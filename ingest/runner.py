"""Run one loader over one file: batches, provenance, rejects, resume and a summary.

A run is identified by the source and the file's SHA-256, so running the same file
again finds its earlier run. After every written batch the run's ``checkpoint``
(records fully written) is saved in the store; a run killed at any point and started
again re-parses the file, skips writing what the checkpoint covers and goes on.
Every write is idempotent (a MERGE on stable ids, or a CREATE of what the loader has
just found absent from the store), so the batch that was in flight when the run died is
simply written again: nothing is lost and nothing doubles.

A loader that sets ``pipelined`` has batch *n* written by a second thread while batch
*n + 1* is parsed and built (the store works on one core while Python works on the
other); the checkpoint of a batch is still saved only once its writes are done.
"""

from __future__ import annotations

import hashlib
import logging
import time
from abc import ABC, abstractmethod
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from kolgraph.collector import QUIET_COLLECTOR
from kolgraph.config import Settings
from kolgraph.errors import IngestError
from kolgraph.ingest.batch import GraphBatch
from kolgraph.ingest.rejects import RejectLog
from kolgraph.ingest.seen import SeenIds
from kolgraph.store import GraphStore

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Record:
    """One parsed source record: its id in the source and the parsed value."""

    id: str
    value: Any


class Loader(ABC):
    """One source format. Subclasses set ``source`` and implement ``check``, ``records``
    and ``add_to_batch`` (or ``build`` when a whole batch must be seen at once, e.g. to
    resolve identities against the store)."""

    source: str = ""
    pipelined: bool = False  # True when build() may run while the previous batch is written

    @abstractmethod
    def check(self, path: Path) -> None:
        """Raise :class:`IngestError` naming the file and the problem if it is unusable."""

    @abstractmethod
    def records(self, path: Path, rejects: RejectLog) -> Iterator[Record]:
        """Stream the file's usable records; send unusable ones to ``rejects``."""

    def configure(self, settings: Settings) -> None:  # noqa: B027 - optional hook, no-op by default
        """Take the settings this loader reads (none by default)."""

    def prepare(self, store: GraphStore) -> None:  # noqa: B027 - optional hook, no-op by default
        """Bring what earlier versions of this loader wrote up to date (nothing by default);
        called once per run, after :meth:`check` and before any record is read."""

    def add_to_batch(self, record: Record, batch: GraphBatch) -> None:
        """Add one record's nodes and relationships to ``batch``."""
        raise NotImplementedError(f"{type(self).__name__} must implement add_to_batch or build")

    def build(self, records: list[Record], store: GraphStore) -> GraphBatch:
        """The graph for a batch of records (default: one ``add_to_batch`` each)."""
        batch = GraphBatch()
        for record in records:
            self.add_to_batch(record, batch)
        return batch


@dataclass
class IngestSummary:
    """What a run did; ``read == loaded + rejected + duplicates`` always holds."""

    source: str
    file: str
    run_id: str
    read: int = 0
    loaded: int = 0
    rejected: int = 0
    duplicates: int = 0
    resumed_from: int = 0
    nodes_written: int = 0
    relationships_written: int = 0
    seconds: float = 0.0
    rejects_file: str = ""

    def as_dict(self) -> dict[str, Any]:
        """Plain dict for ``--json`` output."""
        return asdict(self)


def file_digest(path: Path) -> str:
    """SHA-256 of a file's bytes, read in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def run_start(
    source: str, path: Path, sha: str, run_id: str, status: str, checkpoint: int
) -> tuple[dict[str, Any], dict[str, Any]]:
    """A starting run's IngestRun properties, and the provenance its records carry."""
    now = _now()
    run_props = {
        "source": source,
        "file": path.name,
        "file_sha256": sha,
        "started_at": now,
        "status": status,
        "checkpoint": checkpoint,
    }
    provenance = {"source": source, "source_file": path.name, "run_id": run_id, "loaded_at": now}
    return run_props, provenance


def mark_complete(
    store: GraphStore, run_id: str, summary: IngestSummary, position: int, label: str
) -> None:
    """Record run ``run_id`` as complete, with its counts (``summary``) and checkpoint, and
    log the counts under ``label`` (the file's name)."""
    props = {
        "status": "complete",
        "finished_at": _now(),
        "read": summary.read,
        "loaded": summary.loaded,
        "rejected": summary.rejected,
        "duplicates": summary.duplicates,
        "checkpoint": position,
    }
    store.upsert_nodes("IngestRun", [{"id": run_id, "props": props}])
    store.compact_persistence()  # a restart loads a snapshot rather than the run's statements
    logger.info(
        "%s: read %d, loaded %d, rejected %d, duplicates %d",
        label,
        summary.read,
        summary.loaded,
        summary.rejected,
        summary.duplicates,
    )


def _previous_checkpoint(store: GraphStore, run_id: str) -> int:
    rows = store.run("node_by_id", {"label": "IngestRun"}, id=run_id)
    if not rows:
        return 0
    props = rows[0]["props"]
    if props.get("status") == "complete":
        return 0  # a finished file is processed again in full; MERGE keeps counts unchanged
    return int(props.get("checkpoint") or 0)


def run_ingest(
    store: GraphStore,
    loader: Loader,
    path: Path,
    *,
    rejects_dir: Path,
    batch_size: int = 2000,
    progress: bool = False,
) -> IngestSummary:
    """Load ``path`` with ``loader`` into ``store``.

    Parameters
    ----------
    store : GraphStore
        Where the graph goes (schema applied by the caller).
    loader : Loader
        The source format.
    path : Path
        The file; plain or gzip-compressed where the loader supports it.
    rejects_dir : Path
        The reject file ``<source>-<sha>.jsonl`` is written here.
    batch_size : int
        Records per write (and per checkpoint).
    progress : bool
        Show a rich progress bar on stderr.

    Raises
    ------
    IngestError
        If the file is missing or unusable as a whole (wrong format, columns, encoding).
    """
    path = Path(path)
    if not path.is_file():
        raise IngestError(f"{path}: no such file")
    loader.check(path)
    loader.prepare(store)
    started = time.monotonic()
    sha = file_digest(path)
    run_id = f"run:{loader.source}:{sha[:16]}"
    resume_at = _previous_checkpoint(store, run_id)
    run_props, provenance = run_start(loader.source, path, sha, run_id, "running", resume_at)
    store.upsert_nodes("IngestRun", [{"id": run_id, "props": run_props}])
    rejects_path = Path(rejects_dir) / f"{loader.source}-{sha[:16]}.jsonl"
    summary = IngestSummary(
        loader.source, str(path), run_id, resumed_from=resume_at, rejects_file=str(rejects_path)
    )
    seen = SeenIds()
    pending: list[Record] = []
    position = 0  # records parsed so far (usable ones, in file order)

    writer = ThreadPoolExecutor(1, thread_name_prefix="ingest-writer") if loader.pipelined else None
    in_flight: list[Future[None]] = []

    def write(batch: GraphBatch | None, checkpoint: int) -> None:
        if batch is not None:
            nodes, rels = batch.write(store)
            summary.nodes_written += nodes
            summary.relationships_written += rels
        store.upsert_nodes("IngestRun", [{"id": run_id, "props": {"checkpoint": checkpoint}}])

    def settle() -> None:
        while in_flight:
            in_flight.pop().result()

    def flush() -> None:
        batch = None
        if pending:
            batch = loader.build(pending, store)
            batch.stamp(provenance)
            pending.clear()
        QUIET_COLLECTOR.batch_done()
        rejects.flush()
        settle()  # the previous batch and its checkpoint are written before the next starts
        if writer is None:
            write(batch, position)
        else:
            in_flight.append(writer.submit(write, batch, position))

    bar = Progress(
        SpinnerColumn(),
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        TextColumn("{task.completed:,} records"),
        TimeElapsedColumn(),
        disable=not progress,
        transient=True,
    )
    with (
        RejectLog(rejects_path, source=loader.source, file=path.name) as rejects,
        bar,
        QUIET_COLLECTOR,
    ):
        task = bar.add_task(f"{loader.source} {path.name}", total=None)
        try:
            for record in loader.records(path, rejects):
                position += 1
                bar.advance(task)
                if not seen.add(record.id):
                    summary.duplicates += 1
                    continue
                summary.loaded += 1
                if position <= resume_at:
                    continue
                pending.append(record)
                if len(pending) >= batch_size:
                    flush()
            flush()
            settle()
        finally:
            if writer is not None:
                writer.shutdown(wait=True)  # a failed run still finishes the write under way
        summary.rejected = rejects.count
        summary.loaded -= rejects.late
    summary.read = summary.loaded + summary.rejected + summary.duplicates
    summary.seconds = round(time.monotonic() - started, 3)
    mark_complete(store, run_id, summary, position, path.name)
    return summary
