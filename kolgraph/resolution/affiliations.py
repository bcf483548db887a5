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
from typing import Any

import numpy as np

from kolgraph.resolution.idf import Idf, Terms
from kolgraph.resolution.names import fold

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


class AffiliationIdf(Idf):
    """IDF weights of affiliation 3-grams (a given table, shipped in ``model.json``) and
    the cosine similarity they define: a document is an affiliation text, each 3-gram
    weighing ``(1 + log count) x idf`` (:class:`~kolgraph.resolution.idf.Idf`)."""

    def __init__(self, idf: dict[str, float], default: float) -> None:
        super().__init__(table=idf, default=default)

    @classmethod
    def fit(  # type: ignore[override]
        cls, affiliations: Iterable[str], min_df: int = 2
    ) -> AffiliationIdf:
        """Learn IDF weights from a corpus of affiliation strings (one per document)."""
        df: Counter[str] = Counter()
        n = 0
        for text in affiliations:
            n += 1
            df.update(set(ngrams(text)))
        idf = {g: round(math.log((1 + n) / (1 + c)) + 1.0, 4) for g, c in df.items() if c >= min_df}
        return cls(idf, round(math.log((1 + n) / 2) + 1.0, 4))

    def terms(self, document: Any) -> Terms:
        """The 3-grams of an affiliation text and their sublinear counts."""
        counts = ngrams(document)
        return list(counts), [1 + math.log(c) for c in counts.values()]

    def similarity(self, a: str, b: str) -> float:
        """Cosine similarity of two affiliation strings in [0, 1]; 0 when either is empty."""
        return self.cosine(a, b) if a and b else 0.0

    def best_similarity(self, a: Iterable[str], b: Iterable[str]) -> float:
        """The highest similarity between any affiliation of ``a`` and any of ``b``
        (one pair of :meth:`best_similarities`)."""
        return self.best_similarities([(list(a), list(b))])[0]

    def best_similarities(
        self, pairs: Sequence[tuple[Sequence[str], Sequence[str]]]
    ) -> list[float]:
        """The highest similarity between any affiliation of the one list and any of the
        other, for many pairs of lists, as one sparse matrix product.

        Examples
        --------
        >>> idf = AffiliationIdf.fit(["Dept of Medicine, Univ of Iowa", "Univ of Tokyo"])
        >>> a, b = ["Univ of Iowa"], ["Univ. of Iowa, Iowa City", "Tokyo"]
        >>> [round(x, 6) for x in idf.best_similarities([(a, b), (a, []), ([], [])])] == [
        ...     round(idf.similarity(a[0], b[0]), 6), 0.0, 0.0]
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
        sims = self.cosines(list(texts), np.asarray(left), np.asarray(right))
        np.maximum.at(best, np.asarray(owner), sims)
        return best.tolist()
