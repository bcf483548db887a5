"""Tiers (strategic / potential / basic) and segments (A / B / C), with the reason.

* **prescribing potential** (0-1): the mean of the robust-scaled signals present in the
  data: referral volume (``pair_count`` in + out), patients (``bene_count`` in + out)
  and, when an HCP has it, the ``prescribing_claims`` property (e.g. Part D claims).
  With no such data at all it is unknown and the potential criteria are skipped.
* **cooperation** (0-1): ``(accepted + 1) / (accepted + declined + 2)`` over the HCP's
  engagement outcomes (Laplace-smoothed; 0.5 with no outcome on record).
* **tier**: ``strategic`` if influence >= ``strategic_influence``, potential >=
  ``high_potential`` and cooperation >= ``min_cooperation``; ``potential`` if influence
  >= ``potential_influence`` or potential >= ``high_potential``; else ``basic``.
* **segment** (value matrix, cooperation aside): ``A`` if influence >= strategic_influence
  or (influence >= potential_influence and high potential); ``B`` if either influence
  >= potential_influence or high potential; else ``C``.

Examples
--------
>>> from kolgraph.scoring.params import ScoringParams
>>> tier_of(72.0, 0.8, 0.6, ScoringParams())[0], segment_of(72.0, 0.8, ScoringParams())[0]
('strategic', 'A')
>>> tier_of(72.0, 0.8, 0.1, ScoringParams())
('potential', 'influence 72.0 >= 60 and potential 0.80 >= 0.5 but cooperation 0.10 < 0.3')
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kolgraph.scoring.influence import robust_scale
from kolgraph.scoring.params import ScoringParams

__all__ = ["cooperation", "prescribing_potential", "segment_of", "tier_frame", "tier_of"]


def prescribing_potential(
    nodes: list[str], referrals: pd.DataFrame, hcps: pd.DataFrame, params: ScoringParams
) -> pd.Series:
    """Prescribing potential in [0, 1] per HCP, NaN for everyone when no data exists."""
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
            signals.append(
                robust_scale(np.log1p(volume.to_numpy()), params.scale_quantiles, params.saturation)
            )
    claims = pd.to_numeric(hcps.set_index("id")["prescribing_claims"], errors="coerce")
    claims = claims.reindex(nodes).fillna(0.0) if len(hcps) else pd.Series(0.0, index=nodes)
    if claims.max() > 0:
        signals.append(
            robust_scale(np.log1p(claims.to_numpy()), params.scale_quantiles, params.saturation)
        )
    if not signals:
        return pd.Series(np.nan, index=nodes, name="prescribing_potential")
    return pd.Series(np.mean(signals, axis=0), index=nodes, name="prescribing_potential")


def cooperation(nodes: list[str], engagements: pd.DataFrame, params: ScoringParams) -> pd.DataFrame:
    """``cooperation`` plus counts of ``accepted`` and ``declined`` outcomes per HCP."""
    outcome = engagements["outcome"].astype(str).str.strip().str.lower()
    pos = outcome.isin(params.positive_outcomes).groupby(engagements["hcp"]).sum()
    neg = outcome.isin(params.negative_outcomes).groupby(engagements["hcp"]).sum()
    frame = pd.DataFrame({"accepted": pos, "declined": neg}).reindex(nodes).fillna(0).astype(int)
    frame["cooperation"] = (frame["accepted"] + 1) / (frame["accepted"] + frame["declined"] + 2)
    return frame


def tier_of(
    influence: float, potential: float, coop: float, params: ScoringParams
) -> tuple[str, str]:
    """Tier and the sentence that explains it (NaN potential: criterion skipped)."""
    has_pot = not np.isnan(potential)
    infl = f"influence {influence:.1f}"
    pot_txt = f"potential {potential:.2f}" if has_pot else "potential unknown"
    high_pot = (potential >= params.high_potential) if has_pot else True
    if influence >= params.strategic_influence and high_pot:
        if coop >= params.min_cooperation:
            return "strategic", (
                f"{infl} >= {params.strategic_influence:g}, {pot_txt}"
                f"{f' >= {params.high_potential:g}' if has_pot else ''}"
                f", cooperation {coop:.2f} >= {params.min_cooperation:g}"
            )
        return "potential", (
            f"{infl} >= {params.strategic_influence:g} and {pot_txt}"
            f"{f' >= {params.high_potential:g}' if has_pot else ''}"
            f" but cooperation {coop:.2f} < {params.min_cooperation:g}"
        )
    if influence >= params.potential_influence:
        return "potential", f"{infl} >= {params.potential_influence:g}"
    if has_pot and potential >= params.high_potential:
        return "potential", f"{pot_txt} >= {params.high_potential:g}"
    return "basic", (
        f"{infl} < {params.potential_influence:g}"
        + (f" and {pot_txt} < {params.high_potential:g}" if has_pot else "")
    )


def segment_of(influence: float, potential: float, params: ScoringParams) -> tuple[str, str]:
    """Segment A/B/C from influence x prescribing potential, and why."""
    has_pot = not np.isnan(potential)
    high_pot = has_pot and potential >= params.high_potential
    if influence >= params.strategic_influence or (
        influence >= params.potential_influence and high_pot
    ):
        return "A", "high influence" + (" and high potential" if high_pot else "")
    if influence >= params.potential_influence or high_pot:
        return (
            "B",
            "high influence" if influence >= params.potential_influence else "high potential",
        )
    return "C", "neither influence nor potential high"


def tier_frame(
    influence: pd.Series, potential: pd.Series, coop: pd.Series, params: ScoringParams
) -> pd.DataFrame:
    """Tier and segment for every HCP (vectorised :func:`tier_of` / :func:`segment_of`)."""
    inf = influence.to_numpy(dtype=float)
    pot = potential.to_numpy(dtype=float)
    co = coop.to_numpy(dtype=float)
    known = ~np.isnan(pot)
    high_pot = np.where(known, np.nan_to_num(pot) >= params.high_potential, False)
    strategic_ok = (inf >= params.strategic_influence) & (high_pot | ~known)
    tier = np.select(
        [
            strategic_ok & (co >= params.min_cooperation),
            strategic_ok | (inf >= params.potential_influence) | high_pot,
        ],
        ["strategic", "potential"],
        "basic",
    )
    segment = np.select(
        [
            (inf >= params.strategic_influence) | ((inf >= params.potential_influence) & high_pot),
            (inf >= params.potential_influence) | high_pot,
        ],
        ["A", "B"],
        "C",
    )
    return pd.DataFrame({"tier": tier, "segment": segment}, index=influence.index)
