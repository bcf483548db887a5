"""Loaders: source files in, graph batches out. Installed as ``kolgraph.ingest``.

Each loader knows one file format and turns its records into a :class:`GraphBatch`;
:func:`run_ingest` does the rest (batching, provenance, rejects, resume, summary).
"""

from kolgraph.ingest.batch import GraphBatch
from kolgraph.ingest.rejects import RejectLog
from kolgraph.ingest.runner import IngestSummary, Loader, Record, run_ingest

__all__ = ["GraphBatch", "IngestSummary", "Loader", "Record", "RejectLog", "run_ingest"]
