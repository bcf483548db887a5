"""Pair features: the :data:`~kolgraph.resolution.features.FEATURES` of many pairs at
once (:func:`pair_feature_matrix`), and of one pair as a row of it (:func:`pair_features`).

Affiliation similarities are sparse matrix products, per-mention facts become arrays,
the small set overlaps (co-authors, topics, e-mails) are counted in one pass, and the name
features, which depend only on the two names, are computed once per distinct pair of
names. Record evidence (:mod:`~kolgraph.resolution.evidence`) is handled per distinct
record: IDF cosines (:class:`~kolgraph.resolution.idf.Idf`) and journal profiles as
row-wise products of sparse unit vectors, LSA vectors as one sparse-dense product, record
affiliations capped at ``MAX_RECORD_AFFILIATIONS`` per record.

Examples
--------
>>> from kolgraph.resolution.affiliations import AffiliationIdf
>>> from kolgraph.resolution.profiles import Profile
>>> idf = AffiliationIdf({}, 1.0)
>>> a = Profile("a", "stenkamp", ("deborah", "l"), coauthors=frozenset({"hu m"}))
>>> b = Profile("b", "stenkamp", ("d", "l"), coauthors=frozenset({"hu m", "li x"}))
>>> f = dict(zip(FEATURES, pair_features(a, b, idf)))
>>> f["given_compatible"], f["middle_match"], f["coauthor_jaccard"]
(1.0, 1.0, 0.5)
>>> pair_feature_matrix([(a, b), (b, a)], idf).shape == (2, len(FEATURES))
True
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence

import numpy as np
from scipy import sparse

from kolgraph.resolution.affiliations import AffiliationIdf
from kolgraph.resolution.embedding import has_text, record_similarities
from kolgraph.resolution.evidence import (
    EXTRA_FEATURES,
    CorpusStats,
    RecordEvidence,
    shared_fullnames,
)
from kolgraph.resolution.features import FEATURES, NAME_FEATURES, name_features, own_fullname
from kolgraph.resolution.profiles import Profile, shared_coauthors
from kolgraph.resolution.vocabulary import Vocabulary

_EMPTY = Vocabulary()
_COLUMN = {name: i for i, name in enumerate(FEATURES)}
_EXTRA_START = FEATURES.index(EXTRA_FEATURES[0])
MAX_NAME_ROWS = 200_000  # name pairs whose features are kept between calls
_NAME_ROWS: dict[
    tuple[int, tuple[str, tuple[str, ...], str, tuple[str, ...]]], tuple[Vocabulary, list[float]]
] = {}


def _codes(values: Sequence[Hashable]) -> np.ndarray:
    """Integer codes of values, -1 for empty ones (so equality means 'both set, equal')."""
    table: dict[Hashable, int] = {}
    return np.array([table.setdefault(v, len(table)) if v else -1 for v in values], dtype=np.int64)


def _name_row(
    key: tuple[str, tuple[str, ...], str, tuple[str, ...]], vocabulary: Vocabulary
) -> list[float]:
    """The ``NAME_FEATURES`` of a pair of names ``(family, given, family, given)``, kept
    across calls (the same blocks meet batch after batch)."""
    cached = _NAME_ROWS.get((id(vocabulary), key))
    if cached is not None and cached[0] is vocabulary:
        return cached[1]
    row = name_features(*key, vocabulary)
    if len(_NAME_ROWS) >= MAX_NAME_ROWS:
        _NAME_ROWS.clear()
    _NAME_ROWS[(id(vocabulary), key)] = (vocabulary, row)
    return row


def pair_features(
    a: Profile, b: Profile, idf: AffiliationIdf, vocabulary: Vocabulary | None = None
) -> list[float]:
    """The :data:`~kolgraph.resolution.features.FEATURES` of the pair (a, b): one row of
    :func:`pair_feature_matrix`; symmetric in a and b but for the name counts
    (``family_frequency``, ``given_frequency``, ``family_length``: a's name). ``vocabulary``
    gives name frequencies and word weights (empty when omitted)."""
    return [float(x) for x in pair_feature_matrix([(a, b)], idf, vocabulary)[0]]


def pair_feature_matrix(
    pairs: Sequence[tuple[Profile, Profile]],
    idf: AffiliationIdf,
    vocabulary: Vocabulary | None = None,
    *,
    embed: bool = True,
) -> np.ndarray:
    """The :data:`~kolgraph.resolution.features.FEATURES` of many pairs, one row each;
    without ``embed``, no record is embedded and the embedding's columns read "missing"
    (for a model trained without them)."""
    vocab = vocabulary or _EMPTY
    out = np.zeros((len(pairs), len(FEATURES)))
    if not pairs:
        return out
    index: dict[int, int] = {}
    profiles: list[Profile] = []
    left = np.empty(len(pairs), dtype=np.int64)
    right = np.empty(len(pairs), dtype=np.int64)
    name_rows = np.empty((len(pairs), len(NAME_FEATURES)))
    for k, (a, b) in enumerate(pairs):
        for side, p in ((left, a), (right, b)):
            i = index.get(id(p))
            if i is None:
                i = index[id(p)] = len(profiles)
                profiles.append(p)
            side[k] = i
        name_rows[k] = _name_row((a.family, a.given, b.family, b.given), vocab)
    for j, name in enumerate(NAME_FEATURES):
        out[:, _COLUMN[name]] = name_rows[:, j]

    def column(name: str) -> int:
        return _COLUMN[name]

    # affiliations
    has_aff = np.array([bool(p.affiliations) for p in profiles])
    both_aff = has_aff[left] & has_aff[right]
    sims = np.array(
        idf.best_similarities(
            [
                (a.affiliations, b.affiliations) if both_aff[k] else ((), ())
                for k, (a, b) in enumerate(pairs)
            ]
        )
    )
    out[:, column("affiliation_similarity")] = np.where(both_aff, sims, 0.0)
    out[:, column("affiliation_missing")] = ~both_aff
    # e-mails, co-authors, topics: small sets, intersected pair by pair
    overlaps = np.array(
        [
            (shared_coauthors(a, b), len(a.topics & b.topics), bool(a.emails & b.emails))
            for a, b in pairs
        ],
        dtype=float,
    ).reshape(len(pairs), 3)
    out[:, column("email_equal")] = overlaps[:, 2]
    for j, (items, shared_name, jaccard_name) in enumerate(
        (
            ("coauthors", "shared_coauthors", "coauthor_jaccard"),
            ("topics", "shared_topics", "topic_jaccard"),
        )
    ):
        sizes = np.array(
            [p.n_coauthors if items == "coauthors" else len(p.topics) for p in profiles],
            dtype=float,
        )
        shared = overlaps[:, j]
        union = sizes[left] + sizes[right] - shared
        out[:, column(shared_name)] = np.log1p(shared)
        out[:, column(jaccard_name)] = np.divide(
            shared, union, out=np.zeros_like(shared), where=union > 0
        )
        if items == "coauthors":
            out[:, column("coauthors_listed")] = sizes[left] + sizes[right]
        else:
            out[:, column("topics_missing")] = ~((sizes[left] > 0) & (sizes[right] > 0))
    # journal, year, language, country, ORCID
    for name, attr in (
        ("journal_equal", "journal"),
        ("language_equal", "language"),
        ("country_equal", "country"),
        ("orcid_equal", "orcid"),
    ):
        codes = _codes([getattr(p, attr) for p in profiles])
        out[:, column(name)] = (codes[left] >= 0) & (codes[left] == codes[right])
    years = np.array([p.year or 0 for p in profiles], dtype=float)
    both_years = (years[left] != 0) & (years[right] != 0)
    gap = np.where(both_years, np.abs(years[left] - years[right]), 0.0)
    out[:, column("year_gap")] = np.minimum(gap, 40) / 10.0
    out[:, column("year_missing")] = ~both_years
    # title and abstract words
    has_words = np.array([bool(p.words) for p in profiles])
    out[:, column("text_similarity")] = vocab.word_idf.cosines(
        [p.words for p in profiles], left, right
    )
    out[:, column("text_missing")] = ~(has_words[left] & has_words[right])
    out[:, _EXTRA_START : _EXTRA_START + len(EXTRA_FEATURES)] = record_feature_matrix(
        profiles, left, right, idf, vocab.corpus, embed=embed
    )
    return out


def record_feature_matrix(
    profiles: Sequence[Profile],
    left: np.ndarray,
    right: np.ndarray,
    idf: AffiliationIdf,
    stats: CorpusStats,
    *,
    embed: bool = True,
) -> np.ndarray:
    """:data:`~kolgraph.resolution.evidence.EXTRA_FEATURES` of the pairs
    ``(profiles[left[k]], profiles[right[k]])``, one row each (the text embedding's only
    with ``embed``)."""
    n = len(left)
    out = np.zeros((n, len(EXTRA_FEATURES)))
    if not n:
        return out
    col = {name: j for j, name in enumerate(EXTRA_FEATURES)}
    index: dict[int, int] = {}
    records: list[RecordEvidence] = []
    of_profile = np.empty(len(profiles), dtype=np.int64)
    for i, p in enumerate(profiles):
        r = index.get(id(p.record))
        if r is None:
            r = index[id(p.record)] = len(records)
            records.append(p.record)
        of_profile[i] = r
    rl, rr = of_profile[left], of_profile[right]
    own = [own_fullname(p) for p in profiles]
    # set overlaps: C-level set operations, one tuple per pair
    counts = np.array(
        [
            _overlaps(profiles[i].record, own[i], profiles[j].record, own[j])
            for i, j in zip(left.tolist(), right.tolist(), strict=True)
        ],
        dtype=float,
    ).reshape(n, 6)
    n_refs = np.array([len(r.references) for r in records], dtype=float)
    n_agencies = np.array([len(r.agencies) for r in records], dtype=float)
    has_grants = np.array([bool(r.grants) for r in records])
    out[:, col["self_citation"]] = counts[:, 0]
    shared = counts[:, 1]
    union = n_refs[rl] + n_refs[rr] - shared
    out[:, col["shared_references"]] = np.log1p(shared)
    out[:, col["reference_jaccard"]] = np.divide(shared, union, out=np.zeros(n), where=union > 0)
    out[:, col["references_missing"]] = ~((n_refs[rl] > 0) & (n_refs[rr] > 0))
    out[:, col["shared_grants"]] = counts[:, 2]
    union = n_agencies[rl] + n_agencies[rr] - counts[:, 3]
    out[:, col["agency_jaccard"]] = np.divide(counts[:, 3], union, out=np.zeros(n), where=union > 0)
    out[:, col["grants_missing"]] = ~(has_grants[rl] & has_grants[rr])
    out[:, col["shared_keywords"]] = np.log1p(counts[:, 4])
    out[:, col["coauthor_fullname_shared"]] = np.log1p(counts[:, 5])
    # IDF cosines as sparse products
    for name, attr, table in (
        ("chemical_similarity", "chemicals", stats.chemicals),
        ("mesh_similarity", "mesh", stats.mesh),
        ("mesh_major_similarity", "mesh_major", stats.mesh),
        ("abstract_similarity", "words", stats.words),
        ("journal_title_similarity", "journal_words", stats.journal_words),
    ):
        out[:, col[name]] = table.cosines([getattr(r, attr) for r in records], rl, rr)
    # journals: the same NLM id, else the cosine of the journals' MeSH profiles
    journals = [r.nlm_journal_id for r in records]
    codes: dict[str, int] = {}
    jcode = np.array([codes.setdefault(j, len(codes)) if j else -1 for j in journals])
    jl, jr = jcode[rl], jcode[rr]
    both = (jl >= 0) & (jr >= 0)
    sims = np.zeros(n)
    sims[both] = stats.journals.cosines(list(codes), jl[both], jr[both])
    out[:, col["journal_similarity"]] = np.where(both & (jl == jr), 1.0, sims)
    # record affiliations: best 3-gram similarity of any two (capped lists)
    has_aff = np.array([bool(r.affiliations) for r in records])
    both = has_aff[rl] & has_aff[rr]
    out[:, col["record_affiliation_similarity"]] = _record_affiliation_similarities(
        [r.affiliations for r in records], rl, rr, both, idf
    )
    out[:, col["record_affiliation_missing"]] = ~both
    # positions, author counts, years
    position = np.array([p.position for p in profiles])
    authors = np.array([r.n_authors for r in records])
    pl, pr, al, ar = position[left], position[right], authors[rl], authors[rr]
    out[:, col["position_last_both"]] = (pl == al) & (al > 1) & (pr == ar) & (ar > 1)
    out[:, col["position_first_both"]] = (pl == 1) & (pr == 1)
    out[:, col["authors_max"]] = np.maximum(al, ar)
    years = np.array([p.year or 3000 for p in profiles], dtype=float)
    out[:, col["year_min"]] = np.minimum(years[left], years[right])
    # text embeddings of title, abstract and MeSH: one per record, kept on the record
    if embed:
        with_text = has_text(records)
        out[:, col["embedding_similarity"]] = record_similarities(records, rl, rr)
        out[:, col["embedding_missing"]] = ~(with_text[rl] & with_text[rr])
    else:
        out[:, col["embedding_missing"]] = 1.0
    # LSA topic vectors: one sparse-dense product for every distinct record
    if stats.lsa_rows:
        rows = [stats.lsa_buckets_of(r) for r in records]
        indptr = np.cumsum([0] + [len(r) for r in rows])
        flat = np.concatenate(rows) if rows else np.empty(0, dtype=np.int32)
        terms = sparse.csr_matrix(
            (np.ones(len(flat)), flat, indptr), shape=(len(records), len(stats.lsa_keys))
        )
        terms.sum_duplicates()
        vectors = np.asarray(terms @ stats.lsa_matrix)
        norms = np.sqrt((vectors * vectors).sum(axis=1))
        vectors = np.divide(
            vectors, norms[:, None], out=np.zeros_like(vectors), where=norms[:, None] > 0
        )
        out[:, col["lsa_similarity"]] = (vectors[rl] * vectors[rr]).sum(axis=1)
    return out


def _record_affiliation_similarities(
    lists: Sequence[tuple[str, ...]],
    rl: np.ndarray,
    rr: np.ndarray,
    both: np.ndarray,
    idf: AffiliationIdf,
) -> np.ndarray:
    """:meth:`AffiliationIdf.best_similarity` of the record pairs ``(rl[k], rr[k])`` where
    ``both[k]``, else 0; every distinct record pair is computed once (records of one paper
    meet in many blocks).

    Records that share a text score 1. The other pairs' text-by-text dot products come
    from one sparse matrix product: the texts of each left record are rows whose 3-gram
    columns are shifted into a range of their own, and every right record paired with it
    gets its texts shifted into the same range, so a product is non-zero only within a
    record pair."""
    n = len(rl)
    result = np.zeros(n)
    if not both.any():
        return result
    size = len(lists)
    low, high = np.minimum(rl, rr)[both], np.maximum(rl, rr)[both]
    keys, inverse = np.unique(low * size + high, return_inverse=True)
    # Records that share a text (written the same way in both) score 1, the similarity of
    # a text with itself, without the product.
    same = np.fromiter(
        (
            _share_a_text(lists[a], lists[b], idf)
            for a, b in zip((keys // size).tolist(), (keys % size).tolist(), strict=True)
        ),
        dtype=bool,
        count=len(keys),
    )
    best = np.ones(len(keys))
    if not same.all():
        best[~same] = _best_text_similarities(lists, keys[~same] // size, keys[~same] % size, idf)
    result[both] = np.minimum(best, 1.0)[inverse.ravel()]
    return result


def _share_a_text(a: tuple[str, ...], b: tuple[str, ...], idf: AffiliationIdf) -> bool:
    """Whether the two lists hold one text with 3-grams (a text without has no vector)."""
    if a is b:
        return any(map(idf.has_vector, a))
    return any(map(idf.has_vector, set(a).intersection(b)))


def _best_text_similarities(
    lists: Sequence[tuple[str, ...]], ua: np.ndarray, ub: np.ndarray, idf: AffiliationIdf
) -> np.ndarray:
    """The best text-by-text similarity of each record pair ``(ua[k], ub[k])`` (distinct
    pairs, every list non-empty), by one sparse product (see the caller)."""
    size = len(lists)
    # every text of the records involved, once, as a unit row of 3-gram weights
    text_ids: dict[str, int] = {}
    counts = np.zeros(size, dtype=np.int64)
    offsets = np.zeros(size, dtype=np.int64)
    flat: list[int] = []
    for r in np.unique(np.concatenate([ua, ub])).tolist():
        offsets[r], counts[r] = len(flat), len(lists[r])
        flat += [text_ids.setdefault(t, len(text_ids)) for t in lists[r]]
    ids = np.asarray(flat, dtype=np.int64)
    unit = idf.unit_rows(list(text_ids))
    present = np.zeros(unit.shape[1] + 1, dtype=np.int64)  # compact the 3-gram columns
    present[unit.indices + 1] = 1
    width = max(int(present.sum()), 1)
    unit = sparse.csr_matrix(
        (unit.data, np.cumsum(present)[unit.indices + 1] - 1, unit.indptr),
        shape=(unit.shape[0], width),
    )
    lefts, group = np.unique(ua, return_inverse=True)

    def texts_of(records: np.ndarray, ranges: np.ndarray) -> sparse.csr_matrix:
        """One row per text of each record, its columns in the record's range."""
        per = counts[records]
        first = np.repeat(offsets[records] - np.cumsum(per) + per, per)
        rows = unit[ids[first + np.arange(int(per.sum()))]]
        rows.indices = (
            rows.indices + np.repeat(np.repeat(ranges, per), np.diff(rows.indptr)) * width
        )
        return sparse.csr_matrix(
            (rows.data, rows.indices, rows.indptr), shape=(rows.shape[0], len(lefts) * width)
        )

    right = texts_of(ub, group.ravel())
    dots = right @ texts_of(lefts, np.arange(len(lefts))).T  # right text x left text
    best_row = np.zeros(right.shape[0])
    filled = np.diff(dots.indptr) > 0
    best_row[filled] = np.maximum.reduceat(dots.data, dots.indptr[:-1][filled])
    per = counts[ub]  # pair k's right texts: the per[k] rows before cumsum(per)[k]
    best = np.zeros(len(ua))
    best[per > 0] = np.maximum.reduceat(best_row, (np.cumsum(per) - per)[per > 0])
    return best


def _overlaps(
    a: RecordEvidence, own_a: str | None, b: RecordEvidence, own_b: str | None
) -> tuple[bool, int, bool, int, int, int]:
    """Self-citation, shared references, shared grant, shared agencies, shared keywords,
    shared full-name co-authors of one pair of records."""
    cites = bool(
        (b.pmid and (b.pmid in a.references or b.pmid in a.linked))
        or (a.pmid and (a.pmid in b.references or a.pmid in b.linked))
    )
    return (
        cites,
        len(a.references & b.references),
        not a.grants.isdisjoint(b.grants),
        len(a.agencies & b.agencies),
        len(a.keywords & b.keywords),
        shared_fullnames(a, own_a, b, own_b),
    )
