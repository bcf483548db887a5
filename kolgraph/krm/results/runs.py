"""What :mod:`kolgraph.krm.runs` returns: a score run's metadata.

>>> ScoreRun.model_validate({"id": "run:1", "parameters": {"seed": 7}, "hcps": 10}).hcps
10
"""

from __future__ import annotations

from typing import Any

from kolgraph.krm.results.base import Open, Scalar


class ScoreRun(Open):
    id: str
    created_at: Scalar = None
    parameters: Any = None
