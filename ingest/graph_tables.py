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
>>> sorted(label for label, table in tables.nodes.items() if table), tables.size
(['HCP', 'Mention', 'Publication'], (3, 3))
>>> tables.nodes["HCP"]["hcp:a"]["name"], tables.rels["HCP", "AUTHORED", "Publication"].names
('Ann Lee', ['source', 'source_file', 'run_id', 'loaded_at', 'position', 'role', 'n_authors', \
'equal_contrib'])
>>> sorted(t for (_, t, _), table in tables.rels.items() if table)
['APPEARS_IN', 'AUTHORED', 'RESOLVED_TO']
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

from kolgraph.ingest.batch import GraphBatch, RelKey
from kolgraph.store.property_table import PropertyTable

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

_KEPT_AFFILIATIONS = _MENTION_KEEP.index("affiliations")


def _set(props: list[Any], at: int, value: Any) -> None:
    """``SET n.key = value`` on a :class:`PropertyTable` row (a null removes it)."""
    props[at] = value


def _keep(props: list[Any], at: int, value: Any) -> None:
    """``SET n.key = coalesce(value, n.key)`` on a :class:`PropertyTable` row."""
    if value is not None:
        props[at] = value


# Mention properties an authorship row sets, in the order of the Mention table's slots
_MENTION_NAMES = (*PROVENANCE, *_MENTION_SET, *_MENTION_KEEP)
_SCORE_NAMES = (*PROVENANCE, "score", "method")
_PLACE_NAMES = (*PROVENANCE, "position", "role")
_AUTHORED_NAMES = (*_PLACE_NAMES, "n_authors", "equal_contrib")
_AFFILIATION_NAMES = (*PROVENANCE, "year")
_HCP_NAMES = (
    *PROVENANCE,
    "name",
    "family",
    "given",
    "initials",
    "name_key",
    "orcid",
    "institution",
)


class GraphTables:
    """Nodes by label (id -> properties) and relationships by (start, type, end)
    ((start id, end id) -> properties): the shape :meth:`GraphStore.bulk_create` takes.
    Every table is a :class:`PropertyTable` (a few lists instead of a dict per entity)."""

    def __init__(self, *, eager_rows: bool = False) -> None:
        # Whether the store reads every row's HCP before any row of the statement sets it
        # (Neo4j plans the authorship statements with an eager step; FalkorDB applies the
        # rows one by one): which row's name parts an HCP keeps depends on it.
        self.eager_rows = eager_rows
        # one object per distinct name part or affiliation list (a person's mentions repeat
        # them): value -> itself
        self._shared: dict[Any, Any] = {}
        self.nodes: dict[str, PropertyTable] = defaultdict(PropertyTable)
        self.rels: dict[RelKey, PropertyTable] = defaultdict(PropertyTable)
        self.nodes["Mention"] = PropertyTable(_MENTION_NAMES)
        self.nodes["HCP"] = PropertyTable(_HCP_NAMES)
        self.rels[_RESOLVED_TO] = PropertyTable(_SCORE_NAMES)
        self.rels[_APPEARS_IN] = PropertyTable(_PLACE_NAMES)
        self.rels[_AUTHORED] = PropertyTable(_AUTHORED_NAMES)
        self.rels[_MENTION_AFFILIATION] = PropertyTable(PROVENANCE)
        self.rels[_HCP_AFFILIATION] = PropertyTable(_AFFILIATION_NAMES)
        # Mentions created since take_created_mentions, those it handed out (their writes
        # are final: a first load reads each record once), and those of them a later
        # batch's delete_publications removed (to delete once they are written)
        self._created_mentions: list[str] = []
        self.handed_out: set[str] = set()
        self.deleted_handed_out: list[str] = []
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
                held.merge(node_id, props)
        for key, rel_table in batch.rels.items():
            start, _, end = key
            held_rels = self.rels[key]
            for (a, b), props in rel_table.items():
                if a in self.nodes[start] and b in self.nodes[end]:  # MATCH both ends
                    held_rels.merge((a, b), props)
        for name, _template, rows in batch.statements:
            apply = self._statements.get(name)
            if apply is None:
                raise ValueError(f"the first load cannot apply the statement {name!r}")
            apply(rows, batch.provenance, name.startswith("create_"))

    def take_created_mentions(self) -> PropertyTable:
        """The Mentions the authorship statements created since the last call, taken out of
        :attr:`nodes` to be written now: a first load reads each record once, so no later
        batch sets them again (one that would is refused). A later ``delete_publications``
        that removes one lists it in :attr:`deleted_handed_out`.

        >>> from kolgraph.ingest.batch import GraphBatch
        >>> batch = GraphBatch()
        >>> batch.node("Publication", "pmid:1")
        >>> batch.statement_row("create_authorships", {"mention_id": "m1", "hcp_id": "h",
        ...                     "publication_id": "pmid:1", "hcp_name": "Ann Lee"})
        >>> tables = GraphTables()
        >>> tables.add(batch)
        >>> list(tables.take_created_mentions()), len(tables.nodes["Mention"])
        (['m1'], 0)
        >>> len(tables.take_created_mentions()), sorted(tables.handed_out)
        (0, ['m1'])
        """
        held = self.nodes["Mention"]
        taken = PropertyTable(held.names)
        for mention_id in self._created_mentions:
            values = held.rows.pop(mention_id, None)
            if values is not None:
                taken.rows[mention_id] = values
                self.handed_out.add(mention_id)
        self._created_mentions = []
        return taken

    def _authorships(self, rows: list[Any], prov: Props, create: bool) -> None:
        """``create_authorships`` / ``write_authorships``: Mention, HCP, RESOLVED_TO,
        APPEARS_IN and AUTHORED per row (see ``queries/publications.cypher``)."""
        publications = self.nodes["Publication"]
        mentions = self.nodes["Mention"]
        hcps = self.nodes["HCP"]
        resolved_to = self.rels[_RESOLVED_TO]
        appears_in = self.rels[_APPEARS_IN]
        authored_table = self.rels[_AUTHORED]
        stamp = [prov.get(key) for key in PROVENANCE]
        n_stamp = len(stamp)
        kept = [mentions.slot(key) for key in _MENTION_KEEP]
        # HCP -> its name before this statement, when rows read the HCP before any is written
        before: dict[str, Any] | None = {} if self.eager_rows else None
        shared = self._shared_kept
        for row in rows:
            pub_id, mention_id, hcp_id = row["publication_id"], row["mention_id"], row["hcp_id"]
            if pub_id not in publications:
                continue  # MATCH (p:Publication ...) finds nothing: the row writes nothing
            if mention_id in self.handed_out:
                raise ValueError(f"{mention_id} was written already; a first load reads it once")
            if create:  # CREATE: every property from the row
                mentions.rows[mention_id] = [*stamp, *map(row.get, _MENTION_SET), *shared(row)]
                self._created_mentions.append(mention_id)
            else:  # MERGE and SET, keeping stored values the row does not give
                mention = mentions.row(mention_id)
                mention[: n_stamp + len(_MENTION_SET)] = [
                    *stamp,
                    *(row.get(k) for k in _MENTION_SET),
                ]
                for at, key in zip(kept, _MENTION_KEEP, strict=True):
                    _keep(mention, at, row.get(key))
            hcp = hcps.row(hcp_id)
            held = hcp[4] if before is None else before.setdefault(hcp_id, hcp[4])
            self._hcp(hcp, row, stamp, held)
            resolved = resolved_to.row((mention_id, hcp_id))
            resolved[:6] = [*stamp, row.get("match_score"), row.get("match_method")]
            appears = appears_in.row((mention_id, pub_id))
            appears[:6] = [*stamp, row.get("position"), row.get("role")]
            authored = authored_table.row((hcp_id, pub_id))
            authored[:7] = [*stamp, row.get("position"), row.get("role"), row.get("n_authors")]
            _keep(authored, 7, row.get("equal_contrib"))

    def _shared_kept(self, row: dict[str, Any]) -> list[Any]:
        """The row's ``_MENTION_KEEP`` values, each the held object equal to it (see
        :meth:`_share`)."""
        values = list(map(row.get, _MENTION_KEEP))
        affiliations = values[_KEPT_AFFILIATIONS]
        if type(affiliations) is list:
            values[_KEPT_AFFILIATIONS] = tuple(affiliations)
        try:
            return list(map(self._shared.setdefault, values, values))
        except TypeError:  # a list among them
            return [self._share(value) for value in values]

    def _share(self, value: Any) -> Any:
        """The held object equal to ``value`` (a list as a tuple), so that equal name parts
        and affiliation lists are held once."""
        if value is None:
            return None
        if type(value) is list:
            value = tuple(value)
        return self._shared.setdefault(value, value)

    @staticmethod
    def _hcp(hcp: list[Any], row: dict[str, Any], stamp: list[Any], held: Any) -> None:
        """The HCP part of an authorship row (slots of ``_HCP_NAMES``): provenance, the
        fullest name with its parts (fuller than ``held``, the name the row sees), and
        name key, ORCID and institution unless the row has none."""
        hcp[:4] = stamp
        name = row.get("hcp_name")
        if held is None or (name is not None and (len(name), name) > (len(held), held)):
            for at, key in ((4, "hcp_name"), (5, "family"), (6, "given"), (7, "initials")):
                _keep(hcp, at, row.get(key))
        _keep(hcp, 8, row.get("name_key"))
        _keep(hcp, 9, row.get("orcid"))
        _keep(hcp, 10, row.get("hcp_institution"))

    def _affiliations(self, rows: list[Any], prov: Props, create: bool) -> None:
        """``*_authorship_affiliations``: Mention and HCP AFFILIATED_WITH the Institution."""
        stamp = [prov.get(key) for key in PROVENANCE]
        mentions, hcps = self.nodes["Mention"], self.nodes["HCP"]
        institutions = self.nodes["Institution"]
        of_mentions = self.rels[_MENTION_AFFILIATION]
        of_hcps = self.rels[_HCP_AFFILIATION]
        for row in rows:
            mention_id, hcp_id, inst = row["mention_id"], row["hcp_id"], row["institution_id"]
            if not (mention_id in mentions and hcp_id in hcps and inst in institutions):
                continue
            of_mentions.row((mention_id, inst))[:4] = stamp
            of_hcp = of_hcps.row((hcp_id, inst))
            of_hcp[:4] = stamp
            _keep(of_hcp, 4, row.get("year"))

    def _delete_publications(self, rows: list[Any], prov: Props, create: bool) -> None:
        """``delete_publications``: each Publication with the row's PMID and the Mentions
        that appear in it, with all their relationships (``DETACH DELETE``)."""
        pmids = {str(row["pmid"]) for row in rows}
        publications = self.nodes["Publication"]
        at = publications.slot("pmid")
        gone_pubs = {
            pub_id
            for pub_id, values in publications.rows.items()
            if at < len(values) and str(values[at]) in pmids
        }
        if not gone_pubs:
            return
        gone_mentions = {m for (m, p) in self.rels[_APPEARS_IN] if p in gone_pubs}
        self.deleted_handed_out += sorted(gone_mentions & self.handed_out)
        self.handed_out -= gone_mentions
        gone = {("Publication", p) for p in gone_pubs} | {("Mention", m) for m in gone_mentions}
        for label, node_id in gone:
            self.nodes[label].pop(node_id)
        for (start, _, end), table in self.rels.items():
            for a, b in [(a, b) for (a, b) in table if (start, a) in gone or (end, b) in gone]:
                del table[(a, b)]


_RESOLVED_TO = ("Mention", "RESOLVED_TO", "HCP")
_APPEARS_IN = ("Mention", "APPEARS_IN", "Publication")
_AUTHORED = ("HCP", "AUTHORED", "Publication")
_MENTION_AFFILIATION = ("Mention", "AFFILIATED_WITH", "Institution")
_HCP_AFFILIATION = ("HCP", "AFFILIATED_WITH", "Institution")
