"""Read the whole graph out of a store, label by label and relationship type by type.

Nodes come in pages ordered by their unique ``id``; relationships are read for every
(start label, type, end label) the schema allows, so each page is a plain indexed scan.
Anything the schema does not know (a foreign label, a node without ``id``) cannot be
read this way; :func:`unexported` says what was left behind so callers can report it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from kolgraph import schema
from kolgraph.store import GraphStore
from kolgraph.store.packing import unpacked

PAGE = 5000


@dataclass(frozen=True)
class RelKey:
    """One (start label, relationship type, end label) combination.

    Examples
    --------
    >>> RelKey("HCP", "AUTHORED", "Publication").file_stem
    'AUTHORED__HCP__Publication'
    """

    start: str
    type: str
    end: str

    @property
    def file_stem(self) -> str:
        """The name kolgraph gives this combination's file (without extension)."""
        return f"{self.type}__{self.start}__{self.end}"

    @property
    def template(self) -> dict[str, str]:
        """Placeholders for the ``{{start}}``, ``{{type}}`` and ``{{end}}`` of a statement."""
        return {"start": self.start, "type": self.type, "end": self.end}


def rel_keys(labels: Iterable[str] | None = None) -> list[RelKey]:
    """Every combination the schema allows, optionally only between ``labels``.

    Examples
    --------
    >>> [k.file_stem for k in rel_keys(["Score", "ScoreRun", "Plan", "Department"])]
    ['OWNED_BY__Plan__Department', 'IN_RUN__Score__ScoreRun']
    """
    keep = set(labels) if labels is not None else set(schema.NODE_LABELS)
    return [
        RelKey(start, rel.name, end)
        for rel in schema.REL_TYPES.values()
        for start in rel.start
        for end in rel.end
        if start in keep and end in keep
    ]


def iter_nodes(store: GraphStore, label: str, *, page: int = PAGE) -> Iterator[dict[str, Any]]:
    """Every ``label`` node's properties (``id`` included), in ``id`` order."""
    after = ""
    while True:
        rows = store.run("exchange_nodes", {"label": label}, after=after, limit=page)
        for row in rows:
            yield unpacked(row["props"])  # packed text is exported as the text it stands for
        if len(rows) < page:
            return
        after = rows[-1]["id"]


def iter_relationships(
    store: GraphStore, key: RelKey, *, page: int = PAGE
) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """Every relationship of ``key`` as ``(start id, end id, properties)``."""
    after = ""
    while True:
        rows = store.run("exchange_relationships", key.template, after=after, limit=page)
        for row in rows:
            if row["end"] is not None:
                yield row["start"], row["end"], dict(row["props"] or {})
        starts = {row["start"] for row in rows}
        if len(starts) < page:
            return
        after = max(starts)


def unexported(
    store: GraphStore, exported_nodes: dict[str, int], exported_rels: dict[str, int]
) -> list[str]:
    """Human-readable notes on what the store holds that the export did not carry."""
    counts = store.counts()
    notes = []
    for label, n in counts["nodes"].items():
        done = exported_nodes.get(label, 0)
        if label not in schema.NODE_LABELS:
            notes.append(f"{n} nodes with label {label!r}, which kolgraph's schema does not know")
        elif n != done:
            notes.append(f"{n - done} {label} nodes without an 'id' property")
    for rel_type, n in counts["relationships"].items():
        done = exported_rels.get(rel_type, 0)
        if rel_type not in schema.REL_TYPES:
            notes.append(f"{n} relationships of type {rel_type!r}, unknown to kolgraph's schema")
        elif n != done:
            notes.append(
                f"{n - done} {rel_type} relationships between labels the schema does "
                "not allow for it"
            )
    return notes
