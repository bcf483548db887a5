"""Rounding a column at a time gives what Python's round gives, value by value."""

from __future__ import annotations

import math

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from kolgraph.scoring.numbers import rounded_list


def _python(values: list[float], digits: int) -> list[float | None]:
    return [None if math.isnan(v) else round(v, digits) for v in values]


def _same(got: list[float | None], want: list[float | None]) -> bool:
    """Equal, NaN-free, and with the same sign of zero."""
    return all(
        (g is None and w is None)
        or (
            g is not None
            and w is not None
            and g == w
            and math.copysign(1, g) == math.copysign(1, w)
        )
        for g, w in zip(got, want, strict=True)
    )


@given(st.lists(st.floats(), max_size=50), st.sampled_from([4, 6]))
def test_any_floats_round_as_python_rounds_them(values: list[float], digits: int) -> None:
    assert _same(rounded_list(values, digits), _python(values, digits))


def test_half_way_and_edge_values() -> None:
    """Values whose scaled product sits on or next to a half (where NumPy's own rounding
    of the product could go the other way), huge and tiny values, signed zeros."""
    rng = np.random.default_rng(7)
    halves = (rng.integers(-(10**9), 10**9, 200_000) + 0.5) / 1e6
    neighbours = np.concatenate([np.nextafter(halves, np.inf), np.nextafter(halves, -np.inf)])
    seven = np.round(rng.normal(0, 1e3, 200_000), 7)
    edges = [0.0078125, 2.5e-6, 1.5e-6, -0.0, 1e-300, 5e-324, 1e9, 1e15, -1e22, math.inf, -math.inf]
    for values in (halves, neighbours, seven, np.array(edges), rng.random(200_000) * 1e-5):
        for digits in (4, 6):
            assert _same(rounded_list(values, digits), _python(values.tolist(), digits))


def test_integers_and_float32_columns() -> None:
    assert rounded_list(np.array([1, 2, 3])) == [1.0, 2.0, 3.0]
    values = np.array([0.1, 0.25, np.nan], dtype=np.float32)
    assert rounded_list(values) == _python([float(v) for v in values], 6)
