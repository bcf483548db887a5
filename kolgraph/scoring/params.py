"""Every knob of a scoring run, with its documented default (see docs/scoring.md).

A run stores these parameters as JSON on its ScoreRun node; the same data, the same
parameters and the same ``seed`` give identical scores.

Examples
--------
>>> p = ScoringParams(component_weights={"scientific": 1.0})
>>> p.component_weights["scientific"], p.seed
(1.0, 0)
>>> ScoringParams(since=2020, until=2019)
Traceback (most recent call last):
...
pydantic_core._pydantic_core.ValidationError: 1 validation error for ScoringParams
...
"""

from __future__ import annotations

import json
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

__all__ = ["COMPONENTS", "ScoringParams"]

COMPONENTS = ("scientific", "congress", "trials", "network", "referral")
Weights = dict[str, float]


def _nonnegative(name: str, weights: Weights) -> None:
    bad = [k for k, v in weights.items() if v < 0]
    if bad:
        raise ValueError(f"{name}: weights must be >= 0 (got negative for {', '.join(bad)})")


class ScoringParams(BaseModel):
    """Parameters of one scoring run; every field has a documented default."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    seed: int = 0
    area: str | None = Field(None, description="MeSH id/tree number/term or topic name")
    since: int | None = Field(None, description="first year of the window (inclusive)")
    until: int | None = Field(None, description="last year of the window (inclusive)")
    reference_year: int | None = Field(
        None, description="year recency is measured from; default: until, else latest in data"
    )
    half_life_years: float = Field(5.0, gt=0)

    # Co-authorship layer and scientific activity.
    position_weights: Weights = {"first": 1.0, "last": 1.0, "single": 1.0, "middle": 0.5}
    crowded_paper: int = Field(10, ge=2, description="middle-author weight x min(1, this/n)")
    max_coauthors: int = Field(50, ge=2, description="papers with more authors add no ties")
    coauthor_ties: Literal["newman", "full"] = Field(
        "newman",
        description="newman: a joint paper of n authors adds 1/(n-1) to a co-author tie "
        "(Newman 2001); full: 1 per joint paper, middle authors shrunk as crowded_paper",
    )
    paper_credit: Literal["position", "fractional"] = Field(
        "position",
        description="position: a paper gives each author its position weight (middle "
        "authors x min(1, crowded_paper/n)); fractional: one unit shared by position weight",
    )
    citation_scale: float = Field(100.0, gt=1, description="a paper cited this often counts 2x")

    # Layers.
    referral_weight: Literal["pair_count", "bene_count"] = "pair_count"
    max_session_size: int = Field(
        50, ge=2, description="bigger sessions add no shared-session ties"
    )
    chair_tie: float = Field(1.0, ge=0)
    layer_weights: Weights = {"coauthorship": 1.0, "referral": 1.0, "congress": 0.5}

    # Congress and trial roles.
    congress_role_weights: Weights = {
        "chair": 1.0,
        "moderator": 0.8,
        "invited_speaker": 0.8,
        "panelist": 0.6,
        "abstract": 0.4,
        "poster": 0.25,
    }
    congress_scope_weights: Weights = {"international": 1.0, "national": 0.7, "regional": 0.4}
    trial_role_weights: Weights = {
        "principal_investigator": 1.0,
        "study_chair": 1.0,
        "study_director": 0.8,
        "sub_investigator": 0.5,
        "site_investigator": 0.5,
    }

    # Composite.
    component_weights: Weights = {
        "scientific": 0.30,
        "network": 0.25,
        "congress": 0.20,
        "referral": 0.15,
        "trials": 0.10,
    }
    network_weights: Weights = {
        "pagerank": 0.4,
        "eigenvector": 0.2,
        "betweenness": 0.2,
        "harmonic": 0.2,
    }
    scale_quantiles: tuple[float, float] = (5.0, 95.0)
    saturation: float = Field(0.95, gt=0, lt=1, description="scaled score at the upper quantile")

    # Metrics.
    community_method: Literal["leiden", "louvain", "label_propagation"] = "leiden"
    resolution: float = Field(1.0, gt=0)
    pagerank_alpha: float = Field(0.85, gt=0, lt=1)
    exact_limit: int = Field(5000, ge=3, description="exact betweenness/harmonic up to n nodes")
    exact_work: float = Field(
        5e7, ge=0, description="also exact while sum over components n_c (n_c + m_c) <= this"
    )
    betweenness_samples: int | None = Field(None, ge=2, description="None: chosen by size")
    harmonic_samples: int | None = Field(None, ge=2, description="None: chosen by size")
    reach_exact_work: float = Field(5e7, description="exact 2-hop reach up to this many steps")
    cascade_scale: float = Field(1.0, gt=0, description="tie weight w activates with 1-exp(-w/s)")
    portfolio_k: int = Field(10, ge=0)

    # Scope, tiers, rising stars.
    scope_share: float = Field(0.25, gt=0, le=1)
    strategic_percentile: float = Field(
        97.0, ge=0, le=100, description="influence percentile (of eligible HCPs) for strategic"
    )
    potential_percentile: float = Field(
        80.0, ge=0, le=100, description="influence percentile (of eligible HCPs) for potential"
    )
    include_non_hcp: bool = Field(
        False, description="rank, tier and pick non-HCPs (industry, no HCP evidence) too"
    )
    high_potential: float = Field(0.5, ge=0, le=1)
    min_cooperation: float = Field(0.3, ge=0, le=1)
    positive_outcomes: tuple[str, ...] = ("accepted", "completed", "positive", "attended", "agreed")
    negative_outcomes: tuple[str, ...] = (
        "declined",
        "rejected",
        "negative",
        "no_show",
        "cancelled",
    )
    trend_years: int = Field(5, ge=2)
    rising_quantile: float = Field(0.9, gt=0, lt=1)
    min_rising_papers: int = Field(2, ge=0)

    @model_validator(mode="after")
    def _check(self) -> ScoringParams:
        if self.since is not None and self.until is not None and self.since > self.until:
            raise ValueError(f"since ({self.since}) is after until ({self.until}); swap them")
        for name in (
            "position_weights",
            "layer_weights",
            "congress_role_weights",
            "congress_scope_weights",
            "trial_role_weights",
            "component_weights",
            "network_weights",
        ):
            _nonnegative(name, getattr(self, name))
        unknown = set(self.component_weights) - set(COMPONENTS)
        if unknown:
            raise ValueError(f"component_weights: unknown {sorted(unknown)}; use {COMPONENTS}")
        if not any(self.component_weights.values()):
            raise ValueError("component_weights: at least one weight must be > 0")
        lo, hi = self.scale_quantiles
        if not 0 <= lo < hi <= 100:
            raise ValueError("scale_quantiles: need 0 <= low < high <= 100")
        if self.potential_percentile > self.strategic_percentile:
            raise ValueError("potential_percentile must not exceed strategic_percentile")
        return self

    def to_json(self) -> str:
        """Parameters as canonical JSON (sorted keys), as stored on the ScoreRun."""
        return json.dumps(self.model_dump(mode="json"), sort_keys=True)
