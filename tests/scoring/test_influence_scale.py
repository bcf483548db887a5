"""The robust scale is ``(x - low) / width`` squashed: equal to the earlier RobustScaler form."""

from __future__ import annotations

import ast
from pathlib import Path

import numpy as np
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from sklearn.preprocessing import RobustScaler

from kolgraph.scoring import influence
from kolgraph.scoring.influence import robust_scale


def _with_robust_scaler(values, quantiles, saturation):
    """The former implementation: RobustScaler, then its centring undone."""
    x = np.nan_to_num(np.asarray(values, dtype=np.float64), nan=0.0)
    if x.size == 0 or not np.any(x > 0):
        return np.zeros_like(x)
    scaler = RobustScaler(quantile_range=quantiles).fit(x.reshape(-1, 1))
    low = float(np.percentile(x, quantiles[0]))
    width = float(np.percentile(x, quantiles[1])) - low
    if width <= 0:
        width = float(x.max()) - low
    if width <= 0:
        return np.zeros_like(x)
    scaled = scaler.transform(x.reshape(-1, 1)).ravel() * (scaler.scale_[0] / width)
    t = np.clip(scaled + (float(scaler.center_[0]) - low) / width, 0.0, None)
    return 1.0 - np.exp(np.log(1.0 - saturation) * t)


# Component values are 0 or at least 1e-6; on subnormal values the former form gave NaN.
values = arrays(
    np.float64, st.integers(1, 60), elements=st.one_of(st.just(0.0), st.floats(1e-6, 1e6))
)


@given(values, st.sampled_from([(5.0, 95.0), (10.0, 90.0), (25.0, 75.0)]), st.floats(0.5, 0.99))
def test_same_scale_as_the_robust_scaler_form(x, quantiles, saturation) -> None:
    np.testing.assert_allclose(
        robust_scale(x, quantiles, saturation),
        _with_robust_scaler(x, quantiles, saturation),
        rtol=1e-12,
        atol=1e-12,
    )


def test_influence_does_not_import_scikit_learn() -> None:
    tree = ast.parse(Path(influence.__file__).read_text(encoding="utf-8"))
    imported = {
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    }
    imported |= {node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert not any(name.split(".")[0] == "sklearn" for name in imported)
