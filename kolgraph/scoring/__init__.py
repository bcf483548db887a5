"""Influence scoring: network metrics, composite influence, reach, tiers, rising stars.

The public entry points return pandas objects or NetworkX-style dicts:

* :func:`score_hcps` computes a :class:`ScoreResult` (``.frame``: one row per HCP);
* :func:`write_run` stores it as a ScoreRun with its HCPs' scores in ScorePage nodes;
* :mod:`kolgraph.scoring.frame` has DataFrames for notebooks and the HCP export;
* :mod:`kolgraph.scoring.centrality` and :mod:`kolgraph.scoring.communities` are the
  metrics, with NetworkX's definitions and compiled implementations.
"""

from kolgraph.scoring.explain import explain, explanations
from kolgraph.scoring.params import COMPONENTS, ScoringParams
from kolgraph.scoring.pipeline import ScoreResult, assemble, score_hcps
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
