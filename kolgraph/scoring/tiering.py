"""Tiers (strategic / potential / basic) and segments (A / B / C), with the reason.

* **prescribing potential** (0-1): the mean of the robust-scaled signals present in the
  data: referral volume (``pair_count`` in + out), patients (``bene_count`` in + out)
  and, when an HCP has it, the ``prescribing_claims`` property (e.g. Part D claims),
  each scaled over the HCPs that have it. An HCP with none of them has an unknown
  potential and the potential criteria are skipped for them.
* **cooperation** (0-1): ``(accepted + 1) / (accepted + declined + 2)`` over the HCP's
  engagement outcomes (Laplace-smoothed; 0.5 with no outcome on record).
* **influence percentile** (0-100): the share of the *ranked* (eligible) HCPs ranked
  below this one, ``100 * (E - rank) / (E - 1)``; ranks break influence ties by the
  secondary signals and then the id, so the percentile is unique and deterministic.
  Thresholds are percentiles, so they mean the same on a 500-HCP area and a 100k universe.
* **tier**: ``strategic`` if percentile >= ``strategic_percentile`` (97: the top 3 %, at
  least the first), potential (when known) >= ``high_potential`` and cooperation >=
  ``min_cooperation``; ``potential`` if percentile >= ``potential_percentile`` (80) or
  potential >= ``high_potential``; else ``basic``. HCPs that are not ranked (not eligible)
  get no tier.
* **segment** (value matrix, cooperation aside): ``A`` if percentile >= strategic_percentile
  or (percentile >= potential_percentile and high potential); ``B`` if either percentile >=
  potential_percentile or high potential; else ``C``.

Examples
--------
>>> from kolgraph.scoring.params import ScoringParams
>>> tier_of(98.0, 0.8, 0.6, ScoringParams())[0], segment_of(98.0, 0.8, ScoringParams())[0]
('strategic', 'A')
>>> tier_of(98.0, 0.8, 0.1, ScoringParams())[1]  # doctest: +ELLIPSIS
'influence percentile 98.0 >= 97 and potential 0.80 >= 0.5 but cooperation...'
>>> percentiles(np.array([1.0, 2.0, 3.0, np.nan]))
array([100.,  50.,   0.,  nan])
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kolgraph.scoring.influence import robust_scale
from kolgraph.scoring.params import ScoringParams

__all__ = [
    "cooperation",
    "percentiles",
    "prescribing_potential",
    "segment_of",
    "tier_counts",
    "tier_frame",
    "tier_of",
]


def _scaled_where_known(values: np.ndarray, params: ScoringParams) -> np.ndarray:
    known = values > 0
    out = np.full(len(values), np.nan)
    if known.any():
        out[known] = robust_scale(
            np.log1p(values[known]), params.scale_quantiles, params.saturation
        )
    return out


def prescribing_potential(
    nodes: list[str], referrals: pd.DataFrame, hcps: pd.DataFrame, params: ScoringParams
) -> pd.Series:
    """Prescribing potential in [0, 1] per HCP; NaN for an HCP with no such data.

    Each signal is scaled over the HCPs that have it, so an HCP absent from the referral
    or claims data is *unknown*, not zero.
    """
    signals: list[np.ndarray] = []
    for column in ("pair_count", "bene_count"):
        values = pd.to_numeric(referrals[column], errors="coerce").fillna(0.0)
        volume = (
            (
                values.groupby(referrals["src"])
                .sum()
                .add(values.groupby(referrals["dst"]).sum(), fill_value=0.0)
            )
            .reindex(nodes)
            .fillna(0.0)
        )
        if volume.max() > 0:
            signals.append(_scaled_where_known(volume.to_numpy(dtype=float), params))
    claims = pd.to_numeric(hcps.set_index("id")["prescribing_claims"], errors="coerce")
    claims = claims.reindex(nodes).fillna(0.0) if len(hcps) else pd.Series(0.0, index=nodes)
    if claims.max() > 0:
        signals.append(_scaled_where_known(claims.to_numpy(dtype=float), params))
    if not signals:
        return pd.Series(np.nan, index=nodes, name="prescribing_potential")
    stacked = np.vstack(signals)
    known = ~np.isnan(stacked)
    total = np.where(known, stacked, 0.0).sum(axis=0)
    count = known.sum(axis=0)
    mean = np.where(count > 0, total / np.maximum(count, 1), np.nan)
    return pd.Series(mean, index=nodes, name="prescribing_potential")


def cooperation(nodes: list[str], engagements: pd.DataFrame, params: ScoringParams) -> pd.DataFrame:
    """``cooperation`` plus counts of ``accepted`` and ``declined`` outcomes per HCP."""
    outcome = engagements["outcome"].astype(str).str.strip().str.lower()
    pos = outcome.isin(params.positive_outcomes).groupby(engagements["hcp"]).sum()
    neg = outcome.isin(params.negative_outcomes).groupby(engagements["hcp"]).sum()
    frame = pd.DataFrame({"accepted": pos, "declined": neg}).reindex(nodes).fillna(0).astype(int)
    frame["cooperation"] = (frame["accepted"] + 1) / (frame["accepted"] + frame["declined"] + 2)
    return frame


def percentiles(rank: np.ndarray) -> np.ndarray:
    """Influence percentile of each rank among the ranked (NaN rank: not ranked, NaN)."""
    rank = np.asarray(rank, dtype=float)
    n = int(np.count_nonzero(~np.isnan(rank)))
    if n <= 1:
        return np.where(np.isnan(rank), np.nan, 100.0)
    return np.round(100.0 * (n - rank) / (n - 1), 6)


def tier_of(pct: float, potential: float, coop: float, params: ScoringParams) -> tuple[str, str]:
    """Tier from the influence percentile, and the sentence that explains it."""
    has_pot = not np.isnan(potential)
    infl = f"influence percentile {pct:.1f}"
    pot_txt = f"potential {potential:.2f}" if has_pot else "potential unknown"
    high_pot = (potential >= params.high_potential) if has_pot else True
    top, mid = params.strategic_percentile, params.potential_percentile
    if pct >= top and high_pot:
        if coop >= params.min_cooperation:
            return "strategic", (
                f"{infl} >= {top:g}, {pot_txt}"
                f"{f' >= {params.high_potential:g}' if has_pot else ''}"
                f", cooperation {coop:.2f} >= {params.min_cooperation:g}"
            )
        return "potential", (
            f"{infl} >= {top:g} and {pot_txt}"
            f"{f' >= {params.high_potential:g}' if has_pot else ''}"
            f" but cooperation {coop:.2f} < {params.min_cooperation:g}"
        )
    if pct >= mid:
        return "potential", f"{infl} >= {mid:g}" + (
            f" (not strategic: {pot_txt} < {params.high_potential:g})" if pct >= top else ""
        )
    if has_pot and potential >= params.high_potential:
        return "potential", f"{pot_txt} >= {params.high_potential:g}"
    return "basic", (
        f"{infl} < {mid:g}" + (f" and {pot_txt} < {params.high_potential:g}" if has_pot else "")
    )


def segment_of(pct: float, potential: float, params: ScoringParams) -> tuple[str, str]:
    """Segment A/B/C from influence percentile x prescribing potential, and why."""
    has_pot = not np.isnan(potential)
    high_pot = has_pot and potential >= params.high_potential
    top, mid = params.strategic_percentile, params.potential_percentile
    if pct >= top or (pct >= mid and high_pot):
        return "A", f"influence percentile {pct:.1f} >= {top if pct >= top else mid:g}" + (
            " and high potential" if high_pot else ""
        )
    if pct >= mid or high_pot:
        return "B", (
            f"influence percentile {pct:.1f} >= {mid:g}"
            if pct >= mid
            else f"high potential {potential:.2f}"
        )
    return "C", f"influence percentile {pct:.1f} < {mid:g} and potential not high"


def tier_frame(
    rank: pd.Series, potential: pd.Series, coop: pd.Series, params: ScoringParams
) -> pd.DataFrame:
    """Percentile, tier, segment and their reasons for every HCP (unranked: no tier)."""
    pct = percentiles(rank.to_numpy(dtype=float))
    rows: list[tuple[str | None, str | None, str, str | None]] = []
    for p, pot, co in zip(
        pct, potential.to_numpy(dtype=float), coop.to_numpy(dtype=float), strict=True
    ):
        if np.isnan(p):
            rows.append((None, None, "not ranked: not an eligible HCP", None))
            continue
        tier, tier_reason = tier_of(float(p), float(pot), float(co), params)
        segment, segment_reason = segment_of(float(p), float(pot), params)
        rows.append((tier, segment, tier_reason, segment_reason))
    out = pd.DataFrame(
        rows, columns=["tier", "segment", "tier_reason", "segment_reason"], index=rank.index
    )
    out.insert(0, "influence_percentile", pct)
    return out


def tier_counts(frame: pd.DataFrame, params: ScoringParams) -> dict[str, object]:
    """Tier and segment counts of the ranked HCPs and the influence at each threshold."""
    ranked = frame[frame["influence_percentile"].notna()]
    cut = {}
    for name, pct in (
        ("strategic", params.strategic_percentile),
        ("potential", params.potential_percentile),
    ):
        above = ranked.loc[ranked["influence_percentile"] >= pct, "influence"]
        cut[name] = round(float(above.min()), 4) if len(above) else None
    return {
        "ranked": len(ranked),
        "strategic_percentile": params.strategic_percentile,
        "potential_percentile": params.potential_percentile,
        "influence_at_strategic": cut["strategic"],
        "influence_at_potential": cut["potential"],
        "tiers": {t: int((ranked["tier"] == t).sum()) for t in ("strategic", "potential", "basic")},
        "segments": {s: int((ranked["segment"] == s).sum()) for s in ("A", "B", "C")},
    }
