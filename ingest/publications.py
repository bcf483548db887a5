"""Papers from any bibliographic source (PubMed, Crossref, OpenAlex) into the graph.

A source parser yields :class:`Paper` values; :class:`PaperLoader` turns a batch of
them into Publications, Journals, Topics, Institutions, author Mentions resolved to
HCPs, and AUTHORED links.

Publication ids: a paper keeps the id of the first source that loaded it. Before
minting one (``pmid:<PMID>``, else ``doi:<doi>``, else ``openalex:<W…>``) the loader looks
for an existing Publication with the same PMID or DOI, so a paper loaded from PubMed
and from Crossref is ONE node.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from kolgraph.config import RESOLUTION_PROFILES, Settings
from kolgraph.ingest.batch import GraphBatch
from kolgraph.ingest.runner import Loader, Record
from kolgraph.institution_names import institution_name, institution_names
from kolgraph.mesh import is_check_tag
from kolgraph.places import Place, place_of
from kolgraph.resolution import (
    MentionIn,
    Resolution,
    ResolutionIndex,
    name_key,
    resolve_mentions,
)
from kolgraph.resolution.evidence import MAX_RECORD_AFFILIATIONS, RecordEvidence, fullname
from kolgraph.resolution.mentions import (
    affiliation_properties,
    hcp_name,
    name_properties,
    resolution_properties,
)
from kolgraph.resolution.names import fold
from kolgraph.resolution.vocabulary import content_words
from kolgraph.store import GraphStore


@dataclass
class Author:
    """One entry of an author list, in order."""

    family: str | None = None
    given: str | None = None
    initials: str | None = None
    collective: str | None = None
    orcid: str | None = None
    openalex_id: str | None = None  # OpenAlex author id ("A5023888391"): evidence, not a key
    affiliations: list[str] = field(default_factory=list)
    institutions: list[tuple[str | None, str]] = field(default_factory=list)  # (ror, name)
    equal_contrib: bool = False

    @property
    def key(self) -> str:
        return name_key(self.family, self.given or self.initials)


@dataclass
class Topic:
    """A MeSH heading or an OpenAlex topic/concept."""

    id: str
    name: str
    scheme: str
    major: bool = False


@dataclass
class Paper:
    """One publication as a source describes it."""

    source: str
    record_id: str
    pmid: str | None = None
    doi: str | None = None
    openalex: str | None = None
    title: str | None = None
    abstract: str | None = None  # used for identity resolution only; not stored
    journal: str | None = None
    issn: str | None = None
    iso_abbreviation: str | None = None
    year: int | None = None
    date: str | None = None
    language: str | None = None
    publication_types: list[str] = field(default_factory=list)
    cited_by: int | None = None
    authors: list[Author] = field(default_factory=list)
    topics: list[Topic] = field(default_factory=list)
    # identity-resolution evidence (PubMed): stored on the Publication, not as nodes
    references: list[str] = field(default_factory=list)  # cited PMIDs
    linked_pmids: list[str] = field(default_factory=list)  # CommentsCorrections
    grants: list[str] = field(default_factory=list)  # normalised grant ids
    grant_agencies: list[str] = field(default_factory=list)
    chemicals: list[str] = field(default_factory=list)  # substance MeSH UIs
    keywords: list[str] = field(default_factory=list)
    nlm_journal_id: str | None = None


@dataclass
class Deletion:
    """A PubMed ``DeleteCitation`` entry: this PMID is withdrawn."""

    pmid: str


@lru_cache(maxsize=1 << 16)
def institution_id(name: str, ror: str | None = None) -> str:
    """Stable Institution id: ``ror:<id>`` when known, else a hash of the folded name.

    Examples
    --------
    >>> institution_id("Univ. of Iowa"), institution_id("X", "https://ror.org/036jqmy94")
    ('inst:13e784852e84d280', 'ror:036jqmy94')
    """
    if ror:
        return "ror:" + ror.rstrip("/").rsplit("/", 1)[-1]
    return "inst:" + hashlib.sha256(" ".join(fold(name).split()).encode()).hexdigest()[:16]


def institution_place(name: str, affiliations: list[str]) -> Place:
    """Where an institution is: from its own name, else the author's raw affiliation strings.

    Examples
    --------
    >>> institution_place("Harvard University", ["Harvard University, Boston, MA, USA"])
    Place(city='Boston', state='MA', country='US')
    """
    place = place_of(name)
    if place.country:
        return place
    for text in affiliations:
        if text != name and name.lower() in text.lower():
            found = place_of(text)
            if found.country:
                return found
    if len(affiliations) == 1 and affiliations[0] != name:
        found = place_of(affiliations[0])
        if found.country:
            return found
    return place


def journal_id(paper: Paper) -> str | None:
    """``journal:issn:<ISSN>``, else ``journal:name:<folded name>``, else None."""
    if paper.issn:
        return f"journal:issn:{paper.issn.upper()}"
    if paper.journal:
        return "journal:name:" + " ".join(fold(paper.journal).split())
    return None


def author_role(position: int, n_authors: int) -> str:
    """``single``, ``first``, ``last`` or ``middle``.

    Examples
    --------
    >>> [author_role(p, 3) for p in (1, 2, 3)], author_role(1, 1)
    (['first', 'middle', 'last'], 'single')
    """
    if n_authors == 1:
        return "single"
    if position == 1:
        return "first"
    return "last" if position == n_authors else "middle"


def publication_ids(store: GraphStore, papers: list[Paper]) -> dict[str, str]:
    """Existing Publication ids by ``pmid:``/``doi:``/``openalex:`` key for ``papers``."""
    found: dict[str, str] = {}
    for kind in ("pmid", "doi", "openalex"):
        values = sorted({v for p in papers if (v := getattr(p, kind))})
        if not values:
            continue
        rows = store.run(f"publications_by_{kind}", {"label": "Publication"}, values=values)
        for row in rows:
            found.setdefault(f"{kind}:{row['value']}", row["id"])
    return found


def paper_id(paper: Paper, existing: dict[str, str]) -> str:
    """The Publication id for ``paper``: an existing node's, else a new one."""
    for kind in ("pmid", "doi", "openalex"):
        value = getattr(paper, kind)
        if value and f"{kind}:{value}" in existing:
            return existing[f"{kind}:{value}"]
    for kind in ("pmid", "doi", "openalex"):
        value = getattr(paper, kind)
        if value:
            return f"{kind}:{value}"
    return f"{paper.source}:{paper.record_id}"


def record_properties(paper: Paper) -> dict[str, Any]:
    """The record's evidence as stored on its Publication (``docs/schema.md``), read back
    by ``mentions_in_blocks`` under ``record_*`` names."""
    affiliations = list(
        dict.fromkeys(a for author in paper.authors for a in author.affiliations if a)
    )
    fullnames = [
        f
        for a in paper.authors
        if not a.collective
        if (f := fullname(a.family, a.given or a.initials))
    ]
    return {
        "cited_pmids": paper.references or None,
        "linked_pmids": paper.linked_pmids or None,
        "grant_ids": paper.grants or None,
        "grant_agencies": paper.grant_agencies or None,
        "chemical_ids": paper.chemicals or None,
        "keywords": paper.keywords or None,
        "major_topic_ids": [t.id for t in paper.topics if t.major] or None,
        "nlm_journal_id": paper.nlm_journal_id,
        "record_affiliations": affiliations[:MAX_RECORD_AFFILIATIONS] or None,
        "abstract_words": content_words(paper.title, paper.abstract, limit=100_000) or None,
        "author_fullnames": list(dict.fromkeys(fullnames)) or None,
    }


def record_evidence(paper: Paper, props: dict[str, Any] | None = None) -> RecordEvidence:
    """What the whole record says about each of its authors (one object for all of them).

    Built from :func:`record_properties` (``props``, computed here when not given) exactly
    as a stored Publication is read back, so a fresh mention and the same mention read
    from the store compare alike."""
    if props is None:
        props = record_properties(paper)
    return RecordEvidence.from_properties(
        {
            "record_pmid": paper.pmid,
            "record_cited_pmids": props["cited_pmids"],
            "record_linked_pmids": props["linked_pmids"],
            "record_grants": props["grant_ids"],
            "record_grant_agencies": props["grant_agencies"],
            "record_chemicals": props["chemical_ids"],
            "record_keywords": props["keywords"],
            "record_topic_ids": [t.id for t in paper.topics],
            "record_major_topic_ids": props["major_topic_ids"],
            "record_nlm_journal_id": props["nlm_journal_id"],
            "record_journal": paper.journal,
            "record_affiliations": props["record_affiliations"],
            "record_abstract_words": props["abstract_words"],
            "record_author_fullnames": props["author_fullnames"],
            "record_n_authors": len(paper.authors),
        }
    )


@dataclass(frozen=True)
class PaperContext:
    """What a paper's mentions and its Publication node both need, computed once: the
    content words of its title and abstract and its :func:`record_properties`."""

    words: list[str]
    properties: dict[str, Any]

    @classmethod
    def of(cls, paper: Paper) -> PaperContext:
        return cls(content_words(paper.title, paper.abstract), record_properties(paper))


def paper_mentions(
    paper: Paper, context: PaperContext | None = None
) -> list[tuple[int, MentionIn | None]]:
    """(position, mention) per author; collective authors give ``None``.

    The authors share one record (:func:`record_evidence`); ``context`` is the paper's
    :class:`PaperContext` (made here when not given).

    >>> paper = Paper("pubmed", "1", title="Insulin", authors=[Author("Lee", "Ann"),
    ...                                                        Author(collective="G")])
    >>> [(position, m and m.key) for position, m in paper_mentions(paper)]
    [(1, 'lee a'), (2, None)]
    """
    context = context or PaperContext.of(paper)
    keys = [a.key for a in paper.authors if not a.collective]
    topics = [t.id for t in paper.topics]
    words = context.words
    record = record_evidence(paper, context.properties)
    result: list[tuple[int, MentionIn | None]] = []
    for position, author in enumerate(paper.authors, start=1):
        if author.collective:
            result.append((position, None))
            continue
        result.append(
            (
                position,
                MentionIn(
                    id=f"mention:{paper.source}:{paper.record_id}:{position}",
                    source=paper.source,
                    family=author.family,
                    given=author.given or author.initials,
                    orcid=author.orcid,
                    openalex_author=author.openalex_id,
                    affiliations=author.affiliations,
                    coauthors=keys,
                    topics=topics,
                    words=words,
                    journal=paper.journal,
                    year=paper.year,
                    language=paper.language,
                    record=record,
                    position=position,
                ),
            )
        )
    return result


def authorship_row(
    mention: MentionIn,
    resolution: Resolution,
    pub_id: str,
    position: int,
    role: str,
    n_authors: int,
    record_id: str,
    equal_contrib: bool = False,
) -> dict[str, Any]:
    """One row of the ``write_authorships`` statement (its keys are documented there).

    The record's context (co-author keys, topics, words, journal, year, language) is not
    repeated per author: it is stored once on the Publication.

    Examples
    --------
    >>> m = MentionIn(id="mention:pubmed:1:2", source="pubmed", family="Lee", given="Ann B")
    >>> r = Resolution(mention_id=m.id, hcp_id="hcp:1", score=0.2, method="new", is_new=True)
    >>> row = authorship_row(m, r, "pmid:1", 2, "last", 2, "1")
    >>> row["mention_id"], row["hcp_id"], row["publication_id"], row["position"], row["role"]
    ('mention:pubmed:1:2', 'hcp:1', 'pmid:1', 2, 'last')
    >>> row["family"], row["given"], row["name_key"], row["hcp_name"]
    ('Lee', 'Ann B', 'lee a', 'Ann B Lee')
    """
    affiliations = affiliation_properties(mention)
    return {
        "mention_id": mention.id,
        "hcp_id": resolution.hcp_id,
        "publication_id": pub_id,
        "position": position,
        "role": role,
        "n_authors": n_authors,
        "equal_contrib": equal_contrib or None,
        "source_id": record_id,
        **name_properties(mention),
        **affiliations,
        "orcid": mention.orcid,
        "openalex_author": mention.openalex_author,
        **resolution_properties(resolution),
        "hcp_name": hcp_name(mention),  # as hcp_properties names the HCP and its institution
        "hcp_institution": institution_name(
            affiliations["affiliation"], mention.family_name, mention.given_name
        ),
    }


def consistent_hcp_fields(rows: Iterable[dict[str, Any]]) -> None:
    """Give every row of one HCP the same ``hcp_name`` and ``hcp_institution``.

    The name is the fullest among the rows (the longest; at equal length the last in code
    point order, so 'Søndergaard' wins over 'Sondergaard', as the statement keeps across
    batches), the institution the last one given. The HCP's fields then do not depend on
    the order in which a backend applies the rows of one statement (FalkorDB and Neo4j
    differ there).

    >>> rows = [{"hcp_id": "h", "hcp_name": "P A Lee", "hcp_institution": "Oslo"},
    ...         {"hcp_id": "h", "hcp_name": "Peter A Lee", "hcp_institution": None},
    ...         {"hcp_id": "k", "hcp_name": "Lars Søndergaard", "hcp_institution": None},
    ...         {"hcp_id": "k", "hcp_name": "Lars Sondergaard", "hcp_institution": None}]
    >>> consistent_hcp_fields(rows)
    >>> [(r["hcp_name"], r["hcp_institution"]) for r in rows]  # doctest: +NORMALIZE_WHITESPACE
    [('Peter A Lee', 'Oslo'), ('Peter A Lee', 'Oslo'),
     ('Lars Søndergaard', None), ('Lars Søndergaard', None)]
    """
    rows = list(rows)
    names: dict[str, str] = {}
    institutions: dict[str, str] = {}
    for row in rows:
        hcp, name = row["hcp_id"], row.get("hcp_name")
        kept = names.get(hcp)
        if name and (kept is None or (len(name), name) > (len(kept), kept)):
            names[hcp] = name
        if row.get("hcp_institution"):
            institutions[hcp] = row["hcp_institution"]
    for row in rows:
        row["hcp_name"] = names.get(row["hcp_id"], row.get("hcp_name"))
        row["hcp_institution"] = institutions.get(row["hcp_id"], row.get("hcp_institution"))


@dataclass
class PreparedPapers:
    """A batch of papers ready for resolution (:meth:`PaperLoader.prepare_papers`): the papers,
    the PMIDs it deletes, and each paper's ``(position, mention)`` items, whose mentions
    (:attr:`mentions`, in order) are what the resolver decides on."""

    papers: list[Paper]
    deletions: list[str]
    per_paper: list[list[tuple[int, MentionIn | None]]]
    contexts: list[PaperContext]

    @property
    def mentions(self) -> list[MentionIn]:
        """The batch's person mentions, paper by paper in author order."""
        return [m for items in self.per_paper for _, m in items if m is not None]


class PaperLoader(Loader):
    """Shared ``build`` for bibliographic loaders; subclasses parse their format.

    The resolver's index is kept for the whole run (blocks of stored mentions are read
    once per run, not once per batch); ``start_run`` (called by each subclass's
    ``check``, i.e. at the start of every ``run_ingest``) drops it, so a new run never
    trusts what an earlier, possibly failed, run held in memory."""

    _index: ResolutionIndex | None = None
    _index_store: int | None = None
    pipelined = True  # the run's resolution index already holds the batch being written
    max_profiles: int = RESOLUTION_PROFILES  # profiles the run's index holds (configure)
    # A first load (kolgraph.ingest.first_load) builds every batch before anything is
    # written: the store is not read, and the run's papers are looked up here instead
    # (``pmid:``/``doi:``/``openalex:`` key -> Publication id), as the store would answer.
    in_memory: bool = False
    _run_publications: dict[str, str] | None = None

    def configure(self, settings: Settings) -> None:
        """Bound the run's resolution index at ``settings.resolution_profiles``."""
        self.max_profiles = settings.resolution_profiles

    @property
    def resolution_index(self) -> ResolutionIndex | None:
        """The run's resolution index (None before the first batch and after ``start_run``);
        its counters (``n_profiles``, ``n_spilled``, ``n_restored``) tell how the bound held."""
        return self._index

    def start_run(self) -> None:
        """Forget the in-run resolution index (and remove its spill file)."""
        if self._index is not None:
            self._index.close()
        self._index = None
        self._index_store = None
        self._run_publications = None

    def _resolution_index(self, store: GraphStore) -> ResolutionIndex:
        if self._index is None or self._index_store != id(store):
            self._index = ResolutionIndex(max_profiles=self.max_profiles)
            self._index_store = id(store)
        return self._index

    def build(self, records: list[Record], store: GraphStore) -> GraphBatch:
        prepared = self.prepare_papers(records)
        existing = self._existing(prepared.papers, store)
        # A paper not yet in the store has none of its mentions stored either (they are
        # written with or after their Publication): they are created, not merged.
        stored = set(existing.values())
        unstored = {
            m.id
            for paper, items in zip(prepared.papers, prepared.per_paper, strict=True)
            if paper_id(paper, existing) not in stored
            for _, m in items
            if m is not None
        }
        resolutions = resolve_mentions(
            None if self.in_memory else store,
            prepared.mentions,
            index=self._resolution_index(store),
            unstored=unstored,
        )
        return self.finish(prepared, resolutions, existing)

    def prepare_papers(self, records: list[Record]) -> PreparedPapers:
        """The batch's papers, deletions and author mentions: what resolution needs. Reads
        neither the store nor the run's state, so batches may be prepared ahead."""
        papers = [r.value for r in records if isinstance(r.value, Paper)]
        deletions = [r.value.pmid for r in records if isinstance(r.value, Deletion)]
        contexts = [PaperContext.of(p) for p in papers]
        per_paper = [paper_mentions(p, c) for p, c in zip(papers, contexts, strict=True)]
        return PreparedPapers(papers, deletions, per_paper, contexts)

    def finish(
        self,
        prepared: PreparedPapers,
        resolutions: list[Resolution],
        existing: dict[str, str] | None = None,
    ) -> GraphBatch:
        """The batch's graph, its mentions resolved to ``resolutions`` (in the order of
        ``prepared.mentions``). ``existing`` is :meth:`_existing` of the batch's papers,
        looked up here when not given (in memory, it must follow the previous batch's
        ``finish``)."""
        papers, deletions = prepared.papers, prepared.deletions
        if existing is None:
            if not self.in_memory:
                raise ValueError("finish without the existing publications needs in_memory")
            existing = self._known_publications(papers)
        batch = GraphBatch()
        if deletions:
            batch.statement(
                "delete_publications",
                {"label": "Publication", "start": "Mention", "type": "APPEARS_IN"},
                [{"pmid": p} for p in deletions],
            )
        stored = set(existing.values())
        resolved = iter(resolutions)
        for paper, items, context in zip(
            papers, prepared.per_paper, prepared.contexts, strict=True
        ):
            pub_id = paper_id(paper, existing)
            self._add_paper(batch, paper, context, pub_id, items, resolved, pub_id not in stored)
        if self.in_memory:
            self._remember_publications(papers, existing, deletions)
        consistent_hcp_fields(
            row
            for name, _, rows in batch.statements
            if name.endswith("_authorships")
            for row in rows
        )
        return batch

    def _existing(self, papers: list[Paper], store: GraphStore) -> dict[str, str]:
        """Publication ids already held for ``papers`` by key (see :func:`publication_ids`)."""
        if self.in_memory:
            return self._known_publications(papers)
        return publication_ids(store, papers)

    def _known_publications(self, papers: list[Paper]) -> dict[str, str]:
        """As :func:`publication_ids`, from the papers of this run built so far."""
        known = self._run_publications or {}
        return {
            key: known[key]
            for paper in papers
            for kind in ("pmid", "doi", "openalex")
            if (value := getattr(paper, kind)) and (key := f"{kind}:{value}") in known
        }

    def _remember_publications(
        self, papers: list[Paper], existing: dict[str, str], deletions: list[str]
    ) -> None:
        """Record this batch's Publications by key, then forget the deleted ones (a
        batch's deletions run after its writes)."""
        known = self._run_publications
        if known is None:
            known = self._run_publications = {}
        for paper in papers:
            pub_id = paper_id(paper, existing)
            for kind in ("pmid", "doi", "openalex"):
                if value := getattr(paper, kind):
                    known.setdefault(f"{kind}:{value}", pub_id)
        if deletions:
            gone = {known[f"pmid:{pmid}"] for pmid in deletions if f"pmid:{pmid}" in known}
            for key in [k for k, pub_id in known.items() if pub_id in gone]:
                del known[key]

    def _add_paper(
        self,
        batch: GraphBatch,
        paper: Paper,
        context: PaperContext,
        pub_id: str,
        items: list[tuple[int, MentionIn | None]],
        resolved: object,
        is_new: bool = False,
    ) -> None:
        n_authors = len(paper.authors)
        keys = [m.key for _, m in items if m is not None]
        batch.node(
            "Publication",
            pub_id,
            source_id=paper.record_id,
            pmid=paper.pmid,
            doi=paper.doi,
            openalex=paper.openalex,
            title=paper.title,
            year=paper.year,
            date=paper.date,
            journal=paper.journal,
            language=paper.language,
            publication_types=paper.publication_types or None,
            cited_by=paper.cited_by,
            n_authors=n_authors,
            author_keys=keys or None,
            topic_ids=[t.id for t in paper.topics] or None,
            words=context.words or None,
            **context.properties,
        )
        jid = journal_id(paper)
        if jid:
            batch.node(
                "Journal",
                jid,
                name=paper.journal,
                issn=paper.issn,
                iso_abbreviation=paper.iso_abbreviation,
            )
            batch.rel("Publication", pub_id, "PUBLISHED_IN", "Journal", jid)
        for topic in paper.topics:
            batch.node(
                "Topic",
                topic.id,
                name=topic.name,
                scheme=topic.scheme,
                check_tag=True if is_check_tag(topic.id) else None,
            )
            batch.rel("Publication", pub_id, "HAS_TOPIC", "Topic", topic.id, major=topic.major)
        for (position, mention), author in zip(items, paper.authors, strict=True):
            role = author_role(position, n_authors)
            if mention is None:
                mid = f"mention:{paper.source}:{paper.record_id}:{position}"
                batch.node(
                    "Mention",
                    mid,
                    source=paper.source,
                    source_id=paper.record_id,
                    name=author.collective,
                    collective=True,
                    position=position,
                    role="collective",
                )
                batch.rel(
                    "Mention",
                    mid,
                    "APPEARS_IN",
                    "Publication",
                    pub_id,
                    position=position,
                    role="collective",
                )
                continue
            resolution: Resolution = next(resolved)  # type: ignore[call-overload]
            verb = "create" if is_new else "write"
            batch.statement_row(
                f"{verb}_authorships",
                authorship_row(
                    mention,
                    resolution,
                    pub_id,
                    position,
                    role,
                    n_authors,
                    paper.record_id,
                    author.equal_contrib,
                ),
                writes=(2, 3),
            )  # Mention, HCP; 3 relationships
            institutions = author.institutions or [
                (None, name)
                for text in author.affiliations
                for name in institution_names(text, author.family, author.given or author.initials)
            ]
            ids = {institution_id(name, ror): (name, ror) for ror, name in institutions}
            for iid, (name, ror) in ids.items():
                city, state, country = institution_place(name, author.affiliations)
                batch.node(
                    "Institution", iid, name=name, ror=ror, city=city, state=state, country=country
                )
                batch.statement_row(
                    f"{verb}_authorship_affiliations",
                    {
                        "mention_id": mention.id,
                        "hcp_id": resolution.hcp_id,
                        "institution_id": iid,
                        "year": paper.year,
                    },
                    writes=(0, 2),
                )
