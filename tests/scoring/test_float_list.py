"""Weights handed to igraph as a list: the same values as ``tolist()``, one object per value."""

from __future__ import annotations

import numpy as np

from kolgraph.scoring import edges
from kolgraph.scoring.edges import float_list


def test_float_list_equals_tolist_across_chunks(monkeypatch):
    monkeypatch.setattr(edges, "_CHUNK", 7)  # many chunks on a small array
    rng = np.random.default_rng(11)
    values = np.concatenate([rng.integers(1, 5, 40) / 3.0, rng.random(25), [0.5, 0.5]])
    listed = float_list(values)
    assert listed == values.tolist()
    assert all(type(v) is float for v in listed)
    first = {}
    for value in listed:  # equal values are one shared object
        assert first.setdefault(value, value) is value
    assert len({id(v) for v in listed}) == len(set(values.tolist()))
    assert float_list(np.zeros(0)) == []
