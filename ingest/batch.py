"""A batch of nodes and relationships to MERGE, built by loaders and written in one go."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from kolgraph.schema import check_label, check_rel_type
from kolgraph.store import GraphStore

RelKey = tuple[str, str, str]  # (start label, type, end label)


@dataclass
class GraphBatch:
    """Nodes by label and relationships by (start, type, end), merged by id.

    Writing the same node twice in one batch merges its properties; ``None`` values
    are dropped so that a sparse record never erases what another source set.

    Examples
    --------
    >>> b = GraphBatch()
    >>> b.node("HCP", "npi:1", name="Ada Lovelace", npi="1")
    >>> b.node("Publication", "pmid:9", title="On engines")
    >>> b.rel("HCP", "npi:1", "AUTHORED", "Publication", "pmid:9", position=1)
    >>> b.size
    3
    """

    nodes: dict[str, dict[str, dict[str, Any]]] = field(default_factory=lambda: defaultdict(dict))
    rels: dict[RelKey, dict[tuple[str, str], dict[str, Any]]] = field(
        default_factory=lambda: defaultdict(dict)
    )
    statements: list[tuple[str, dict[str, str], list[Any]]] = field(default_factory=list)
    provenance: dict[str, Any] = field(default_factory=dict)
    # statement name -> (nodes, relationships) each of its rows writes, for the run summary
    row_writes: dict[str, tuple[int, int]] = field(default_factory=dict)

    def node(self, label: str, node_id: str, **props: Any) -> None:
        """Add (or merge into) node ``node_id`` with label ``label``."""
        check_label(label)
        current = self.nodes[label].setdefault(node_id, {})
        current.update({k: v for k, v in props.items() if v is not None})

    def rel(
        self, start: str, start_id: str, rel_type: str, end: str, end_id: str, **props: Any
    ) -> None:
        """Add (or merge into) a relationship; both end nodes must exist by write time."""
        check_label(start), check_label(end), check_rel_type(rel_type)
        current = self.rels[(start, rel_type, end)].setdefault((start_id, end_id), {})
        current.update({k: v for k, v in props.items() if v is not None})

    def statement(self, name: str, template: dict[str, str], rows: list[Any]) -> None:
        """Run the named ``UNWIND $rows`` statement after the nodes and relationships
        (e.g. deletions); it must be idempotent, as a resumed run may send it again.
        It gets the batch's provenance as ``$prov`` (see :meth:`stamp`)."""
        self.statements.append((name, template, rows))

    def statement_row(
        self,
        name: str,
        row: Any,
        template: dict[str, str] | None = None,
        writes: tuple[int, int] = (0, 0),
    ) -> None:
        """Add one row to the named statement (created on first use, run in that order);
        ``writes`` is the (nodes, relationships) each row writes, counted in :meth:`write`."""
        self.row_writes[name] = writes
        for entry_name, entry_template, rows in self.statements:
            if entry_name == name and entry_template == (template or {}):
                rows.append(row)
                return
        self.statements.append((name, dict(template or {}), [row]))

    @property
    def size(self) -> int:
        """Number of nodes plus relationships held."""
        return sum(map(len, self.nodes.values())) + sum(map(len, self.rels.values()))

    def stamp(self, provenance: dict[str, Any]) -> None:
        """Add provenance to every node and relationship that does not carry its own;
        statements get it as ``$prov``."""
        self.provenance = dict(provenance)
        for table in (*self.nodes.values(), *self.rels.values()):
            for props in table.values():
                for key, value in provenance.items():
                    props.setdefault(key, value)

    def sent_counts(self) -> tuple[int, int]:
        """(nodes, relationships) :meth:`write` reports for this batch.

        >>> b = GraphBatch()
        >>> b.node("Topic", "mesh:D1", name="Asthma")
        >>> b.statement_row("write_authorships", {"mention_id": "m"}, writes=(2, 3))
        >>> b.sent_counts()
        (3, 3)
        """
        nodes = sum(map(len, self.nodes.values()))
        rels = sum(map(len, self.rels.values()))
        for name, _, rows in self.statements:
            row_nodes, row_rels = self.row_writes.get(name, (0, 0))
            nodes += row_nodes * len(rows)
            rels += row_rels * len(rows)
        return nodes, rels

    def write(self, store: GraphStore) -> tuple[int, int]:
        """MERGE all nodes, then all relationships, then run the extra statements;
        return (nodes, relationships) sent."""
        n_nodes = n_rels = 0
        for label, table in self.nodes.items():
            rows = [{"id": node_id, "props": props} for node_id, props in table.items()]
            n_nodes += store.upsert_nodes(label, rows)
        for (start, rel_type, end), table in self.rels.items():
            rows = [{"start": s, "end": e, "props": props} for (s, e), props in table.items()]
            n_rels += store.upsert_relationships(start, rel_type, end, rows)
        for name, template, statement_rows in self.statements:
            store.write(name, statement_rows, template, prov=self.provenance)
            row_nodes, row_rels = self.row_writes.get(name, (0, 0))
            n_nodes += row_nodes * len(statement_rows)
            n_rels += row_rels * len(statement_rows)
        return n_nodes, n_rels
