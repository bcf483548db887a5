"""Tables kept on disk while the network metrics run, and put back after them.

Once a run has ranked every HCP's strongest ties it keeps those tie rows and the ranking
for the explanations it writes after the metrics (at 1M HCPs and 10M ties about 0.6 GB),
and its per-HCP inputs for the scores it assembles after them. They are idle through the
metrics, which are the run's peak of memory: PageRank and Leiden here and the distance
worker beside them. :func:`set_aside` writes the tie tables to a temporary file for the
time of a ``with`` block and reads them back at its end, equal; :func:`kept_on_disk` does
the same for the values of a dict.

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
from typing import TYPE_CHECKING, Any

from kolgraph.scoring import heap

if TYPE_CHECKING:
    from kolgraph.scoring.projection import Layers

__all__ = ["TABLES", "kept_on_disk", "set_aside"]

TABLES = ("coauthorship", "referral", "congress", "combined")
"""The tie tables set aside (with ``layers.cache``, where the ranking is kept)."""


@contextmanager
def kept_on_disk(values: dict[str, Any], directory: Path | None = None) -> Iterator[None]:
    """Keep ``values``' items in a temporary file in ``directory`` (the system's temporary
    directory when None) for the ``with`` block, the dict empty meanwhile; they are put
    back, equal, even when the block raises.

    ``directory`` should be on disk: a temporary directory in memory (tmpfs) would keep
    the values in memory all the same.

    >>> values = {"table": [1, 2, 3]}
    >>> with kept_on_disk(values):
    ...     len(values)
    0
    >>> values
    {'table': [1, 2, 3]}
    """
    with tempfile.TemporaryFile(dir=directory, prefix="kolgraph-aside-") as file:
        pickle.dump(values, file, protocol=pickle.HIGHEST_PROTOCOL)
        values.clear()
        heap.give_back()
        try:
            yield
        finally:
            file.seek(0)
            values.update(pickle.load(file))


@contextmanager
def set_aside(layers: Layers, directory: Path | None = None) -> Iterator[None]:
    """Keep ``layers``' tie tables and cache on disk (:func:`kept_on_disk`) for the
    ``with`` block; meanwhile the tables are empty and the cache too. They are put back
    even when the block raises.
    """
    values: dict[str, Any] = {name: getattr(layers, name) for name in TABLES}
    values["cache"] = dict(layers.cache)
    for name in TABLES:
        setattr(layers, name, getattr(layers, name).head(0).copy())
    layers.cache.clear()
    try:
        with kept_on_disk(values, directory):
            yield
    finally:
        for name in TABLES:
            setattr(layers, name, values[name])
        layers.cache.update(values["cache"])
