"""Record evidence: what a whole publication record says about its authors, and the pair
features it gives (:data:`EXTRA_FEATURES`).

A PubMed record carries more than the author's own name and affiliation: the PMIDs it
cites, its grants, chemicals, keywords, MeSH descriptors, the journal (NLM id), the
affiliations of *all* its authors (before 2014 MEDLINE kept only the first author's, which
still names the lab), the whole abstract and the co-authors' full names. A
:class:`RecordEvidence` holds them once per record, shared by the record's authors
(stored once on the Publication node, see ``docs/schema.md``).

Topic distances need corpus statistics: IDF tables, each journal's MeSH profile and a
25-dimension LSA projection (:class:`CorpusStats`). They use no labels, are fitted on the
training corpus (:func:`fit_corpus_stats`) and ship in ``model.json`` with the vocabulary.

Every feature is symmetric and 0 when either side lacks the field; the ``*_missing`` flags
let the trees tell "no overlap" from "nothing to compare".

The features of many pairs: ``feature_matrix.record_feature_matrix``.

Examples
--------
>>> a = RecordEvidence(pmid="1", fullnames=frozenset({"lee ann", "wu xi", "ng bo"}))
>>> b = RecordEvidence(pmid="2", fullnames=frozenset({"lee ann", "wu xi"}))
>>> shared_fullnames(a, "lee ann", b, "lee ann")  # the two mentions themselves left out
1
"""

from __future__ import annotations

import itertools
import sys
import zlib
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np

from kolgraph.resolution.idf import Idf
from kolgraph.resolution.names import family_key, given_tokens

MAX_RECORD_AFFILIATIONS = 20
"""Record affiliations kept per record (the first ones): 2,000-author physics papers list
hundreds, and comparing two records' affiliations costs the product of their counts."""

LSA_BUCKETS = 1 << 16
"""Terms are hashed into this many buckets (CRC-32) before the SVD: far more than the
corpus has terms, so few collide, and no vocabulary needs shipping (rows by bucket id)."""

LSA_DIMS = 25


@dataclass(frozen=True, slots=True, weakref_slot=True)
class RecordEvidence:
    """What one publication record says about all of its authors.

    ``fullnames`` are ``"family_key first_given_token"`` of the authors whose first name is
    written out (a mention's own name is left out when comparing co-authors).
    """

    pmid: str | None = None
    references: frozenset[str] = frozenset()  # cited PMIDs
    linked: frozenset[str] = frozenset()  # CommentsCorrections PMIDs
    grants: frozenset[str] = frozenset()  # normalised grant ids
    agencies: frozenset[str] = frozenset()
    chemicals: frozenset[str] = frozenset()  # MeSH UIs of the substances
    keywords: frozenset[str] = frozenset()
    mesh: frozenset[str] = frozenset()  # descriptor UIs
    mesh_major: frozenset[str] = frozenset()
    nlm_journal_id: str | None = None
    journal_words: frozenset[str] = frozenset()
    affiliations: tuple[str, ...] = ()  # every author's, first MAX_RECORD_AFFILIATIONS
    words: frozenset[str] = frozenset()  # content words of the title and whole abstract
    fullnames: frozenset[str] = frozenset()
    n_authors: int = 0
    # (CorpusStats serial, LSA projection rows as an int32 array), set by
    # CorpusStats.lsa_buckets_of: kept with the record, so it goes with it
    lsa_memo: Any = field(default=None, init=False, repr=False, compare=False, hash=False)
    # the unit text embedding (float16; empty without text), set by
    # embedding.record_embeddings and kept with the record like lsa_memo
    embedding_memo: Any = field(default=None, init=False, repr=False, compare=False, hash=False)

    @classmethod
    def from_properties(cls, props: Mapping[str, Any]) -> RecordEvidence:
        """The evidence of a stored Publication (``record_*`` properties read back by
        ``mentions_in_blocks``); :data:`NO_RECORD` when there is none. Equal property
        values give one shared object (the authors of one paper read in several blocks).

        Examples
        --------
        >>> RecordEvidence.from_properties({}) is NO_RECORD
        True
        >>> RecordEvidence.from_properties({"record_topic_ids": ["mesh:D1", "openalex:T9"],
        ...                                 "record_grants": ["CA1234"]}).mesh
        frozenset({'D1'})
        """
        key = tuple(
            tuple(v) if isinstance(v := props.get(name), list) else v for name in RECORD_PROPERTIES
        )
        return _record_from_values(key)

    def lsa_tokens(self) -> list[str]:
        """The tokens this record gives the LSA topic model: words, ``m_`` MeSH UIs,
        ``c_`` chemical UIs, ``j_`` journal-title words (lower case, sorted)."""
        tokens = (
            {*self.words}
            | {f"m_{u}" for u in self.mesh}
            | {f"c_{u}" for u in self.chemicals}
            | {f"j_{w}" for w in self.journal_words}
        )
        return sorted({t.lower() for t in tokens})


NO_RECORD = RecordEvidence()
_NO_ROWS = np.empty(0, dtype=np.int32)
_STATS_SERIALS = itertools.count()
RECORD_PROPERTIES: tuple[str, ...] = (
    "record_pmid",
    "record_cited_pmids",
    "record_linked_pmids",
    "record_grants",
    "record_grant_agencies",
    "record_chemicals",
    "record_keywords",
    "record_topic_ids",
    "record_major_topic_ids",
    "record_nlm_journal_id",
    "record_journal",
    "record_affiliations",
    "record_abstract_words",
    "record_author_fullnames",
    "record_n_authors",
)
"""The names ``mentions_in_blocks`` gives a stored mention's record evidence."""


_EMPTY: frozenset[str] = frozenset()


def _set(items: Iterable[str] | None) -> frozenset[str]:
    """A frozenset of ``items``; one shared object when there are none (CPython makes a
    new empty frozenset, 216 bytes, each time, and most records lack most evidence)."""
    found = frozenset(items or ())
    return found if found else _EMPTY


@lru_cache(maxsize=8192)
def _record_from_values(values: tuple[Any, ...]) -> RecordEvidence:
    (
        pmid,
        cited,
        linked,
        grants,
        agencies,
        chemicals,
        keywords,
        topics,
        major,
        nlm,
        journal,
        affiliations,
        words,
        fullnames,
        n_authors,
    ) = values
    record = RecordEvidence(
        pmid=pmid,
        references=_set(cited),
        linked=_set(linked),
        grants=_set(grants),
        agencies=_set(agencies),
        chemicals=_set(chemicals),
        keywords=_set(keywords),
        mesh=mesh_uis(topics or ()),
        mesh_major=mesh_uis(major or ()),
        nlm_journal_id=nlm,
        journal_words=_set(journal_words(journal)),
        affiliations=tuple(affiliations or ())[:MAX_RECORD_AFFILIATIONS],
        words=_set(words),
        fullnames=_set(fullnames),
        n_authors=int(n_authors or 0),
    )
    return NO_RECORD if record == NO_RECORD else record


def mesh_uis(topic_ids: Iterable[str]) -> frozenset[str]:
    """Descriptor UIs of the ``mesh:`` topic ids.

    >>> sorted(mesh_uis(["mesh:D1", "openalex:T9", "mesh:D2"]))
    ['D1', 'D2']
    """
    return _set(sys.intern(t[5:]) for t in topic_ids if t.startswith("mesh:"))


def journal_words(title: str | None) -> list[str]:
    """Content words of a journal title ("Physical review B" -> physical, review)."""
    from kolgraph.resolution.vocabulary import content_words

    return content_words(title)


def fullname(family: str | None, given: str | None) -> str | None:
    """``"family_key first_token"`` when the first name is written out, else None.

    >>> fullname("Stenkamp", "Deborah L"), fullname("Stenkamp", "D L")
    ('stenkamp deborah', None)
    """
    tokens = given_tokens(given)
    key = family_key(family)
    return f"{key} {tokens[0]}" if key and tokens and len(tokens[0]) > 1 else None


EXTRA_FEATURES: tuple[str, ...] = (
    "self_citation",
    "shared_references",
    "reference_jaccard",
    "references_missing",
    "shared_grants",
    "agency_jaccard",
    "grants_missing",
    "chemical_similarity",
    "shared_keywords",
    "mesh_similarity",
    "mesh_major_similarity",
    "journal_similarity",
    "record_affiliation_similarity",
    "record_affiliation_missing",
    "coauthor_fullname_shared",
    "abstract_similarity",
    "position_last_both",
    "position_first_both",
    "authors_max",
    "year_min",
    "lsa_similarity",
    "journal_title_similarity",
    "embedding_similarity",
    "embedding_missing",
)


@dataclass
class CorpusStats:
    """Label-free statistics of the training corpus, shipped in ``model.json``.

    ``journal_mesh``: NLM journal id -> MeSH UI -> records of the journal carrying it; a
    journal's profile is those counts times the MeSH IDF. ``lsa_keys``/``lsa_rows``: for
    the LSA topic vector, the hash buckets (of ``lsa_buckets``) of the terms seen in two
    records or more and their rows of the SVD projection, the TF-IDF weight folded in; a
    record's vector is the normalised sum of the rows of its terms' buckets.
    """

    mesh: Idf = field(default_factory=Idf)
    chemicals: Idf = field(default_factory=Idf)
    words: Idf = field(default_factory=Idf)
    journal_words: Idf = field(default_factory=Idf)
    journal_mesh: dict[str, dict[str, int]] = field(default_factory=dict)
    lsa_buckets: int = 0
    lsa_keys: list[int] = field(default_factory=list)
    lsa_rows: list[list[float]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.lsa_index = {b: i for i, b in enumerate(self.lsa_keys)}
        self._serial = next(_STATS_SERIALS)  # names these stats in RecordEvidence.lsa_memo
        self.lsa_matrix = (
            np.asarray(self.lsa_rows, dtype=float) if self.lsa_rows else np.zeros((0, 0))
        )
        self.journals = JournalProfiles(self.mesh, self.journal_mesh)

    def lsa_buckets_of(self, record: RecordEvidence) -> np.ndarray:
        """The projection rows of a record's LSA terms (one per term; empty when no
        projection is shipped). Computed once per record and these stats, and kept on the
        record (``lsa_memo``)."""
        if not self.lsa_rows:
            return _NO_ROWS
        memo = record.lsa_memo
        if memo is not None and memo[0] == self._serial:
            return memo[1]
        index = self.lsa_index
        rows = np.fromiter(
            (
                i
                for t in record.lsa_tokens()
                if (i := index.get(lsa_bucket(t, self.lsa_buckets))) is not None
            ),
            dtype=np.int32,
        )
        object.__setattr__(record, "lsa_memo", (self._serial, rows))
        return rows

    def to_json(self) -> dict[str, Any]:
        """Plain numbers for ``model.json``."""
        return {
            "mesh": self.mesh.to_json(),
            "chemicals": self.chemicals.to_json(),
            "words": self.words.to_json(),
            "journal_words": self.journal_words.to_json(),
            "journal_mesh": self.journal_mesh,
            "lsa_buckets": self.lsa_buckets,
            "lsa_keys": self.lsa_keys,
            "lsa_rows": self.lsa_rows,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any] | None) -> CorpusStats:
        """Rebuild from :meth:`to_json` output (empty when absent)."""
        if not data:
            return cls()
        return cls(
            mesh=Idf.from_json(data["mesh"]),
            chemicals=Idf.from_json(data["chemicals"]),
            words=Idf.from_json(data["words"]),
            journal_words=Idf.from_json(data["journal_words"]),
            journal_mesh={j: dict(c) for j, c in data["journal_mesh"].items()},
            lsa_buckets=int(data["lsa_buckets"]),
            lsa_keys=list(data["lsa_keys"]),
            lsa_rows=list(data["lsa_rows"]),
        )


class JournalProfiles(Idf):
    """Journals as documents: a journal's MeSH profile weighs each descriptor by the
    records of the journal carrying it times the descriptor's IDF (``mesh``).

    >>> mesh = Idf({"D1": 1, "D2": 50}, 100)
    >>> j = JournalProfiles(mesh, {"J1": {"D1": 3}, "J2": {"D1": 1, "D2": 4}, "J3": {"D2": 2}})
    >>> j.cosine("J1", "J3"), 0 < j.cosine("J1", "J2") < 1, j.cosine("J1", "unknown")
    (0.0, True, 0.0)
    """

    def __init__(self, mesh: Idf, journal_mesh: Mapping[str, Mapping[str, int]]) -> None:
        super().__init__(mesh.df, mesh.documents)
        self.journal_mesh = journal_mesh

    def terms(self, document: Any) -> tuple[list[str], list[float]]:
        """The descriptors of a journal and how many of its records carry each."""
        counts = self.journal_mesh.get(document) or {}
        return list(counts), [float(c) for c in counts.values()]


def shared_fullnames(
    a: RecordEvidence, own_a: str | None, b: RecordEvidence, own_b: str | None
) -> int:
    """Co-authors (full names) the two records share, the two mentions themselves left out.

    >>> r = RecordEvidence(fullnames=frozenset({"lee ann", "wu xi", "ng bo"}))
    >>> shared_fullnames(r, "lee ann", r, "wu xi")
    1
    """
    shared = (
        a.fullnames & b.fullnames
        if len(a.fullnames) <= len(b.fullnames)
        else b.fullnames & a.fullnames
    )
    count = len(shared)
    if own_a and own_a in shared:
        count -= 1
    if own_b and own_b != own_a and own_b in shared:
        count -= 1
    return count


def lsa_bucket(term: str, buckets: int) -> int:
    """The projection row of an LSA term (CRC-32 of its UTF-8 bytes, stable everywhere).

    >>> lsa_bucket("m_d006003", 1 << 16)
    20962
    """
    return zlib.crc32(term.encode("utf-8")) % buckets


def fit_corpus_stats(
    records: Sequence[RecordEvidence],
    *,
    dims: int = LSA_DIMS,
    buckets: int = LSA_BUCKETS,
    seed: int = 0,
) -> CorpusStats:
    """Label-free statistics over the records of a corpus (one per record, not per author).

    The LSA projection: each record's terms (:meth:`RecordEvidence.lsa_tokens`) hashed
    into ``buckets`` buckets, ``TfidfVectorizer(min_df=2, sublinear_tf=True)`` +
    ``TruncatedSVD(dims)`` over the buckets; ``buckets=0`` fits none (``lsa_similarity``
    is then always 0).
    """
    from sklearn.decomposition import TruncatedSVD
    from sklearn.feature_extraction.text import TfidfVectorizer

    mesh = Idf.fit(r.mesh for r in records)
    counts: dict[str, Counter[str]] = {}
    for r in records:
        if r.nlm_journal_id and r.mesh:
            counts.setdefault(r.nlm_journal_id, Counter()).update(r.mesh)
    stats = CorpusStats(
        mesh=mesh,
        chemicals=Idf.fit(r.chemicals for r in records),
        words=Idf.fit(r.words for r in records),
        journal_words=Idf.fit(r.journal_words for r in records),
        journal_mesh={j: dict(c) for j, c in sorted(counts.items())},
    )
    docs = [
        " ".join(str(lsa_bucket(t, buckets)) for t in r.lsa_tokens()) if buckets else ""
        for r in records
    ]
    if sum(1 for d in docs if d) < 3:
        return stats
    vectorizer = TfidfVectorizer(token_pattern=r"\S+", min_df=2, sublinear_tf=True)
    try:
        matrix = vectorizer.fit_transform(docs)
    except ValueError:  # no bucket in two records
        return stats
    k = min(dims, matrix.shape[1] - 1, matrix.shape[0] - 1)
    if k < 1:
        return stats
    svd = TruncatedSVD(k, random_state=seed).fit(matrix)
    kept = sorted((int(term), col) for term, col in vectorizer.vocabulary_.items())
    stats.lsa_buckets, stats.lsa_keys = buckets, [b for b, _ in kept]
    stats.lsa_rows = [
        [round(float(svd.components_[d, col] * vectorizer.idf_[col]), 4) for d in range(k)]
        for _, col in kept
    ]
    stats.__post_init__()
    return stats
