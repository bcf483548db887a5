"""What :func:`kolgraph.krm.health.readiness` returns.

>>> Readiness(ready=True, hcps=0, score_runs=0).hcps
0
"""

from __future__ import annotations

from pydantic import BaseModel


class Readiness(BaseModel):
    ready: bool
    hcps: int
    score_runs: int
