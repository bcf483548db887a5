"""Affiliation similarity: TF-IDF over character 3-grams, cosine.

The IDF table is learned with the match model (``fit_idf``) and shipped in
``model.json``; an n-gram never seen in training gets the highest IDF.

Examples
--------
>>> idf = AffiliationIdf.fit(["Dept of Medicine, Univ of Iowa", "Univ of Tokyo, Japan"])
>>> round(idf.similarity("University of Iowa", "Univ. of Iowa, Iowa City"), 2) > 0.4
True
>>> idf.similarity("University of Iowa", "")
0.0
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from functools import lru_cache

import numpy as np
from scipy import sparse

from kolgraph.resolution.names import fold

UNIT_ROWS_CACHED = 50_000
"""Affiliation texts whose sparse unit rows are kept (least recently used go first): about a
kilobyte each, enough for the texts of a batch and of the candidates it is compared with."""

_SPLIT = re.compile(r"[^a-z0-9\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]+")
_EMAIL = re.compile(r"\S+@\S+")


def ngrams(text: str) -> Counter[str]:
    """Character 3-grams of each folded word (padded with spaces), counted.

    Examples
    --------
    >>> sorted(ngrams("Iowa"))
    [' io', 'iow', 'owa', 'wa ']
    """
    grams: Counter[str] = Counter()
    for word in _SPLIT.split(_EMAIL.sub(" ", fold(text))):
        if not word:
            continue
        padded = f" {word} "
        grams.update(padded[i : i + 3] for i in range(len(padded) - 2))
    return grams


class AffiliationIdf:
    """IDF weights of affiliation n-grams and the cosine similarity they define."""

    def __init__(self, idf: dict[str, float], default: float) -> None:
        self.idf = idf
        self.default = default
        # Cached per text: the weights (one pair at a time, ``similarity``) and the sparse
        # unit rows (``unit_rows``, the vectorised features) of the texts recently seen.
        self._vector = lru_cache(maxsize=10_000)(self._make_vector)
        self._columns: dict[str, int] = {}  # n-gram -> column of the unit vectors
        self._unit_row = lru_cache(maxsize=UNIT_ROWS_CACHED)(self._make_unit_row)

    @classmethod
    def fit(cls, affiliations: Iterable[str], min_df: int = 2) -> AffiliationIdf:
        """Learn IDF weights from a corpus of affiliation strings (one per document)."""
        df: Counter[str] = Counter()
        n = 0
        for text in affiliations:
            n += 1
            df.update(set(ngrams(text)))
        idf = {g: round(math.log((1 + n) / (1 + c)) + 1.0, 4) for g, c in df.items() if c >= min_df}
        return cls(idf, round(math.log((1 + n) / 2) + 1.0, 4))

    def _make_vector(self, text: str) -> tuple[dict[str, float], float]:
        weights = {
            g: (1 + math.log(c)) * self.idf.get(g, self.default) for g, c in ngrams(text).items()
        }
        norm = math.sqrt(sum(w * w for w in weights.values()))
        return weights, norm

    def _make_unit_row(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """Columns and weights of the unit-length vector of ``text`` (a sparse row)."""
        weights, norm = self._make_vector(text)
        if not norm:
            return np.empty(0, dtype=np.int32), np.empty(0)
        columns = self._columns
        return (
            np.fromiter(
                (columns.setdefault(g, len(columns)) for g in weights),
                dtype=np.int32,
                count=len(weights),
            ),
            np.fromiter(weights.values(), dtype=float, count=len(weights)) / norm,
        )

    def unit_rows(self, texts: Sequence[str]) -> sparse.csr_matrix:
        """The unit-length 3-gram vectors of ``texts``, one sparse row each (cached per
        text); the dot product of two rows is :meth:`similarity`."""
        rows = [self._unit_row(text) for text in texts]
        indptr = np.zeros(len(rows) + 1, dtype=np.int64)
        np.cumsum([len(c) for c, _ in rows], out=indptr[1:])
        indices = np.concatenate([c for c, _ in rows]) if rows else np.empty(0, np.int32)
        data = np.concatenate([w for _, w in rows]) if rows else np.empty(0)
        return sparse.csr_matrix(
            (data, indices, indptr), shape=(len(rows), max(len(self._columns), 1))
        )

    def has_vector(self, text: str) -> bool:
        """Whether ``text`` has any 3-gram (its similarity with itself is then 1)."""
        return bool(text) and len(self._unit_row(text)[0]) > 0

    def similarity(self, a: str, b: str) -> float:
        """Cosine similarity of two affiliation strings in [0, 1]; 0 when either is empty."""
        if not a or not b:
            return 0.0
        va, na = self._vector(a)
        vb, nb = self._vector(b)
        if not na or not nb:
            return 0.0
        if len(vb) < len(va):
            va, vb = vb, va
        dot = sum(w * vb.get(g, 0.0) for g, w in va.items())
        return min(1.0, dot / (na * nb))

    def best_similarity(self, a: Iterable[str], b: Iterable[str]) -> float:
        """The highest similarity between any affiliation of ``a`` and any of ``b``."""
        bs = list(b)
        return max((self.similarity(x, y) for x in a for y in bs), default=0.0)

    def best_similarities(
        self, pairs: Sequence[tuple[Sequence[str], Sequence[str]]]
    ) -> list[float]:
        """:meth:`best_similarity` of many pairs of affiliation lists, as sparse
        matrix products (the same numbers, at numpy speed).

        Examples
        --------
        >>> idf = AffiliationIdf.fit(["Dept of Medicine, Univ of Iowa", "Univ of Tokyo"])
        >>> a, b = ["Univ of Iowa"], ["Univ. of Iowa, Iowa City", "Tokyo"]
        >>> [round(x, 6) for x in idf.best_similarities([(a, b), (a, []), ([], [])])] == [
        ...     round(idf.best_similarity(a, b), 6), 0.0, 0.0]
        True
        """
        texts: dict[str, int] = {}
        owner: list[int] = []
        left: list[int] = []
        right: list[int] = []
        for k, (xs, ys) in enumerate(pairs):
            for x in xs:
                if not x:
                    continue
                ix = texts.setdefault(x, len(texts))
                for y in ys:
                    if y:
                        owner.append(k)
                        left.append(ix)
                        right.append(texts.setdefault(y, len(texts)))
        best = np.zeros(len(pairs))
        if not owner:
            return best.tolist()
        unit = self.unit_rows(list(texts))
        sims = np.asarray(unit[left].multiply(unit[right]).sum(axis=1)).ravel()
        np.maximum.at(best, np.asarray(owner), np.minimum(sims, 1.0))
        return best.tolist()
