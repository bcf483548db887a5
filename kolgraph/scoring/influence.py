"""Composite influence 0-100: robust scaling of each component, weighted sum, contributions.

Each component's raw value ``x`` is scaled robustly: ``t = (x - low) / (high - low)`` with
``low`` and ``high`` the percentiles ``scale_quantiles`` (default 5th-95th), so the lower
quantile maps to 0, and squashed with ``1 - exp(-k t)`` where ``k`` makes the upper
quantile score ``saturation`` (0.95). Outliers therefore cannot compress everybody else,
and the ranking above the upper quantile is kept. Influence is

``influence = sum_c contribution_c``, ``contribution_c = 100 * w_c * s_c / sum(w)``

over the components that have data in this run (a component with no data at all, e.g.
no trials loaded, drops out and its weight is shared by the others; the run records it).

Examples
--------
>>> import numpy as np
>>> s = robust_scale(np.array([0.0, 1.0, 2.0, 3.0, 100.0]), (5.0, 95.0), 0.95)
>>> bool(s[0] == 0.0), bool(np.all(np.diff(s) > 0)), bool(s.max() < 1.0)
(True, True, True)
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

__all__ = ["active_weights", "composite", "robust_scale"]


def robust_scale(
    values: np.ndarray, quantiles: tuple[float, float], saturation: float
) -> np.ndarray:
    """Scale non-negative ``values`` into ``[0, 1)``, robustly to outliers.

    Parameters
    ----------
    values : numpy.ndarray
        Raw component values; NaN counts as 0.
    quantiles : (float, float)
        Percentiles that define the scale: the lower maps to 0, the upper to ``saturation``.
    saturation : float
        Scaled value given to the upper percentile.

    Returns
    -------
    numpy.ndarray
        Scaled values, 0 at or below the lower percentile, strictly increasing above it.
    """
    x = np.nan_to_num(np.asarray(values, dtype=np.float64), nan=0.0)
    if x.size == 0 or not np.any(x > 0):
        return np.zeros_like(x)
    low = float(np.percentile(x, quantiles[0]))
    width = float(np.percentile(x, quantiles[1])) - low
    if width <= 0:  # most HCPs share one value (often 0): measure from the maximum instead
        width = float(x.max()) - low
    if width <= 0:
        return np.zeros_like(x)
    t = np.clip((x - low) / width, 0.0, None)
    k = -np.log(1.0 - saturation)
    return 1.0 - np.exp(-k * t)


def active_weights(raw: pd.DataFrame, weights: Mapping[str, float]) -> dict[str, float]:
    """Weights of the components that have any data, normalised to sum to 1.

    Examples
    --------
    >>> raw = pd.DataFrame({"a": [0.0, 1.0], "b": [0.0, 0.0]})
    >>> active_weights(raw, {"a": 0.5, "b": 0.5})
    {'a': 1.0, 'b': 0.0}
    """
    present = {
        c: float(w)
        for c, w in weights.items()
        if c in raw and float(np.nan_to_num(raw[c].to_numpy(dtype=float)).max(initial=0)) > 0
    }
    total = sum(present.values())
    return {c: (present.get(c, 0.0) / total if total else 0.0) for c in weights}


def composite(scaled: pd.DataFrame, weights: Mapping[str, float]) -> pd.DataFrame:
    """Contributions of every component and their sum, ``influence`` (0-100).

    Examples
    --------
    >>> s = pd.DataFrame({"a": [1.0, 0.5], "b": [0.0, 1.0]}, index=["x", "y"])
    >>> out = composite(s, {"a": 0.75, "b": 0.25})
    >>> out["influence"].round(2).tolist(), out["contribution_a"].round(2).tolist()
    ([75.0, 62.5], [75.0, 37.5])
    """
    out = pd.DataFrame(index=scaled.index)
    total = np.zeros(len(scaled))
    for component, weight in weights.items():
        column = (
            100.0 * weight * scaled[component].to_numpy(dtype=float)
            if weight
            else np.zeros(len(scaled))
        )
        out[f"contribution_{component}"] = column
        total = total + column
    out["influence"] = total
    return out
