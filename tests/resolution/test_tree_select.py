"""The boosted model's log-odds through bitwise selects (``MatchModel._boosted``) equal
the level-by-level walk (``MatchModel._walked``) to the last bit: on the shipped model's
real pair rows (gold records of the shipped sample), on rows either side of every
threshold, and on random trees of every depth, uneven ones and deeper ones included."""

import numpy as np
import pytest

from kolgraph.resolution.affiliations import AffiliationIdf
from kolgraph.resolution.features import FEATURES
from kolgraph.resolution.model import (
    MAX_SELECT_DEPTH,
    PREDICT_CHUNK,
    MatchModel,
    _Tree,
    default_model,
)
from tests.resolution.gold_profiles import gold_block_pairs


def _random_tree(rng: np.random.Generator, depth: int, n_features: int) -> _Tree:
    """A regression tree in scikit-learn's node layout (pre-order, -1 at leaves); a
    branch stops early with probability 0.2, so leaves sit at several depths."""
    tree = _Tree(left=[], right=[], feature=[], threshold=[], value=[])

    def grow(level: int) -> int:
        node = len(tree.left)
        tree.left.append(-1)
        tree.right.append(-1)
        tree.feature.append(-2)
        tree.threshold.append(-2.0)
        tree.value.append(float(rng.normal()))
        if level < depth and (level == 0 or rng.random() > 0.2):
            tree.feature[node] = int(rng.integers(n_features))
            tree.threshold[node] = float(rng.choice([0.5, 0.0, 1.5, rng.random()]))
            tree.left[node] = grow(level + 1)
            tree.right[node] = grow(level + 1)
        return node

    grow(0)
    return tree


def _model(trees: list[_Tree]) -> MatchModel:
    return MatchModel(
        kind="boosting", intercept=-0.3, idf=AffiliationIdf({}, 1.0), trees=trees, learning_rate=0.1
    )


def _rows_around(model: MatchModel, n: int, seed: int) -> np.ndarray:
    """Rows whose values sit on and just above the model's thresholds, or are 0."""
    feature, threshold, _, _ = model._tree_arrays()
    rng = np.random.default_rng(seed)
    rows = np.zeros((n, len(FEATURES)))
    for j in range(rows.shape[1]):
        cuts = threshold[(feature == j) & np.isfinite(threshold)]
        rows[:, j] = rng.choice(np.concatenate([cuts, np.nextafter(cuts, np.inf), [0.0]]), n)
    return rows


@pytest.mark.parametrize("depth", [1, 2, 3, 4, MAX_SELECT_DEPTH, MAX_SELECT_DEPTH + 1])
def test_selects_equal_the_walk_on_random_trees(depth):
    rng = np.random.default_rng(depth)
    model = _model([_random_tree(rng, depth, len(FEATURES)) for _ in range(60)])
    rows = _rows_around(model, 300, depth)
    assert (model._tests() is None) == (depth > MAX_SELECT_DEPTH)
    got = model._boosted(rows)
    assert np.array_equal(got, model._walked(rows))
    # and both are the trees' own walk, one row at a time
    assert got.tolist() == pytest.approx([model.raw(r) for r in rows.tolist()], abs=1e-12)
    # a missing value goes the same way in both vectorised paths
    rows[rng.random(rows.shape) < 0.05] = np.nan
    assert np.array_equal(model._boosted(rows), model._walked(rows))


def test_selects_equal_the_walk_on_the_shipped_model_either_side_of_thresholds():
    model = default_model()
    assert model._tests() is not None  # the shipped trees take the select path
    rows = model._select(_rows_around(model, PREDICT_CHUNK * 2 + 17, 3))
    got = np.concatenate(
        [model._boosted(rows[s : s + PREDICT_CHUNK]) for s in range(0, len(rows), PREDICT_CHUNK)]
    )
    assert np.array_equal(got, model._walked(rows))


def test_selects_equal_the_walk_on_gold_record_pairs(tmp_path):
    """Real pair rows of the shipped sample's gold records, as the resolver scores them."""
    model = default_model()
    pairs = gold_block_pairs(tmp_path, 3_000)
    assert len(pairs) > 1000
    rows = model._select(model.features_many(pairs))
    got = np.concatenate(
        [model._boosted(rows[s : s + PREDICT_CHUNK]) for s in range(0, len(rows), PREDICT_CHUNK)]
    )
    assert np.array_equal(got, model._walked(rows))
    probabilities = model.probabilities(model.features_many(pairs))
    assert max(probabilities) > model.accept and min(probabilities) < model.review
