"""The Neo4j bulk-import CSV set: write one from any store, and load one into any store.

The layout is ``neo4j-admin database import full``'s: one nodes file per label, headed
``id:ID(<Label>)`` with typed property columns (``influence:double``,
``publication_types:string[]``) and ``:LABEL``; one relationships file per type and label
pair, headed ``:START_ID(<Label>)``, ``:END_ID(<Label>)``, ``:TYPE`` and its typed
properties. ``README.txt`` holds the exact import command and ``manifest.json`` the
counts, the array delimiter and any property written with loss.

:func:`import_neo4j_csv` reads that layout back, whether kolgraph or Neo4j wrote it: it
checks every file first (labels and types against the schema, every value against its
column type, every relationship's ends), and writes only when all of it is sound.
"""

from __future__ import annotations

import json
import logging
import shlex
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from kolgraph import schema
from kolgraph.errors import ExchangeError
from kolgraph.exchange.coltypes import column_type, format_typed, is_lossless
from kolgraph.exchange.csvfields import quote
from kolgraph.exchange.neo4j_read import CsvSet, read_csv_set
from kolgraph.exchange.snapshot import RelKey, iter_nodes, iter_relationships, rel_keys, unexported
from kolgraph.store import GraphStore, batched

logger = logging.getLogger(__name__)

DELIMITERS = (";", "|", "\u001f")
MANIFEST = "manifest.json"


@dataclass
class ExportSummary:
    """What an export wrote: files, counts per label and type, and caveats."""

    directory: Path
    nodes: dict[str, int] = field(default_factory=dict)
    relationships: dict[str, int] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)
    lossy: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    command: str = ""


def _pick_delimiter(values: list[Any]) -> str:
    texts = [str(i) for v in values if isinstance(v, list | tuple) for i in v]
    for candidate in DELIMITERS:
        if not any(candidate in t for t in texts):
            return candidate
    raise ExchangeError(
        "every array delimiter kolgraph knows occurs inside list values; "
        "the graph cannot be written as a Neo4j CSV set"
    )


def _columns(records: list[dict[str, Any]], skip: set[str]) -> list[tuple[str, str]]:
    names = sorted({k for r in records for k in r} - skip)
    return [(name, column_type(r.get(name) for r in records)) for name in names]


def _write_file(path: Path, header: list[str], rows: Iterator[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write(",".join(header) + "\n")
        for row in rows:
            out.write(",".join(row) + "\n")


def import_command(summary: ExportSummary, delimiter: str, database: str = "neo4j") -> str:
    """The ``neo4j-admin database import full`` command for the files of ``summary``."""
    parts = [
        f"neo4j-admin database import full {database}",
        "--overwrite-destination",
        f"--array-delimiter={shlex.quote(delimiter) if delimiter != chr(31) else 'U+001F'}",
        "--multiline-fields=true",
    ]
    for name in summary.files:
        flag = "--nodes" if name.startswith("nodes_") else "--relationships"
        parts.append(f"{flag}={name}")
    return " \\\n    ".join(parts)


def export_neo4j_csv(
    store: GraphStore, directory: Path, *, labels: list[str] | None = None
) -> ExportSummary:
    """Write the graph (or the nodes of ``labels`` and the ties among them) as a CSV set.

    Parameters
    ----------
    store : GraphStore
        Any kolgraph store.
    directory : Path
        Created if missing; must not already hold a kolgraph CSV set's files.
    labels : list of str, optional
        Node labels to export; all schema labels by default.

    Returns
    -------
    ExportSummary
        Files written, counts, the import command and caveats (lossy columns, nodes the
        schema cannot read).

    Raises
    ------
    ExchangeError
        If the directory already holds an export, or no array delimiter fits the data.
    """
    for label in labels or []:
        schema.check_label(label)
    wanted = labels or list(schema.NODE_LABELS)
    directory.mkdir(parents=True, exist_ok=True)
    if (directory / MANIFEST).exists() or any(directory.glob("nodes_*.csv")):
        raise ExchangeError(f"{directory} already holds an export; choose an empty directory")
    summary = ExportSummary(directory)

    node_sets = {label: list(iter_nodes(store, label)) for label in wanted}
    rel_sets = {key: list(iter_relationships(store, key)) for key in rel_keys(wanted)}
    all_values = [v for recs in node_sets.values() for r in recs for v in r.values()]
    all_values += [v for rels in rel_sets.values() for _, _, p in rels for v in p.values()]
    delimiter = _pick_delimiter(all_values)

    for label, records in node_sets.items():
        if not records:
            continue
        columns = _columns(records, {"id"})
        for name, kind in columns:
            if not is_lossless((r.get(name) for r in records), kind):
                summary.lossy.append(f"{label}.{name}")
        header = [f"id:ID({label})", *(f"{n}:{k}" for n, k in columns), ":LABEL"]
        rows = (
            [
                quote(str(r["id"])),
                *(format_typed(r.get(n), k, delimiter) for n, k in columns),
                quote(label),
            ]
            for r in records
        )
        name = f"nodes_{label}.csv"
        _write_file(directory / name, header, rows)
        summary.files.append(name)
        summary.nodes[label] = len(records)

    rel_counts: Counter[str] = Counter()
    for key, rels in rel_sets.items():
        if not rels:
            continue
        props = [p for _, _, p in rels]
        columns = _columns(props, set())
        for name, kind in columns:
            if not is_lossless((p.get(name) for p in props), kind):
                summary.lossy.append(f"{key.type}.{name}")
        header = [
            f":START_ID({key.start})",
            f":END_ID({key.end})",
            ":TYPE",
            *(f"{n}:{k}" for n, k in columns),
        ]
        rows = (
            [
                quote(str(s)),
                quote(str(e)),
                quote(key.type),
                *(format_typed(p.get(n), k, delimiter) for n, k in columns),
            ]
            for s, e, p in rels
        )
        name = f"rels_{key.file_stem}.csv"
        _write_file(directory / name, header, rows)
        summary.files.append(name)
        rel_counts[key.type] += len(rels)
    summary.relationships = dict(sorted(rel_counts.items()))
    if labels is None:
        summary.notes = unexported(store, summary.nodes, summary.relationships)
    summary.command = import_command(summary, delimiter)
    _write_readme(summary, delimiter)
    logger.info(
        "exported %d nodes and %d relationships to %s",
        sum(summary.nodes.values()),
        sum(summary.relationships.values()),
        directory,
    )
    return summary


def _write_readme(summary: ExportSummary, delimiter: str) -> None:
    manifest = {
        "format": "neo4j-admin-import-csv",
        "written_by": "kolgraph",
        "written_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "array_delimiter": delimiter,
        "nodes": summary.nodes,
        "relationships": summary.relationships,
        "files": summary.files,
        "lossy": summary.lossy,
        "notes": summary.notes,
    }
    (summary.directory / MANIFEST).write_text(
        json.dumps(manifest, indent=2) + "\n", encoding="utf-8"
    )
    lines = [
        "kolgraph graph export in the neo4j-admin bulk-import layout",
        "",
        "Load it into an empty Neo4j 5 database (stop the database first), from this directory:",
        "",
        "    " + summary.command,
        "",
        "Then start Neo4j and create kolgraph's constraints and indexes:",
        "",
        "    KOLGRAPH_BACKEND=neo4j KOLGRAPH_NEO4J_URI=neo4j://localhost:7687 kolgraph init",
        "",
        "Or load it into any kolgraph store (embedded or Neo4j): kolgraph import neo4j-csv DIR",
        "",
        f"nodes: {sum(summary.nodes.values())}, relationships: "
        f"{sum(summary.relationships.values())} (per label and type: {MANIFEST})",
    ]
    if summary.lossy:
        lines += ["", "written as text (mixed value types): " + ", ".join(summary.lossy)]
    if summary.notes:
        lines += ["", "not exported: " + "; ".join(summary.notes)]
    (summary.directory / "README.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")


@dataclass
class ImportSummary:
    """What an import wrote, per label and relationship type."""

    nodes: dict[str, int] = field(default_factory=dict)
    relationships: dict[str, int] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)


def _existing(store: GraphStore, label: str, ids: list[str]) -> set[str]:
    found: set[str] = set()
    for chunk in batched(({"id": i} for i in ids), 1000):
        rows = store.run("nodes_by_ids", {"label": label}, ids=[c["id"] for c in chunk])
        found.update(r["props"]["id"] for r in rows)
    return found


def _check_ends(store: GraphStore, csv_set: CsvSet) -> None:
    for rel_file in csv_set.relationship_files:
        for side, label in (("start", rel_file.key.start), ("end", rel_file.key.end)):
            wanted = rel_file.ends(side) - csv_set.ids.get(label, set())
            missing = wanted - _existing(store, label, sorted(wanted)) if wanted else set()
            if missing:
                example = sorted(missing)[0]
                raise ExchangeError(
                    f"{rel_file.path.name}: {len(missing)} {side} ids are neither in a "
                    f"{label} nodes file nor in the store (e.g. {example!r}); add their nodes file"
                )


def import_neo4j_csv(
    store: GraphStore, directory: Path, *, array_delimiter: str | None = None
) -> ImportSummary:
    """Load a Neo4j bulk-import CSV set into ``store`` (nodes MERGE on ``id``).

    Parameters
    ----------
    store : GraphStore
        Any kolgraph store; existing nodes with the same ``id`` are updated.
    directory : Path
        The folder of CSV files (a kolgraph export or a Neo4j one in the same layout).
    array_delimiter : str, optional
        Defaults to the manifest's, else ``;`` (Neo4j's default).

    Raises
    ------
    ExchangeError
        Naming the file, line and column of the first problem: an unknown label or
        type, a value that does not fit its column, a relationship whose ends are missing.
    """
    csv_set = read_csv_set(directory, array_delimiter=array_delimiter)
    _check_ends(store, csv_set)
    summary = ImportSummary(
        files=[f.path.name for f in csv_set.node_files]
        + [f.path.name for f in csv_set.relationship_files]
    )
    node_counts: Counter[str] = Counter()
    for node_file in csv_set.node_files:
        node_counts[node_file.label] += store.upsert_nodes(
            node_file.label,
            ({"id": node_id, "props": props} for node_id, props in node_file.records()),
        )
    rel_counts: Counter[str] = Counter()
    for rel_file in csv_set.relationship_files:
        key: RelKey = rel_file.key
        rel_counts[key.type] += store.upsert_relationships(
            key.start,
            key.type,
            key.end,
            ({"start": s, "end": e, "props": props} for s, e, props in rel_file.records()),
        )
    summary.nodes = dict(sorted(node_counts.items()))
    summary.relationships = dict(sorted(rel_counts.items()))
    logger.info(
        "imported %d nodes and %d relationships from %s",
        sum(node_counts.values()),
        sum(rel_counts.values()),
        directory,
    )
    return summary


__all__ = [
    "ExportSummary",
    "ImportSummary",
    "export_neo4j_csv",
    "import_command",
    "import_neo4j_csv",
]
