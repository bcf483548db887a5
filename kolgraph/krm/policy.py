"""The KRM rules' knobs: conflict window, spend cap, visit radius (``KOLGRAPH_KRM_*``)."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class KrmPolicy(BaseSettings):
    """Thresholds of contact tracking and KPIs; set via ``KOLGRAPH_KRM_<NAME>``.

    Examples
    --------
    >>> KrmPolicy(annual_spend_cap=2500).annual_spend_cap
    2500.0
    """

    model_config = SettingsConfigDict(env_prefix="KOLGRAPH_KRM_", extra="forbid")

    conflict_window_days: int = Field(
        14,
        ge=0,
        le=365,
        description="Different departments within this many days of each other conflict.",
    )
    objective_overlap: float = Field(
        0.5,
        gt=0,
        le=1,
        description="Share of shared objective terms that counts as overlapping objectives.",
    )
    annual_spend_cap: float = Field(
        5000.0,
        ge=0,
        description="Fair-market-value cap per HCP and calendar "
        "year, USD, all departments together.",
    )
    lookback_days: int = Field(
        365, ge=1, le=3660, description="Contact tracking looks this far back."
    )
    stale_days: int = Field(
        90,
        ge=1,
        le=3660,
        description="A strategic KOL with no contact for this long is flagged in the portfolio.",
    )
    visit_radius_m: float = Field(
        500.0,
        gt=0,
        description="A visit is verified when its GPS fix is this close "
        "to the HCP's practice address.",
    )
