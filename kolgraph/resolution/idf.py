"""IDF weights and the cosine similarity they define: one implementation for every
weighted comparison of the resolver (words, MeSH descriptors, chemicals, journal-title
words, journals' MeSH profiles, affiliation 3-grams).

A *document* (a set of items, or anything :meth:`Idf.terms` turns into items and their
term weights) becomes a unit-length vector of ``term weight x idf`` per item; the cosine
of two documents is the dot product of their vectors. Unit vectors are cached per
document and laid out as sparse rows, so many pairs are compared by one sparse product
(:meth:`Idf.cosines`).

Examples
--------
>>> table = Idf.fit([{"D1", "D2"}, {"D2"}, {"D3"}])
>>> table.cosine(frozenset({"D1", "D2"}), frozenset({"D1"})) > table.cosine(
...     frozenset({"D1", "D2"}), frozenset({"D2"}))
True
>>> round(Idf({"a": 3}, 3).idf("a"), 3), round(Idf({"a": 3}, 3).idf("unseen"), 3)
(1.0, 2.386)
>>> Idf(table={"x": 2.0}, default=5.0).idf("y")
5.0
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Hashable, Iterable, Mapping, Sequence
from functools import lru_cache
from typing import Any

import numpy as np
from scipy import sparse

UNITS_CACHED = 50_000
"""Documents whose unit vectors are kept (least recently used go first)."""

MAX_COLUMNS = 1_000_000
"""Column ids handed out before they start afresh (a long run meets ever more items)."""

Terms = tuple[Sequence[str], Sequence[float] | None]
"""A document's items and their term weights (None: each weighs 1)."""


class Idf:
    """Inverse document frequencies of items and the cosine of IDF-weighted vectors.

    The IDF is counted (``df``: in how many of ``documents`` each item occurs;
    ``log((N + 1) / (df + 1)) + 1``, so an unseen item weighs the most) or given
    (``table``: item -> IDF, ``default`` for any other item). A document is a set of
    items unless a subclass says otherwise (:meth:`terms`).
    """

    def __init__(
        self,
        df: Mapping[str, int] | None = None,
        documents: int = 0,
        *,
        table: Mapping[str, float] | None = None,
        default: float = 1.0,
    ) -> None:
        self.df: dict[str, int] = dict(df or {})
        self.documents = documents
        self.table: dict[str, float] | None = None if table is None else dict(table)
        self.default = default
        self.columns: dict[str, int] = {}  # item -> column of the sparse unit rows
        self.idf = lru_cache(maxsize=200_000)(self._idf)  # type: ignore[method-assign]
        self.unit = lru_cache(maxsize=UNITS_CACHED)(self._unit)  # type: ignore[method-assign]

    @classmethod
    def fit(cls, documents: Iterable[Iterable[str]], min_df: int = 1) -> Idf:
        """Count in how many documents each item occurs (items under ``min_df`` dropped:
        they then weigh as unseen ones)."""
        df: Counter[str] = Counter()
        n = 0
        for items in documents:
            n += 1
            df.update(set(items))
        return cls({k: c for k, c in df.items() if c >= min_df}, n)

    def idf(self, item: str) -> float:
        """The item's weight (cached)."""
        return self._idf(item)

    def _idf(self, item: str) -> float:
        if self.table is not None:
            return self.table.get(item, self.default)
        return math.log((self.documents + 1) / (self.df.get(item, 0) + 1)) + 1.0

    def terms(self, document: Any) -> Terms:
        """The items of a document and their term weights: here the items of a set, each
        weighing 1. Subclasses read other documents (an affiliation's 3-grams)."""
        return list(document), None

    def unit(self, document: Hashable) -> tuple[np.ndarray, np.ndarray]:
        """(column ids, weights) of the document's L2-unit vector; empty when it has no
        item (cached per document; the column ids are this table's own)."""
        return self._unit(document)

    def _unit(self, document: Hashable) -> tuple[np.ndarray, np.ndarray]:
        items, tf = self.terms(document)
        if not items:
            return np.zeros(0, dtype=np.int64), np.zeros(0)
        columns = self.columns
        keys = np.fromiter(
            (columns.setdefault(k, len(columns)) for k in items), dtype=np.int64, count=len(items)
        )
        weights = np.fromiter((self.idf(k) for k in items), dtype=float, count=len(items))
        if tf is not None:
            weights = np.asarray(tf, dtype=float) * weights
        norm = np.sqrt(weights @ weights)
        if not norm:
            return np.zeros(0, dtype=np.int64), np.zeros(0)
        return keys, weights / norm

    def has_vector(self, document: Hashable) -> bool:
        """Whether the document has any weighted item (its cosine with itself is then 1)."""
        return bool(document) and len(self.unit(document)[0]) > 0

    def forget_columns(self, limit: int = MAX_COLUMNS) -> None:
        """Start column ids afresh once more than ``limit`` items have one; the cached
        unit vectors go with them."""
        if len(self.columns) > limit:
            self.columns = {}
            self.unit.cache_clear()  # type: ignore[attr-defined]

    def unit_rows(self, documents: Sequence[Hashable]) -> sparse.csr_matrix:
        """The unit vectors of ``documents``, one sparse row each; the dot product of two
        rows is their cosine."""
        self.forget_columns()
        units = [self.unit(d) for d in documents]
        indptr = np.zeros(len(units) + 1, dtype=np.int64)
        np.cumsum([len(k) for k, _ in units], out=indptr[1:])
        indices = np.concatenate([k for k, _ in units]) if indptr[-1] else np.zeros(0, np.int64)
        data = np.concatenate([w for _, w in units]) if indptr[-1] else np.zeros(0)
        return sparse.csr_matrix(
            (data, indices, indptr), shape=(len(units), max(len(self.columns), 1))
        )

    def cosines(
        self, documents: Sequence[Hashable], left: np.ndarray, right: np.ndarray
    ) -> np.ndarray:
        """The cosine of ``documents[left[k]]`` and ``documents[right[k]]`` for every k
        (0 when either is empty), capped at 1.

        >>> t = Idf({"a": 1, "b": 5}, 10)
        >>> docs = [frozenset({"a", "b"}), frozenset({"b"}), frozenset()]
        >>> cosines = t.cosines(docs, np.array([0, 0, 1]), np.array([1, 2, 1]))
        >>> [round(x, 3) for x in cosines.tolist()]
        [0.511, 0.0, 1.0]
        """
        return row_dots(self.unit_rows(documents), left, right)

    def cosine(self, a: Hashable, b: Hashable) -> float:
        """The cosine of two documents (see :meth:`cosines`)."""
        return float(self.cosines([a, b], np.array([0]), np.array([1]))[0])

    def to_json(self) -> dict[str, Any]:
        """Plain numbers for ``model.json`` (a counted table)."""
        return {"df": self.df, "documents": self.documents}

    @classmethod
    def from_json(cls, data: Mapping[str, Any] | None) -> Idf:
        """Rebuild a counted table from :meth:`to_json` output (empty when absent)."""
        return cls(dict(data["df"]), int(data["documents"])) if data else cls()


def row_dots(unit: sparse.csr_matrix, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Dot product of row ``left[k]`` with row ``right[k]`` for every k, capped at 1."""
    if not len(left):
        return np.zeros(0)
    dots = np.asarray(unit[left].multiply(unit[right]).sum(axis=1)).ravel()
    return np.minimum(dots, 1.0)
