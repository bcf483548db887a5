"""A bag of boosted models exported as one MatchModel scores like the bag itself."""

import numpy as np
from sklearn.ensemble import GradientBoostingClassifier

from kolgraph.resolution.affiliations import AffiliationIdf
from kolgraph.resolution.model import MatchModel
from kolgraph.resolution.training import export_bagged


def test_exported_bag_equals_mean_log_odds():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(400, 6))
    y = (x[:, 0] + 0.5 * x[:, 1] * x[:, 2] + rng.normal(scale=0.5, size=400) > 0).astype(int)
    bag = [
        GradientBoostingClassifier(
            n_estimators=30, max_depth=3, learning_rate=0.1, subsample=0.8, random_state=k
        ).fit(x, y)
        for k in range(3)
    ]
    intercept, rate, trees = export_bagged(bag)
    model = MatchModel(
        kind="boosting",
        intercept=intercept,
        learning_rate=rate,
        trees=trees,
        idf=AffiliationIdf({}, 1.0),
    )
    test = rng.normal(size=(200, 6))
    want = 1 / (1 + np.exp(-np.mean([m.decision_function(test) for m in bag], axis=0)))
    assert len(trees) == 90 and np.isclose(rate, 0.1 / 3)
    assert np.allclose(model.probabilities(test), want, atol=1e-5)
    assert np.allclose([model.probability_of(r) for r in test[:20]], want[:20], atol=1e-5)
