"""The pair-match model: probability that two mentions are one person.

A scikit-learn classifier is fitted on labelled pairs (``fit_match_model``) and shipped
as plain numbers in ``kolgraph/resolution/model.json`` (no pickle): for gradient
boosting, the trees' arrays; for logistic regression, its coefficients. ``MatchModel``
scores pairs from those numbers alone, so scoring needs no training data.

Thresholds: a pair scoring at least ``accept`` is merged; between ``review`` and
``accept`` it goes to the review list; below ``review`` it is a different person.
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
from kolgraph.resolution.features import FEATURES, conflict, pair_features
from kolgraph.resolution.profiles import Profile

MODEL_FILE = "model.json"


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
            node = self.left[node] if x[self.feature[node]] <= self.threshold[node] else self.right[node]
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

    def raw(self, x: Sequence[float]) -> float:
        """The decision function (log-odds) for one feature vector."""
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
        return self.probability_of(pair_features(a, b, self.idf))

    def to_json(self) -> dict[str, Any]:
        """Plain parameters, as written to ``model.json``."""
        return {
            "kind": self.kind,
            "features": list(FEATURES),
            "intercept": self.intercept,
            "coef": self.coef,
            "mean": self.mean,
            "scale": self.scale,
            "learning_rate": self.learning_rate,
            "trees": [t.__dict__ for t in self.trees],
            "accept": self.accept,
            "review": self.review,
            "idf": self.idf.idf,
            "idf_default": self.idf.default,
            "meta": self.meta,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> MatchModel:
        """Rebuild a model from :meth:`to_json` output.

        Raises
        ------
        KolgraphError
            If the file was made for a different feature list.
        """
        if list(data["features"]) != list(FEATURES):
            raise KolgraphError("the match model was trained on other features; retrain it "
                                "with 'kolgraph resolution train'")
        return cls(
            kind=data["kind"], intercept=data["intercept"], coef=data["coef"],
            mean=data["mean"], scale=data["scale"], learning_rate=data["learning_rate"],
            trees=[_Tree(**t) for t in data["trees"]], accept=data["accept"],
            review=data["review"], idf=AffiliationIdf(data["idf"], data["idf_default"]),
            meta=data.get("meta", {}),
        )

    def save(self, path: Path) -> None:
        """Write the parameters as JSON."""
        Path(path).write_text(json.dumps(self.to_json(), separators=(",", ":")), encoding="utf-8")


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
        raise KolgraphError("kolgraph/resolution/model.json is missing; train it with "
                            "'kolgraph resolution train --articles ... --pairs ...'")
    return MatchModel.from_json(json.loads(entry.read_text(encoding="utf-8")))
