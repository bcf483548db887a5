"""Pair features of many pairs at once: :func:`features.pair_features`, vectorised.

Set overlaps (co-authors, topics, e-mails, IDF-weighted words) become row-wise products
of sparse incidence matrices, per-mention facts become arrays, and the name features,
which depend only on the two names, are computed once per distinct pair of names. The
numbers are those of :func:`~kolgraph.resolution.features.pair_features`, row for row.

Examples
--------
>>> from kolgraph.resolution.affiliations import AffiliationIdf
>>> from kolgraph.resolution.features import pair_features
>>> from kolgraph.resolution.profiles import Profile
>>> idf = AffiliationIdf({}, 1.0)
>>> a = Profile("a", "lee", ("ann", "b"), coauthors=frozenset({"wu x", "ng y"}), year=2001)
>>> b = Profile("b", "lee", ("a",), coauthors=frozenset({"wu x"}), year=2011)
>>> bool((pair_feature_matrix([(a, b)], idf)[0] == pair_features(a, b, idf)).all())
True
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Sequence

import numpy as np
from scipy import sparse

from kolgraph.resolution.affiliations import AffiliationIdf
from kolgraph.resolution.features import FEATURES, pair_features
from kolgraph.resolution.profiles import Profile
from kolgraph.resolution.vocabulary import Vocabulary

_EMPTY = Vocabulary()
_COLUMN = {name: i for i, name in enumerate(FEATURES)}
_NAME_FEATURES = ("family_equal", "given_full_equal", "given_compatible", "given_initial_only",
                  "given_both_full", "middle_match", "middle_conflict", "family_frequency",
                  "given_frequency", "family_length")


def _incidence(sets: Sequence[Iterable[str]],
               weight: Callable[[str], float] | None = None) -> sparse.csr_matrix:
    """Profiles × items matrix: 1 (or ``weight(item)``) where the profile holds the item."""
    columns: dict[str, int] = {}
    indptr, indices, data = [0], [], []
    for items in sets:
        for item in items:
            indices.append(columns.setdefault(item, len(columns)))
            data.append(weight(item) if weight else 1.0)
        indptr.append(len(indices))
    return sparse.csr_matrix((data, indices, indptr), shape=(len(sets), max(len(columns), 1)))


def _shared(matrix: sparse.csr_matrix, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Row-wise dot products of ``matrix[left]`` and ``matrix[right]``."""
    return np.asarray(matrix[left].multiply(matrix[right]).sum(axis=1)).ravel()


def _codes(values: Sequence[Hashable]) -> np.ndarray:
    """Integer codes of values, -1 for empty ones (so equality means 'both set, equal')."""
    table: dict[Hashable, int] = {}
    return np.array([table.setdefault(v, len(table)) if v else -1 for v in values], dtype=np.int64)


def pair_feature_matrix(pairs: Sequence[tuple[Profile, Profile]], idf: AffiliationIdf,
                        vocabulary: Vocabulary | None = None) -> np.ndarray:
    """The :data:`~kolgraph.resolution.features.FEATURES` of many pairs, one row each."""
    vocab = vocabulary or _EMPTY
    out = np.zeros((len(pairs), len(FEATURES)))
    if not pairs:
        return out
    index: dict[int, int] = {}
    profiles: list[Profile] = []
    left = np.empty(len(pairs), dtype=np.int64)
    right = np.empty(len(pairs), dtype=np.int64)
    names: dict[tuple[str, tuple[str, ...], str, tuple[str, ...]], list[float]] = {}
    name_rows = np.empty((len(pairs), len(_NAME_FEATURES)))
    for k, (a, b) in enumerate(pairs):
        for side, p in ((left, a), (right, b)):
            i = index.get(id(p))
            if i is None:
                i = index[id(p)] = len(profiles)
                profiles.append(p)
            side[k] = i
        key = (a.family, a.given, b.family, b.given)
        row = names.get(key)
        if row is None:
            full = pair_features(Profile("", a.family, a.given), Profile("", b.family, b.given),
                                 idf, vocab, 0.0)
            row = names[key] = [full[_COLUMN[n]] for n in _NAME_FEATURES]
        name_rows[k] = row
    for j, name in enumerate(_NAME_FEATURES):
        out[:, _COLUMN[name]] = name_rows[:, j]

    def column(name: str) -> int:
        return _COLUMN[name]

    # affiliations
    has_aff = np.array([bool(p.affiliations) for p in profiles])
    both_aff = has_aff[left] & has_aff[right]
    sims = np.array(idf.best_similarities(
        [(a.affiliations, b.affiliations) if both_aff[k] else ((), ())
         for k, (a, b) in enumerate(pairs)]))
    out[:, column("affiliation_similarity")] = np.where(both_aff, sims, 0.0)
    out[:, column("affiliation_missing")] = ~both_aff
    # e-mails, co-authors, topics
    emails = _incidence([p.emails for p in profiles])
    out[:, column("email_equal")] = _shared(emails, left, right) > 0
    for items, shared_name, jaccard_name in (("coauthors", "shared_coauthors", "coauthor_jaccard"),
                                             ("topics", "shared_topics", "topic_jaccard")):
        sets = [getattr(p, items) for p in profiles]
        sizes = np.array([len(s) for s in sets], dtype=float)
        shared = _shared(_incidence(sets), left, right)
        union = sizes[left] + sizes[right] - shared
        out[:, column(shared_name)] = np.log1p(shared)
        out[:, column(jaccard_name)] = np.divide(shared, union, out=np.zeros_like(shared),
                                                 where=union > 0)
        if items == "coauthors":
            out[:, column("coauthors_listed")] = sizes[left] + sizes[right]
        else:
            out[:, column("topics_missing")] = ~((sizes[left] > 0) & (sizes[right] > 0))
    # journal, year, language, country, ORCID
    for name, attr in (("journal_equal", "journal"), ("language_equal", "language"),
                       ("country_equal", "country"), ("orcid_equal", "orcid")):
        codes = _codes([getattr(p, attr) for p in profiles])
        out[:, column(name)] = (codes[left] >= 0) & (codes[left] == codes[right])
    years = np.array([p.year or 0 for p in profiles], dtype=float)
    both_years = (years[left] != 0) & (years[right] != 0)
    gap = np.where(both_years, np.abs(years[left] - years[right]), 0.0)
    out[:, column("year_gap")] = np.minimum(gap, 40) / 10.0
    out[:, column("year_missing")] = ~both_years
    # title and abstract words
    words = [p.words for p in profiles]
    norms = np.array([vocab._norm(w) if w else 0.0 for w in words])
    dot = _shared(_incidence(words, vocab.idf), left, right)
    denominator = norms[left] * norms[right]
    similarity = np.divide(dot, denominator, out=np.zeros_like(dot), where=denominator > 0)
    out[:, column("text_similarity")] = np.minimum(similarity, 1.0)
    out[:, column("text_missing")] = denominator == 0
    return out

