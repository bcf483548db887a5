"""A whole load's graph held in memory: loader batches merged as the store would merge
them, for writing once through the store's bulk path (:mod:`kolgraph.ingest.first_load`).

:meth:`GraphTables.add` applies a :class:`GraphBatch` as :meth:`GraphBatch.write` would to a
store holding only the earlier batches: nodes and relationships are MERGEd by id and their
properties added (``SET n += props``), then the batch's statements run in order, each
with the meaning of its Cypher in ``queries/publications.cypher`` (which properties it
sets, which it keeps when the row has none, the HCP's fullest name).

Examples
--------
>>> from kolgraph.ingest.batch import GraphBatch
>>> batch = GraphBatch()
>>> batch.node("Publication", "pmid:1", title="T")
>>> batch.statement_row("create_authorships", {
...     "mention_id": "mention:pubmed:1:1", "hcp_id": "hcp:a", "publication_id": "pmid:1",
...     "position": 1, "role": "single", "n_authors": 1, "source_id": "1",
...     "name": "Ann Lee", "family": "Lee", "given": "Ann", "hcp_name": "Ann Lee"})
>>> batch.stamp({"source": "pubmed", "source_file": "f.xml", "run_id": "run:x",
...              "loaded_at": "2026-01-01T00:00:00+00:00"})
>>> tables = GraphTables()
>>> tables.add(batch)
>>> sorted(tables.nodes), tables.nodes["HCP"]["hcp:a"]["name"]
(['HCP', 'Mention', 'Publication'], 'Ann Lee')
>>> sorted(t for _, t, _ in tables.rels)
['APPEARS_IN', 'AUTHORED', 'RESOLVED_TO']
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

from kolgraph.ingest.batch import GraphBatch, RelKey

Props = dict[str, Any]
PROVENANCE = ("source", "source_file", "run_id", "loaded_at")

# Mention properties of write_authorships: set from the row (a null removes them) ...
_MENTION_SET = ("source_id", "position", "role", "match_score", "match_method")
# ... or kept when the row has none (coalesce).
_MENTION_KEEP = (
    "name",
    "family",
    "given",
    "initials",
    "name_key",
    "block_key",
    "given_key",
    "affiliation",
    "affiliations",
    "orcid",
    "openalex_author",
    "review_candidate",
    "review_score",
    "review_status",
)


def _set(props: Props, key: str, value: Any) -> None:
    """``SET n.key = value``: a null removes the property."""
    if value is None:
        props.pop(key, None)
    else:
        props[key] = value


def _keep(props: Props, key: str, value: Any) -> None:
    """``SET n.key = coalesce(value, n.key)``."""
    if value is not None:
        props[key] = value


class GraphTables:
    """Nodes by label (id -> properties) and relationships by (start, type, end)
    ((start id, end id) -> properties): the shape :meth:`GraphStore.bulk_create` takes."""

    def __init__(self) -> None:
        self.nodes: dict[str, dict[str, Props]] = defaultdict(dict)
        self.rels: dict[RelKey, dict[tuple[str, str], Props]] = defaultdict(dict)
        self._statements: dict[str, Callable[[list[Any], Props, bool], None]] = {
            "create_authorships": self._authorships,
            "write_authorships": self._authorships,
            "create_authorship_affiliations": self._affiliations,
            "write_authorship_affiliations": self._affiliations,
            "delete_publications": self._delete_publications,
        }

    @property
    def size(self) -> tuple[int, int]:
        """(nodes, relationships) held."""
        return sum(map(len, self.nodes.values())), sum(map(len, self.rels.values()))

    def add(self, batch: GraphBatch) -> None:
        """Merge ``batch`` in, as writing it to a store holding the earlier batches would.

        Raises
        ------
        ValueError
            For a statement this class does not know the meaning of.
        """
        for label, table in batch.nodes.items():
            held = self.nodes[label]
            for node_id, props in table.items():
                held.setdefault(node_id, {}).update(props)
        for key, rel_table in batch.rels.items():
            start, _, end = key
            held_rels = self.rels[key]
            for (a, b), props in rel_table.items():
                if a in self.nodes[start] and b in self.nodes[end]:  # MATCH both ends
                    held_rels.setdefault((a, b), {}).update(props)
        for name, _template, rows in batch.statements:
            apply = self._statements.get(name)
            if apply is None:
                raise ValueError(f"the first load cannot apply the statement {name!r}")
            apply(rows, batch.provenance, name.startswith("create_"))

    def _rel(self, key: RelKey, a: str, b: str) -> Props:
        return self.rels[key].setdefault((a, b), {})

    def _authorships(self, rows: list[Any], prov: Props, create: bool) -> None:
        """``create_authorships`` / ``write_authorships``: Mention, HCP, RESOLVED_TO,
        APPEARS_IN and AUTHORED per row (see ``queries/publications.cypher``)."""
        publications = self.nodes["Publication"]
        mentions = self.nodes["Mention"]
        hcps = self.nodes["HCP"]
        stamp = {key: prov.get(key) for key in PROVENANCE}
        for row in rows:
            pub_id, mention_id, hcp_id = row["publication_id"], row["mention_id"], row["hcp_id"]
            if pub_id not in publications:
                continue  # MATCH (p:Publication ...) finds nothing: the row writes nothing
            mention = mentions.setdefault(mention_id, {})
            if create:
                mention.clear()
            for key, value in stamp.items():
                _set(mention, key, value)
            for key in _MENTION_SET:
                _set(mention, key, row.get(key))
            for key in _MENTION_KEEP:
                _keep(mention, key, row.get(key))
            self._hcp(hcps.setdefault(hcp_id, {}), row, stamp)
            resolved = self._rel(("Mention", "RESOLVED_TO", "HCP"), mention_id, hcp_id)
            appears = self._rel(("Mention", "APPEARS_IN", "Publication"), mention_id, pub_id)
            authored = self._rel(("HCP", "AUTHORED", "Publication"), hcp_id, pub_id)
            for props in (resolved, appears, authored):
                for key, value in stamp.items():
                    _set(props, key, value)
            _set(resolved, "score", row.get("match_score"))
            _set(resolved, "method", row.get("match_method"))
            for props in (appears, authored):
                _set(props, "position", row.get("position"))
                _set(props, "role", row.get("role"))
            _set(authored, "n_authors", row.get("n_authors"))
            _keep(authored, "equal_contrib", row.get("equal_contrib"))

    @staticmethod
    def _hcp(hcp: Props, row: dict[str, Any], stamp: Props) -> None:
        """The HCP part of an authorship row: provenance, the fullest name with its parts,
        and name key, ORCID and institution unless the row has none."""
        for key, value in stamp.items():
            _set(hcp, key, value)
        name, held = row.get("hcp_name"), hcp.get("name")
        if held is None or (name is not None and (len(name), name) > (len(held), held)):
            _keep(hcp, "name", name)
            for key in ("family", "given", "initials"):
                _keep(hcp, key, row.get(key))
        _keep(hcp, "name_key", row.get("name_key"))
        _keep(hcp, "orcid", row.get("orcid"))
        _keep(hcp, "institution", row.get("hcp_institution"))

    def _affiliations(self, rows: list[Any], prov: Props, create: bool) -> None:
        """``*_authorship_affiliations``: Mention and HCP AFFILIATED_WITH the Institution."""
        stamp = {key: prov.get(key) for key in PROVENANCE}
        for row in rows:
            mention_id, hcp_id, inst = row["mention_id"], row["hcp_id"], row["institution_id"]
            if not (
                mention_id in self.nodes["Mention"]
                and hcp_id in self.nodes["HCP"]
                and inst in self.nodes["Institution"]
            ):
                continue
            of_mention = self._rel(("Mention", "AFFILIATED_WITH", "Institution"), mention_id, inst)
            of_hcp = self._rel(("HCP", "AFFILIATED_WITH", "Institution"), hcp_id, inst)
            for props in (of_mention, of_hcp):
                for key, value in stamp.items():
                    _set(props, key, value)
            _keep(of_hcp, "year", row.get("year"))

    def _delete_publications(self, rows: list[Any], prov: Props, create: bool) -> None:
        """``delete_publications``: each Publication with the row's PMID and the Mentions
        that appear in it, with all their relationships (``DETACH DELETE``)."""
        pmids = {str(row["pmid"]) for row in rows}
        gone_pubs = {
            pub_id
            for pub_id, props in self.nodes["Publication"].items()
            if str(props.get("pmid")) in pmids
        }
        if not gone_pubs:
            return
        gone_mentions = {
            m for (m, p) in self.rels[("Mention", "APPEARS_IN", "Publication")] if p in gone_pubs
        }
        gone = {("Publication", p) for p in gone_pubs} | {("Mention", m) for m in gone_mentions}
        for label, node_id in gone:
            self.nodes[label].pop(node_id, None)
        for (start, _, end), table in self.rels.items():
            for a, b in [(a, b) for (a, b) in table if (start, a) in gone or (end, b) in gone]:
                del table[(a, b)]
