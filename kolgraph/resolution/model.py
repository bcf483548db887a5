"""The pair-match model: probability that two mentions are one person.

A scikit-learn classifier is fitted on labelled pairs (``fit_match_model``) and shipped
as plain numbers in ``kolgraph/resolution/model.json`` (no pickle): for gradient
boosting, the trees' arrays; for logistic regression, its coefficients. ``MatchModel``
scores pairs from those numbers alone, so scoring needs no training data.

Thresholds: a pair scoring at least ``accept`` is merged; between ``review`` and
``accept`` it goes to the review list; below ``review`` it is a different person.

Per-block thresholds (``block_accept``): the accept threshold can depend on how ambiguous
the mention's name block is, measured by the name prior's share of all counted mentions
that carry the family name (:meth:`MatchModel.accept_for_share`): a name shared by many
people (Wang, Lee) needs a higher score than a rare one. The tiers' thresholds are chosen
on the training labels by cross-validation (``training.choose_block_accept``) and never
decrease with ambiguity.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from kolgraph.errors import KolgraphError
from kolgraph.resolution.affiliations import AffiliationIdf
from kolgraph.resolution.feature_matrix import pair_feature_matrix
from kolgraph.resolution.features import FEATURES, WITHOUT_EMBEDDING, conflict
from kolgraph.resolution.profiles import Profile
from kolgraph.resolution.vocabulary import Vocabulary

MODEL_FILE = "model.json"
ACCEPT = 0.95  # the shipped model's accept threshold (docs/resolution.md: nested CV)
PREDICT_CHUNK = 128  # rows walked through the trees together (benchmarks/RESULTS.md)
MAX_SELECT_DEPTH = 6  # deeper trees are walked (MatchModel._boosted)
AMBIGUITY_CUTS: tuple[float, ...] = (1e-4, 1e-3)
"""Family-name shares that separate the ambiguity tiers of ``block_accept``: below 1 in
10,000 mentions (rare or unseen names), up to 1 in 1,000, and above (Wang, Lee, Smith)."""


@dataclass
class _Tree:
    left: list[int]
    right: list[int]
    feature: list[int]
    threshold: list[float]
    value: list[float]

    def predict(self, x: Sequence[float]) -> float:
        node = 0
        while self.left[node] != -1:
            go_left = x[self.feature[node]] <= self.threshold[node]
            node = self.left[node] if go_left else self.right[node]
        return self.value[node]


@dataclass
class MatchModel:
    """Pair scorer loaded from plain parameters.

    Examples
    --------
    >>> m = MatchModel(kind="logistic", intercept=-2.0, coef=[4.0] + [0.0] * (len(FEATURES) - 1),
    ...                idf=AffiliationIdf({}, 1.0))
    >>> a = Profile("a", "smith", ("john",))
    >>> round(m.probability(a, Profile("b", "smith", ("john",))), 3)
    0.881
    >>> m.probability(a, Profile("c", "smith", ("mary",)))
    0.0
    """

    kind: str
    intercept: float
    idf: AffiliationIdf
    coef: list[float] = field(default_factory=list)
    mean: list[float] = field(default_factory=list)
    scale: list[float] = field(default_factory=list)
    learning_rate: float = 0.1
    trees: list[_Tree] = field(default_factory=list)
    accept: float = 0.9
    review: float = 0.5
    meta: dict[str, Any] = field(default_factory=dict)
    vocabulary: Vocabulary = field(default_factory=Vocabulary)
    block_accept: dict[str, list[float]] | None = None  # {"cuts": [...], "accept": [...]}
    columns: list[str] | None = None  # the FEATURES it reads, in order (None: all of them)
    _arrays: Any = field(default=None, repr=False, compare=False)
    _test_arrays: Any = field(default=None, repr=False, compare=False)

    def accept_for_share(self, share: float) -> float:
        """The accept threshold of a name block whose family name has this share of the
        counted mentions: the tier's threshold under ``block_accept``, else ``accept``.

        >>> m = MatchModel(kind="logistic", intercept=0.0, idf=AffiliationIdf({}, 1.0),
        ...                block_accept={"cuts": [1e-4, 1e-3], "accept": [0.9, 0.95, 0.99]})
        >>> m.accept_for_share(0.0), m.accept_for_share(5e-4), m.accept_for_share(0.01)
        (0.9, 0.95, 0.99)
        """
        if not self.block_accept:
            return self.accept
        return self.block_accept["accept"][ambiguity_tier(share, self.block_accept["cuts"])]

    @property
    def highest_accept(self) -> float:
        """The strictest accept threshold of any block (the top of the review band)."""
        return max([self.accept, *((self.block_accept or {}).get("accept") or [])])

    def _tree_arrays(self) -> Any:
        """The trees as complete binary trees in heap layout (numpy; built once).

        A leaf above the deepest level becomes a node that always goes left (threshold
        +inf) with the leaf's value copied down, so every tree has the same shape."""
        if self._arrays is None:
            import numpy as np

            depth = max((_depth(t) for t in self.trees), default=0)
            inner, leaves = 2**depth - 1, 2**depth
            feature = np.zeros((len(self.trees), max(inner, 1)), dtype=np.int64)
            threshold = np.full((len(self.trees), max(inner, 1)), np.inf)
            value = np.zeros((len(self.trees), leaves))
            for i, t in enumerate(self.trees):
                stack = [(0, 0)]  # (sklearn node, heap position)
                while stack:
                    node, pos = stack.pop()
                    if t.left[node] == -1:
                        # fill every heap leaf below pos with this value
                        level = pos
                        first, count = level, 1
                        while first < inner:
                            first, count = 2 * first + 1, count * 2
                        value[i, first - inner : first - inner + count] = t.value[node]
                        continue
                    feature[i, pos], threshold[i, pos] = t.feature[node], t.threshold[node]
                    stack += [(t.left[node], 2 * pos + 1), (t.right[node], 2 * pos + 2)]
            self._arrays = (feature.ravel(), threshold.ravel(), value, depth)
        return self._arrays

    @property
    def embeds(self) -> bool:
        """Whether the model reads the text embedding's features."""
        return self.columns is None or "embedding_similarity" in self.columns

    def _select(self, x: Any) -> Any:
        """The model's columns of full feature rows (all of :data:`FEATURES`)."""
        if self.columns is None:
            return x
        return x[..., [FEATURES.index(name) for name in self.columns]]

    def probabilities(self, rows: Sequence[Sequence[float]]) -> list[float]:
        """Match probabilities for many feature vectors (all of :data:`FEATURES`) at
        once (numpy)."""
        import numpy as np

        if len(rows) == 0:
            return []
        x = self._select(np.asarray(rows, dtype=float))
        if self.kind == "boosting":
            z = np.concatenate(
                [
                    self._boosted(x[start : start + PREDICT_CHUNK])
                    for start in range(0, len(x), PREDICT_CHUNK)
                ]
            )
        else:
            if self.mean:
                x = (x - np.asarray(self.mean)) / np.asarray(self.scale)
            z = self.intercept + x @ np.asarray(self.coef)
        return (1.0 / (1.0 + np.exp(-np.clip(z, -700, 700)))).tolist()

    def _tests(self) -> Any:
        """The trees' tests as arrays for :meth:`_boosted` (built once; None past
        :data:`MAX_SELECT_DEPTH`): the distinct (feature, threshold) pairs of every node
        (``columns``, ``thresholds``) and, per tree and heap position, which of them the
        node asks (``nodes``, tree-major)."""
        import numpy as np

        if self._test_arrays is None:
            feature, threshold, _, depth = self._tree_arrays()
            if depth > MAX_SELECT_DEPTH or not self.trees:
                self._test_arrays = False
                return None
            tests, nodes = np.unique(
                np.stack([feature.astype(float), threshold], axis=1), axis=0, return_inverse=True
            )
            self._test_arrays = (tests[:, 0].astype(np.intp), tests[:, 1].copy(), nodes.ravel())
        return self._test_arrays or None

    def _boosted(self, x: Any) -> Any:
        """The boosted log-odds of the rows of ``x``, all rows and trees at once (few
        enough rows that the temporaries stay in cache).

        Each distinct test of the trees is made once per row; then, level by level, the
        branch taken at each tree's node is picked out of its level's tests with bitwise
        selects (no per-row indexing), giving the leaf. The leaf values are summed in
        tree order as :meth:`_walked` sums them, so both agree to the last bit; trees
        deeper than :data:`MAX_SELECT_DEPTH` are walked."""
        import numpy as np

        tests = self._tests()
        if tests is None:
            return self._walked(x)
        columns, thresholds, nodes = tests
        _, _, value, depth = self._tree_arrays()
        n_trees, inner = len(self.trees), 2**depth - 1
        # test outcomes, (tree, heap position, row), as bytes 0/1
        passed = (x[:, columns] > thresholds).T[nodes].view(np.uint8)
        passed = passed.reshape(n_trees, inner, len(x))
        leaf = np.zeros((n_trees, len(x)), dtype=np.uint8)
        taken: list[Any] = []  # branch bits so far, root first
        for level in range(depth):
            first = 2**level - 1
            options = [passed[:, first + k] for k in range(2**level)]
            for bit in reversed(taken):  # the last branch picks between neighbours
                pairs = zip(options[::2], options[1::2], strict=True)
                options = [a ^ (bit & (a ^ b)) for a, b in pairs]
            taken.append(options[0])
            leaf = (leaf << 1) | options[0]
        index = np.ascontiguousarray(leaf.T) + np.arange(n_trees, dtype=np.intp) * (inner + 1)
        return self.intercept + self.learning_rate * value.ravel()[index].sum(axis=1)

    def _walked(self, x: Any) -> Any:
        """The boosted log-odds of the rows of ``x``: every tree walked level by level,
        all rows and trees at once."""
        import numpy as np

        feature, threshold, value, depth = self._tree_arrays()
        n_trees, inner = len(self.trees), 2**depth - 1
        cells = (np.arange(len(x)) * x.shape[1])[:, None]  # row starts in x.ravel()
        first = (np.arange(n_trees) * inner)[None, :]  # each tree's root
        pos = np.zeros((len(x), n_trees), dtype=np.intp)
        flat = x.ravel()
        for _ in range(depth):
            node = first + pos
            pos = 2 * pos + 1 + (flat[cells + feature[node]] > threshold[node])
        leaf = pos - inner + (np.arange(n_trees) * (inner + 1))[None, :]
        return self.intercept + self.learning_rate * value.ravel()[leaf].sum(axis=1)

    def raw(self, x: Sequence[float]) -> float:
        """The decision function (log-odds) for one feature vector."""
        if self.columns is not None:
            x = [x[FEATURES.index(name)] for name in self.columns]
        if self.kind == "boosting":
            return self.intercept + self.learning_rate * sum(t.predict(x) for t in self.trees)
        if self.mean:
            x = [(v - m) / s for v, m, s in zip(x, self.mean, self.scale, strict=True)]
        return self.intercept + sum(c * v for c, v in zip(self.coef, x, strict=True))

    def probability_of(self, x: Sequence[float]) -> float:
        """Match probability for one feature vector."""
        z = self.raw(x)
        return 1.0 / (1.0 + math.exp(-z)) if z > -700 else 0.0

    def probability(self, a: Profile, b: Profile) -> float:
        """Probability that ``a`` and ``b`` are one person (0 when they conflict)."""
        if conflict(a, b):
            return 0.0
        return self.probability_of(self.features(a, b))

    def features(self, a: Profile, b: Profile) -> list[float]:
        """The pair's feature vector under this model's IDF tables."""
        return [float(v) for v in self.features_many([(a, b)])[0]]

    def features_many(self, pairs: Sequence[tuple[Profile, Profile]]) -> Any:
        """Feature vectors of many pairs, as one numpy array (see ``feature_matrix``)."""
        return pair_feature_matrix(pairs, self.idf, self.vocabulary, embed=self.embeds)

    def to_json(self) -> dict[str, Any]:
        """Plain parameters, as written to ``model.json``."""
        return {
            "kind": self.kind,
            "features": list(self.columns or FEATURES),
            "intercept": self.intercept,
            "coef": self.coef,
            "mean": self.mean,
            "scale": self.scale,
            "learning_rate": self.learning_rate,
            "trees": [t.__dict__ for t in self.trees],
            "accept": self.accept,
            "review": self.review,
            "idf": self.idf.table,
            "idf_default": self.idf.default,
            "meta": self.meta,
            "vocabulary": self.vocabulary.to_json(),
            "block_accept": self.block_accept,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> MatchModel:
        """Rebuild a model from :meth:`to_json` output.

        Raises
        ------
        KolgraphError
            If the file was made for a different feature list.
        """
        names = list(data["features"])
        if not set(names) <= set(FEATURES) or not set(WITHOUT_EMBEDDING) <= set(names):
            raise KolgraphError(
                "the match model was trained on other features; retrain it "
                "with 'kolgraph resolution train'"
            )
        return cls(
            kind=data["kind"],
            intercept=data["intercept"],
            coef=data["coef"],
            mean=data["mean"],
            scale=data["scale"],
            learning_rate=data["learning_rate"],
            trees=[_Tree(**t) for t in data["trees"]],
            accept=data["accept"],
            review=data["review"],
            idf=AffiliationIdf(data["idf"], data["idf_default"]),
            meta=data.get("meta", {}),
            vocabulary=Vocabulary.from_json(data.get("vocabulary")),
            block_accept=data.get("block_accept"),
            columns=None if names == list(FEATURES) else names,
        )

    def save(self, path: Path) -> None:
        """Write the parameters as JSON, maps in sorted key order (the same model gives the
        same bytes)."""
        Path(path).write_text(
            json.dumps(self.to_json(), separators=(",", ":"), sort_keys=True), encoding="utf-8"
        )


def ambiguity_tier(share: float, cuts: Sequence[float] = AMBIGUITY_CUTS) -> int:
    """The tier of a family-name share: how many ``cuts`` it reaches.

    >>> ambiguity_tier(0.0), ambiguity_tier(1e-4), ambiguity_tier(0.02)
    (0, 1, 2)
    """
    return sum(share >= c for c in cuts)


def _depth(tree: _Tree) -> int:
    deepest, stack = 0, [(0, 0)]
    while stack:
        node, d = stack.pop()
        if tree.left[node] == -1:
            deepest = max(deepest, d)
        else:
            stack += [(tree.left[node], d + 1), (tree.right[node], d + 1)]
    return deepest


@cache
def default_model() -> MatchModel:
    """The model shipped in the package (``kolgraph/resolution/model.json``).

    Raises
    ------
    KolgraphError
        If the file is missing (train one with ``kolgraph resolution train``).
    """
    entry = resources.files("kolgraph.resolution").joinpath(MODEL_FILE)
    if not entry.is_file():
        raise KolgraphError(
            "kolgraph/resolution/model.json is missing; train it with "
            "'kolgraph resolution train --articles ... --pairs ...'"
        )
    return MatchModel.from_json(json.loads(entry.read_text(encoding="utf-8")))
