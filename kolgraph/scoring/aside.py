"""Tie tables kept on disk while the network metrics run, and put back after them.

Once a run has ranked every HCP's strongest ties it keeps those tie rows and the ranking
for the explanations it writes after the metrics (at 1M HCPs and 10M ties about 0.6 GB).
They are idle through the metrics, which are the run's peak of memory: PageRank and Leiden
here and the distance worker beside them. :func:`set_aside` writes them to a temporary
file for the time of a ``with`` block and reads them back at its end, equal.

Examples
--------
>>> import pandas as pd
>>> from kolgraph.scoring.inputs import ScoringData
>>> from kolgraph.scoring.projection import Layers
>>> ties = pd.DataFrame({"a": [0], "b": [1], "weight": [2.0]})
>>> layers = Layers(["x", "y"], ties, ties.copy(), ties.head(0), ties.copy(),
...                 ScoringData.from_rows(), 2024, {"ranked": [1]})
>>> with set_aside(layers):
...     len(layers.combined), layers.cache
(0, {})
>>> len(layers.combined), layers.cache
(1, {'ranked': [1]})
"""

from __future__ import annotations

import pickle
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from kolgraph.scoring import heap

if TYPE_CHECKING:
    from kolgraph.scoring.projection import Layers

__all__ = ["TABLES", "set_aside"]

TABLES = ("coauthorship", "referral", "congress", "combined")
"""The tie tables set aside (with ``layers.cache``, where the ranking is kept)."""


@contextmanager
def set_aside(layers: Layers, directory: Path | None = None) -> Iterator[None]:
    """Keep ``layers``' tie tables and cache in a temporary file in ``directory`` (the
    system's temporary directory when None) for the ``with`` block; meanwhile the tables
    are empty and the cache too. They are put back even when the block raises.

    ``directory`` should be on disk: a temporary directory in memory (tmpfs) would keep
    the tables in memory all the same.
    """
    with tempfile.TemporaryFile(dir=directory, prefix="kolgraph-ties-") as file:
        pickle.dump(
            ({name: getattr(layers, name) for name in TABLES}, dict(layers.cache)),
            file,
            protocol=pickle.HIGHEST_PROTOCOL,
        )
        for name in TABLES:
            setattr(layers, name, getattr(layers, name).head(0).copy())
        layers.cache.clear()
        heap.give_back()
        try:
            yield
        finally:
            file.seek(0)
            tables, cache = pickle.load(file)
            for name, table in tables.items():
                setattr(layers, name, table)
            layers.cache.update(cache)
