"""Explanations: why an HCP has its score, down to the papers, congress roles and ties.

An explanation is a plain dict (stored as JSON on the HCP's Score node):

* ``influence`` and ``rank``;
* ``components``: for each component its raw value, scaled value (0-1), weight,
  ``contribution`` (points of influence) and rank among all HCPs; the contributions
  sum to ``influence``;
* ``network``: the centralities behind the network component, community and role;
* ``evidence``: top papers (pmid/doi, year, role, value), congress roles, trials and the
  strongest ties with their per-layer weights and joint pmids;
* ``tier``/``segment`` with the rule that assigned them, ``scope`` with the evidence
  count per level, and the rising-star trend with its yearly series.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd

from kolgraph.scoring.params import COMPONENTS
from kolgraph.scoring.pipeline import METRICS, ScoreResult
from kolgraph.scoring.scope import LEVELS

__all__ = ["explain", "explanations"]

TOP_TIES = 5


def _num(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)) or hasattr(value, "item"):
        number = value.item() if hasattr(value, "item") else value
        if isinstance(number, float):
            return None if math.isnan(number) else round(number, 6)
        return number
    return value


def _ties(result: ScoreResult, hcp: str) -> list[dict[str, Any]]:
    layers = result.layers
    if layers is None or hcp not in layers.combined:
        return []
    # equal weights (Newman ties of one paper) go by id, whatever order the sum was taken in
    ranked = sorted(
        layers.combined[hcp].items(), key=lambda item: (-round(item[1]["weight"], 9), item[0])
    )
    ties = []
    for other, data in ranked[:TOP_TIES]:
        tie: dict[str, Any] = {"hcp": other, "weight": _num(data["weight"])}
        for layer in ("coauthorship", "referral", "congress"):
            if layer in data:
                tie[layer] = _num(data[layer])
        co = layers.coauthorship.get_edge_data(hcp, other)
        if co:
            tie["papers"] = co["papers"]
            tie["pmids"] = co["pmids"]
        for u, v in ((hcp, other), (other, hcp)):
            ref = layers.referral.get_edge_data(u, v)
            if ref:
                tie[f"referrals_{'out' if u == hcp else 'in'}"] = {
                    "pair_count": ref["pair_count"],
                    "bene_count": ref["bene_count"],
                }
        con = layers.congress.get_edge_data(hcp, other)
        if con:
            tie["shared_sessions"] = con["sessions"]
            if con["chaired_by"]:
                tie["chaired_by"] = con["chaired_by"]
        ties.append(tie)
    return ties


def explain(
    result: ScoreResult,
    hcp: str,
    *,
    row: Mapping[str, Any] | None = None,
    trend: tuple[list[Any], list[Any]] | None = None,
) -> dict[str, Any]:
    """The explanation of one HCP's scores (see the module docstring for its fields).

    ``row`` (the HCP's row of ``result.frame``) and ``trend`` (its yearly output and
    centrality) may be given when they were read in bulk, as :func:`explanations` does.
    """
    row = result.frame.loc[hcp] if row is None else row
    weights = result.info["component_weights"]
    components = [
        {
            "component": c,
            "raw": _num(row[f"{c}_raw"]),
            "scaled": _num(row[c]),
            "weight": _num(weights.get(c, 0.0)),
            "contribution": _num(row[f"contribution_{c}"]),
            "rank": _num(row[f"rank_{c}"]),
        }
        for c in COMPONENTS
    ]
    potential = float(row["prescribing_potential"])
    tier, tier_reason = row["tier"], row["tier_reason"]
    segment, segment_reason = row["segment"], row["segment_reason"]
    evidence = dict(result.activity.evidence.get(hcp, {})) if result.activity else {}
    evidence["ties"] = _ties(result, hcp)
    out: dict[str, Any] = {
        "hcp_id": hcp,
        "influence": _num(row["influence"]),
        "rank": _num(row["rank"]),
        "eligibility": {
            "eligible": bool(row["eligible"]),
            "industry": bool(row["industry"]),
            "reason": row["eligibility_reason"],
            "ranked": bool(row["ranked"]),
        },
        "influence_percentile": _num(row["influence_percentile"]),
        "components": components,
        "network": {
            m: _num(row[m])
            for m in (
                *METRICS,
                "degree",
                "strength",
                "reach_1",
                "reach_2",
                "spread",
                "community",
                "community_role",
                "participation",
                "within_z",
            )
        },
        "evidence": evidence,
        "tier": {
            "tier": tier,
            "reason": tier_reason,
            "prescribing_potential": _num(potential),
            "cooperation": _num(row["cooperation"]),
            "accepted": _num(row["accepted"]),
            "declined": _num(row["declined"]),
        },
        "segment": {"segment": segment, "reason": segment_reason},
        "scope": {
            "scope": row["scope"],
            "evidence": {lv: _num(row.get(f"scope_{lv}", 0)) for lv in LEVELS},
        },
    }
    if result.trends is not None:
        years = result.trends.attrs["years"]
        output, central = (
            trend
            if trend is not None
            else (
                result.trends.attrs["output"].loc[hcp].tolist(),
                result.trends.attrs["centrality"].loc[hcp].tolist(),
            )
        )
        out["rising"] = {
            "rising_star": bool(row["rising_star"]),
            "rising_score": _num(row["rising_score"]),
            "output_slope": _num(row["output_slope"]),
            "centrality_slope": _num(row["centrality_slope"]),
            "years": years,
            "output": [_num(v) for v in output],
            "centrality": [_num(v) for v in central],
        }
    return out


def explanations(
    result: ScoreResult, hcps: Iterable[str] | None = None
) -> dict[str, dict[str, Any]]:
    """Explanations of every scored HCP (or of ``hcps``), keyed by HCP id.

    The score rows and yearly series are read in bulk (one ``to_dict`` per table, not a
    ``.loc`` lookup per HCP); each explanation equals :func:`explain` on its own.
    """
    index = result.frame.index if hcps is None else pd.Index(list(hcps))
    rows = result.frame.loc[index].to_dict("index")
    trends: dict[Any, tuple[list[Any], list[Any]]] = {}
    if result.trends is not None:
        output = result.trends.attrs["output"].reindex(index)
        central = result.trends.attrs["centrality"].reindex(index)
        trends = dict(
            zip(
                index,
                zip(output.to_numpy().tolist(), central.to_numpy().tolist(), strict=True),
                strict=True,
            )
        )
    return {hcp: explain(result, hcp, row=rows[hcp], trend=trends.get(hcp)) for hcp in index}


def contributions_frame(result: ScoreResult) -> pd.DataFrame:
    """Contribution of every component per HCP (columns) plus ``influence``."""
    columns = [f"contribution_{c}" for c in COMPONENTS]
    return result.frame[[*columns, "influence"]].rename(
        columns=lambda c: c.removeprefix("contribution_")
    )
