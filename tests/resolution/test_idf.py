"""The one IDF/cosine implementation (``resolution/idf.py``) against the cosines written
out by hand, for each kind of document the resolver compares."""

from __future__ import annotations

import math
import random

import numpy as np
import pytest

from kolgraph.resolution.affiliations import AffiliationIdf, ngrams
from kolgraph.resolution.evidence import JournalProfiles
from kolgraph.resolution.idf import Idf


def _cosine(a: dict[str, float], b: dict[str, float]) -> float:
    dot = sum(w * b.get(k, 0.0) for k, w in a.items())
    norm = math.sqrt(sum(w * w for w in a.values()) * sum(w * w for w in b.values()))
    return dot / norm if norm else 0.0


def test_sets_weigh_each_item_by_its_idf() -> None:
    rng = random.Random(7)
    items = [f"D{i}" for i in range(30)]
    table = Idf.fit([set(rng.sample(items, 5)) for _ in range(40)], min_df=2)
    sets = [frozenset(rng.sample(items + ["unseen"], rng.randint(0, 6))) for _ in range(60)]
    left = np.array([rng.randrange(60) for _ in range(200)])
    right = np.array([rng.randrange(60) for _ in range(200)])
    got = table.cosines(sets, left, right)
    want = [
        _cosine({k: table.idf(k) for k in sets[i]}, {k: table.idf(k) for k in sets[j]})
        for i, j in zip(left.tolist(), right.tolist(), strict=True)
    ]
    assert got == pytest.approx(want, abs=1e-12)
    one_by_one = [table.cosine(sets[i], sets[j]) for i, j in zip(left, right, strict=True)]
    assert one_by_one == pytest.approx(want, abs=1e-12)
    assert table.idf("unseen") == math.log(41) + 1 > table.idf(items[0])


def test_affiliations_weigh_a_three_gram_by_its_log_count_and_idf() -> None:
    texts = ["Dept of Medicine, Univ of Iowa", "Univ of Tokyo, Japan", "Iowa City, Iowa"]
    idf = AffiliationIdf.fit(texts)
    a, b = "University of Iowa, Iowa City, Iowa", "Univ. of Iowa Hospitals"

    def vector(text: str) -> dict[str, float]:
        return {
            g: (1 + math.log(c)) * idf.table.get(g, idf.default)  # type: ignore[union-attr]
            for g, c in ngrams(text).items()
        }

    assert idf.similarity(a, b) == pytest.approx(_cosine(vector(a), vector(b)), abs=1e-12)
    assert idf.best_similarities([([a, "Tokyo"], [b]), ([a], [])]) == pytest.approx(
        [idf.similarity(a, b), 0.0], abs=1e-12
    )
    assert idf.similarity(a, "") == 0.0 and not idf.has_vector("--")


def test_journal_profiles_weigh_a_descriptor_by_its_records_and_idf() -> None:
    mesh = Idf({"D1": 2, "D2": 40, "D3": 9}, 100)
    counts = {"J1": {"D1": 3, "D2": 7}, "J2": {"D1": 1, "D2": 4, "D3": 2}, "J3": {}}
    journals = JournalProfiles(mesh, counts)

    def profile(j: str) -> dict[str, float]:
        return {u: c * mesh.idf(u) for u, c in counts[j].items()}

    assert journals.cosine("J1", "J2") == pytest.approx(
        _cosine(profile("J1"), profile("J2")), abs=1e-12
    )
    assert journals.cosine("J1", "J3") == journals.cosine("J1", "unknown") == 0.0
