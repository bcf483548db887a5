"""Influence scoring: network metrics, composite influence, reach, tiers, rising stars.

The public entry points return pandas objects or NetworkX-style dicts:

* :func:`score_hcps` computes a :class:`ScoreResult` (``.frame``: one row per HCP);
* :func:`write_run` stores it as a ScoreRun with its HCPs' scores in ScorePage nodes;
* :mod:`kolgraph.scoring.frame` has DataFrames for notebooks and the HCP export;
* :mod:`kolgraph.scoring.centrality` and :mod:`kolgraph.scoring.communities` are the
  metrics, with NetworkX's definitions and compiled implementations.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kolgraph.scoring.params import COMPONENTS, ScoringParams
    from kolgraph.scoring.pipeline import ScoreResult, assemble, score_hcps
    from kolgraph.scoring.reasons import explain, explanations
    from kolgraph.scoring.runs import write_run

__all__ = [
    "COMPONENTS",
    "ScoreResult",
    "ScoringParams",
    "assemble",
    "explain",
    "explanations",
    "score_hcps",
    "write_run",
]

# Imported when first asked for, so a module of the package (the distance worker's, in a
# process of its own) loads without pandas and the rest of the pipeline.
_HOMES = {
    "COMPONENTS": "params",
    "ScoreResult": "pipeline",
    "ScoringParams": "params",
    "assemble": "pipeline",
    "explain": "reasons",
    "explanations": "reasons",
    "score_hcps": "pipeline",
    "write_run": "runs",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{home}"), name)
    globals()[name] = value
    return value
