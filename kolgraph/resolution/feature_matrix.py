"""Pair features of many pairs at once: :func:`features.pair_features`, vectorised.

Affiliation similarities are sparse matrix products, per-mention facts become arrays,
the small set overlaps (co-authors, topics, e-mails, words) are counted in one pass, and
the name features, which depend only on the two names, are computed once per distinct
pair of names. The
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

from collections.abc import Hashable, Sequence

import numpy as np

from kolgraph.resolution.affiliations import AffiliationIdf
from kolgraph.resolution.features import FEATURES, pair_features
from kolgraph.resolution.profiles import Profile
from kolgraph.resolution.vocabulary import Vocabulary

_EMPTY = Vocabulary()
_COLUMN = {name: i for i, name in enumerate(FEATURES)}
_NAME_FEATURES = ("family_equal", "given_full_equal", "given_compatible", "given_initial_only",
                  "given_both_full", "middle_match", "middle_conflict", "family_frequency",
                  "given_frequency", "family_length")


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
    # e-mails, co-authors, topics, words: small sets, intersected pair by pair
    idf_of = vocab.idf
    overlaps = np.array([
        (len(a.coauthors & b.coauthors), len(a.topics & b.topics), bool(a.emails & b.emails),
         sum(idf_of(w) ** 2 for w in a.words & b.words) if a.words and b.words else 0.0)
        for a, b in pairs], dtype=float).reshape(len(pairs), 4)
    out[:, column("email_equal")] = overlaps[:, 2]
    for j, (items, shared_name, jaccard_name) in enumerate(
            (("coauthors", "shared_coauthors", "coauthor_jaccard"),
             ("topics", "shared_topics", "topic_jaccard"))):
        sizes = np.array([len(getattr(p, items)) for p in profiles], dtype=float)
        shared = overlaps[:, j]
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
    norms = np.array([vocab._norm(p.words) if p.words else 0.0 for p in profiles])
    dot = overlaps[:, 3]
    denominator = norms[left] * norms[right]
    similarity = np.divide(dot, denominator, out=np.zeros_like(dot), where=denominator > 0)
    out[:, column("text_similarity")] = np.minimum(similarity, 1.0)
    out[:, column("text_missing")] = denominator == 0
    return out
