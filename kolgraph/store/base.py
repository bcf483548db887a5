"""The one interface every graph store backend offers."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from itertools import islice
from pathlib import Path
from typing import Any, ClassVar, TypeVar

from kolgraph import schema
from kolgraph.store import statements

_Row = TypeVar("_Row")
Nodes = Mapping[str, Mapping[str, Mapping[str, Any]]]
"""Label -> node id -> properties (``id`` not among them)."""
Relationships = Mapping[tuple[str, str, str], Mapping[tuple[str, str], Mapping[str, Any]]]
"""(start label, type, end label) -> (start id, end id) -> properties."""


def batched(rows: Iterable[_Row], size: int) -> Iterator[list[_Row]]:
    """Split ``rows`` into lists of at most ``size`` items.

    Examples
    --------
    >>> [len(b) for b in batched(({"i": i} for i in range(5)), 2)]
    [2, 2, 1]
    """
    iterator = iter(rows)
    while batch := list(islice(iterator, size)):
        yield batch


class BulkSession(ABC):
    """Nodes and relationships created in parts (:meth:`GraphStore.bulk_session`): a part
    may name, in its relationships, nodes of any earlier part. ``created`` counts what
    the session created so far (nodes, relationships); a store that sends in large
    commands counts a part once it is sent, at the latest when the session ends.
    Properties must hold no None."""

    created: tuple[int, int] = (0, 0)

    @abstractmethod
    def create(
        self,
        nodes: Nodes,
        relationships: Relationships | None = None,
    ) -> None:
        """CREATE ``nodes`` (label -> id -> props), then ``relationships``
        ((start, type, end) -> (start id, end id) -> props)."""


class _StatementBulk(BulkSession):
    """A bulk session of ``UNWIND ... CREATE`` statements (see :meth:`GraphStore.bulk_session`)."""

    def __init__(self, store: GraphStore) -> None:
        self.store = store

    def create(
        self,
        nodes: Nodes,
        relationships: Relationships | None = None,
    ) -> None:
        store, size = self.store, self.store.bulk_batch_size
        created_nodes, created_rels = self.created
        for label, table in nodes.items():
            rows = ({"id": node_id, "props": props} for node_id, props in table.items())
            created_nodes += store.write(
                "bulk_create_nodes", rows, {"label": label}, batch_size=size
            )
        for (start, rel_type, end), rel_table in (relationships or {}).items():
            rels = ({"start": a, "end": b, "props": p} for (a, b), p in rel_table.items())
            template = {"start": start, "type": rel_type, "end": end}
            created_rels += store.write(
                "bulk_create_relationships", rels, template, batch_size=size
            )
        self.created = (created_nodes, created_rels)


def scalar(kind: type, value: Any) -> Any:
    """``value`` as ``kind`` (``"true"``/``"false"`` for ``bool``); None stays None."""
    if value is None or type(value) is kind or kind is object:
        return value
    if kind is bool:
        return value is True or value == "true"
    return kind(value)


class GraphStore(ABC):
    """A property-graph database that runs kolgraph's named Cypher statements.

    ``run`` executes one statement and returns its records as dicts; ``write``
    sends rows through an ``UNWIND $rows`` statement in batches. Identifiers in
    ``template`` fill the statement's ``{{placeholders}}`` from the schema's
    allow-lists.
    """

    dialect: ClassVar[str]
    # Long text (score explanations) is sent and kept compressed (kolgraph.store.packing).
    packs_text: ClassVar[bool] = False
    # Each answer is built whole on the server before it is sent: a read of millions of
    # rows goes in pages (kolgraph.scoring.inputs), or the server holds it all at once.
    answers_whole: ClassVar[bool] = False
    batch_size: int = 5000
    bulk_batch_size: int = 50_000  # rows per statement of a first load (bulk_create)

    @abstractmethod
    def execute(
        self, cypher: str, params: Mapping[str, Any], *, read: bool = False
    ) -> list[dict[str, Any]]:
        """Run one already-rendered statement; backends translate their errors here.

        ``read`` is the statement's declared ``// mode: read``: a clustered backend may send
        it to a reader. Text without a declared mode is run as a write.
        """

    @abstractmethod
    def apply_schema(self) -> None:
        """Create uniqueness constraints and indexes (idempotent)."""

    @abstractmethod
    def close(self) -> None:
        """Release connections (the embedded server keeps running; see ``stop``)."""

    @property
    @abstractmethod
    def location(self) -> str:
        """Where the data lives, for ``kolgraph status``."""

    @property
    def data_dir(self) -> Path | None:
        """The directory on this machine that holds the store's files; None for a remote store.

        Files that belong with the data (such as the API key revocation marker) live here.
        """
        return None

    def cypher(self, name: str, template: Mapping[str, str] | None = None) -> str:
        """The rendered text of statement ``name`` in this backend's dialect."""
        return statements.render(name, self.dialect, template)

    def run(
        self, name: str, template: Mapping[str, str] | None = None, /, **params: Any
    ) -> list[dict[str, Any]]:
        """Run the named statement once with ``params``; return its records.

        ``name`` and ``template`` are positional-only, so every keyword, ``template``
        included, is a Cypher parameter.
        """
        stmt = statements.get_statement(name, self.dialect)
        return self.execute(statements.fill(stmt, template), params, read=stmt.is_read)

    def columns(
        self,
        name: str,
        kinds: Mapping[str, type],
        template: Mapping[str, str] | None = None,
        /,
        **params: Any,
    ) -> dict[str, list[Any]]:
        """Run the read statement ``name``; return its records as one list per column.

        ``kinds`` names the columns wanted and the Python type of each (``str``, ``int``,
        ``float`` or ``bool``; nulls stay None), or ``object`` to keep each value as the
        backend sent it (a number may then arrive as text: parse it with
        ``pandas.to_numeric``). For reports that read many short rows: a backend may send
        the values as text and convert them by ``kinds``, which is cheaper than building a
        record per row (FalkorDB sends doubles with 15 significant digits).

        Examples
        --------
        >>> scalar(float, 3), scalar(bool, None), scalar(bool, "true"), scalar(int, "7")
        (3.0, None, True, 7)
        >>> scalar(object, 3), scalar(object, "3.5")
        (3, '3.5')
        """
        rows = self.run(name, template, **params)
        return {column: [scalar(kind, r[column]) for r in rows] for column, kind in kinds.items()}

    def write(
        self,
        name: str,
        rows: Iterable[Mapping[str, Any]] | Iterable[Sequence[Any]],
        template: Mapping[str, str] | None = None,
        /,
        *,
        batch_size: int | None = None,
        **params: Any,
    ) -> int:
        """Send ``rows`` through the ``UNWIND $rows`` statement ``name``; return rows sent.

        Rows are maps, or lists where the statement reads ``row[0]``, ``row[1]`` ...
        """
        stmt = statements.get_statement(name, self.dialect)
        cypher = statements.fill(stmt, template)
        sent = 0
        for batch in batched(rows, batch_size or self.batch_size):
            self.execute(cypher, {**params, "rows": batch}, read=stmt.is_read)
            sent += len(batch)
        return sent

    def upsert_nodes(self, label: str, rows: Sequence[Mapping[str, Any]] | Iterable[Any]) -> int:
        """MERGE nodes by ``id`` and set ``props``: rows are ``{"id": ..., "props": {...}}``."""
        return self.write("upsert_nodes", rows, {"label": label})

    def upsert_relationships(
        self, start: str, rel_type: str, end: str, rows: Iterable[Mapping[str, Any]]
    ) -> int:
        """MERGE relationships between existing nodes: rows are ``{"start", "end", "props"}``."""
        template = {"start": start, "type": rel_type, "end": end}
        return self.write("upsert_relationships", rows, template)

    def node_total(self) -> int:
        """How many nodes the store holds, of any label."""
        return int(self.run("count_all_nodes")[0]["n"])

    def bulk_create(
        self,
        nodes: Nodes,
        relationships: Relationships,
    ) -> tuple[int, int]:
        """CREATE ``nodes`` (label -> id -> props) and then ``relationships``
        ((start, type, end) -> (start id, end id) -> props) in a store that holds none of
        them: a first load, without the MERGE of every row. Returns the numbers created.
        One :meth:`bulk_session` with one part."""
        with self.bulk_session() as session:
            session.create(nodes, relationships)
        return session.created

    @contextmanager
    def bulk_session(self) -> Iterator[BulkSession]:
        """A :class:`BulkSession` into a store that holds none of what it creates; the
        schema is in place when the ``with`` block ends.

        Here: ``UNWIND`` statements of ``bulk_batch_size`` rows, one transaction each, sent
        as each part comes; the schema must be applied (the relationships find their nodes
        by ``id``). FalkorDB overrides this with its bulk insert.
        """
        yield _StatementBulk(self)

    def counts(self) -> dict[str, dict[str, int]]:
        """Node counts per label and relationship counts per type (labels with nodes only).

        Known labels and types are counted one by one, which both stores answer from their
        own counters without a scan; anything else in the store falls back to one scan.
        """
        labels = {r["label"] for r in self.run("list_labels")}
        types = {r["type"] for r in self.run("list_relationship_types")}
        nodes = {
            label: int(self.run("count_label", {"label": label})[0]["n"])
            for label in labels & schema.NODE_LABELS.keys()
        }
        rels = {
            rel: int(self.run("count_type", {"type": rel})[0]["n"])
            for rel in types & schema.REL_TYPES.keys()
        }
        if labels - nodes.keys():
            for r in self.run("count_nodes"):
                if r["label"] not in nodes:
                    nodes[r["label"]] = int(r["n"])
        if types - rels.keys():
            for r in self.run("count_relationships"):
                if r["type"] not in rels:
                    rels[r["type"]] = int(r["n"])
        return {
            "nodes": {k: v for k, v in sorted(nodes.items()) if v},
            "relationships": {k: v for k, v in sorted(rels.items()) if v},
        }

    def ping(self) -> bool:
        """True when the store answers a trivial statement."""
        return self.run("ping")[0]["ok"] == 1

    def clear(self) -> None:
        """Delete every node and relationship (tests and ``kolgraph init --reset``)."""
        self.run("delete_all")

    def compact_persistence(self, *, force: bool = False) -> bool:
        """After a large write or delete: let the store compact its files in the
        background if they have grown much (or whatever their growth, with ``force``:
        after a large delete, whose statements are short but slow to replay); return
        whether it started to. Here: nothing (Neo4j manages its own transaction logs);
        the embedded FalkorDB rewrites its append-only file
        (:meth:`EmbeddedFalkorDB.compact_log`)."""
        return False

    def __enter__(self) -> GraphStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
