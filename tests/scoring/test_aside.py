"""Tie tables set aside on disk during the metrics come back equal, and leave nothing behind."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from kolgraph.scoring.aside import TABLES, kept_on_disk, set_aside
from kolgraph.scoring.params import ScoringParams
from kolgraph.scoring.projection import project_layers
from kolgraph.scoring.strongest import keep_strongest, ranked_ties
from tests.scoring.test_strongest import referral_world


def _layers():
    layers = project_layers(referral_world(), ScoringParams())
    keep_strongest(layers)
    return layers


def test_tables_and_ranking_come_back_equal_and_the_file_goes(tmp_path):
    layers = _layers()
    before = {name: getattr(layers, name).copy() for name in TABLES}
    ranking = {k: v.copy() for k, v in ranked_ties(layers).items()}
    assert all(len(before[name]) for name in ("coauthorship", "referral", "combined"))
    with set_aside(layers, tmp_path):
        assert all(getattr(layers, name).empty for name in TABLES)
        assert list(layers.combined.columns) == list(before["combined"].columns)
        assert layers.cache == {}
    assert list(tmp_path.iterdir()) == []  # an unnamed temporary file, gone with the block
    for name in TABLES:
        pd.testing.assert_frame_equal(getattr(layers, name), before[name])
    again = ranked_ties(layers)
    assert again.keys() == ranking.keys()
    assert all(np.array_equal(again[k], ranking[k]) for k in ranking)
    assert any(isinstance(p, list) and p for p in layers.coauthorship["pmids"])


def test_an_error_inside_puts_the_tables_back_and_is_raised(tmp_path):
    layers = _layers()
    rows = len(layers.referral)
    with pytest.raises(RuntimeError, match="metrics failed"), set_aside(layers, tmp_path):
        raise RuntimeError("metrics failed")
    assert len(layers.referral) == rows
    assert "ranked_ties" in layers.cache


def test_values_kept_on_disk_come_back_equal_even_after_an_error(tmp_path):
    """The per-HCP inputs of a lean run wait on disk through the metrics the same way."""
    scores = pd.DataFrame({"scope": ["local", "national"], "potential": [0.5, np.nan]})
    values = {"scope": scores, "ranked": np.array([True, False])}
    with pytest.raises(RuntimeError, match="metrics failed"), kept_on_disk(values, tmp_path):
        assert values == {}
        raise RuntimeError("metrics failed")
    assert list(tmp_path.iterdir()) == []
    pd.testing.assert_frame_equal(values["scope"], scores)
    assert values["ranked"].tolist() == [True, False]
