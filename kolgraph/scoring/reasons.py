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

import numpy as np
import pandas as pd

from kolgraph.scoring.activity import EvidenceLists
from kolgraph.scoring.params import COMPONENTS
from kolgraph.scoring.pipeline import METRICS, ScoreResult
from kolgraph.scoring.projection import LAYERS
from kolgraph.scoring.scope import LEVELS
from kolgraph.scoring.strongest import TOP_TIES, ranked_ties

__all__ = ["TOP_TIES", "explain", "explanations", "strongest_ties"]


def _num(value: Any) -> Any:
    kind = type(value)
    if kind is float:
        return None if math.isnan(value) else round(value, 6)
    if value is None or kind is bool or kind is int or kind is str:
        return value
    if hasattr(value, "item"):  # a numpy scalar
        return _num(value.item())
    return value


def records(frame: pd.DataFrame) -> dict[Any, dict[str, Any]]:
    """``frame.to_dict("index")``, read column by column (several times faster).

    >>> records(pd.DataFrame({"a": [1.5, float("nan")], "b": ["x", None]}, index=["h1", "h2"]))
    {'h1': {'a': 1.5, 'b': 'x'}, 'h2': {'a': nan, 'b': nan}}
    """
    columns = [str(c) for c in frame.columns]
    lists = [frame[c].to_numpy().tolist() for c in frame.columns]
    return {
        key: dict(zip(columns, values, strict=True))
        for key, values in zip(frame.index.tolist(), zip(*lists, strict=True), strict=True)
    }


def strongest_ties(result: ScoreResult, hcps: Iterable[str]) -> dict[str, list[dict[str, Any]]]:
    """The ``TOP_TIES`` strongest ties of each of ``hcps``, with their per-layer evidence.

    Ties are ordered by combined weight (to 9 decimals, so equal Newman ties of one paper
    go by id), then by the other HCP's id; each names the co-authored papers, referrals
    both ways and shared congress sessions behind it. The ranking of every HCP's ties is
    worked out once per run (one sort of the tie table) and kept on the layers.
    """
    layers = result.layers
    wanted_ids = list(hcps)
    out: dict[str, list[dict[str, Any]]] = {h: [] for h in wanted_ids}
    if layers is None or layers.combined.empty:
        return out
    nodes = layers.nodes
    ranked = ranked_ties(layers)
    if "node_index" not in layers.cache:
        layers.cache["node_index"] = pd.Index(nodes)
    wanted = np.zeros(len(nodes), dtype=bool)
    at = layers.cache["node_index"].get_indexer(pd.Index(wanted_ids, dtype=object))
    wanted[at[at >= 0]] = True
    pick = np.flatnonzero(wanted[ranked["me"]])
    me, other, row = (ranked[k][pick] for k in ("me", "other", "row"))
    comb, co, ref, con = layers.combined, layers.coauthorship, layers.referral, layers.congress
    layer_values = {layer: comb[layer].to_numpy(dtype=float)[row].tolist() for layer in LAYERS}
    weights = comb["weight"].to_numpy(dtype=float)[row].tolist()
    co_at = ranked["co"][pick]
    co_papers, co_pmids = _gather(co, co_at, "papers"), _gather(co, co_at, "pmids")
    refs = {
        direction: (_gather(ref, at_ref, "pair_count"), _gather(ref, at_ref, "bene_count"))
        for direction, at_ref in (("out", ranked["out"][pick]), ("in", ranked["in"][pick]))
    }
    con_at = ranked["con"][pick]
    sessions, chaired = _gather(con, con_at, "sessions"), _gather(con, con_at, "chaired_by")
    for k, (i, j) in enumerate(zip(me.tolist(), other.tolist(), strict=True)):
        tie: dict[str, Any] = {"hcp": nodes[j], "weight": _num(weights[k])}
        for layer, values in layer_values.items():
            if not math.isnan(values[k]):
                tie[layer] = _num(values[k])
        if co_papers[k] is not None:
            tie["papers"] = co_papers[k]
            tie["pmids"] = co_pmids[k]
        for direction, (pair, bene) in refs.items():
            if pair[k] is not None:
                tie[f"referrals_{direction}"] = {"pair_count": pair[k], "bene_count": bene[k]}
        if sessions[k] is not None:
            tie["shared_sessions"] = sessions[k]
            if chaired[k]:
                tie["chaired_by"] = chaired[k]
        out[nodes[i]].append(tie)
    return out


def _gather(table: pd.DataFrame, rows: np.ndarray, column: str) -> list[Any]:
    """``table[column]`` at ``rows`` as Python values, None where the row is -1."""
    values = table[column].to_numpy()
    found = rows >= 0
    taken = values[rows[found]].tolist() if found.any() else []
    out: list[Any] = [None] * len(rows)
    for k, value in zip(np.flatnonzero(found).tolist(), taken, strict=True):
        out[k] = value
    return out


def explain(
    result: ScoreResult,
    hcp: str,
    *,
    row: Mapping[str, Any] | None = None,
    trend: tuple[list[Any], list[Any]] | None = None,
    ties: list[dict[str, Any]] | None = None,
    evidence: EvidenceLists | None = None,
) -> dict[str, Any]:
    """The explanation of one HCP's scores (see the module docstring for its fields).

    ``row`` (the HCP's row of ``result.frame``), ``trend`` (its yearly output and
    centrality) and ``ties`` (from :func:`strongest_ties`) may be given when they were
    worked out in bulk, as :func:`explanations` does; so may ``evidence`` (its activity
    evidence items, from :meth:`~kolgraph.scoring.activity.Evidence.many`).
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
    tier, tier_reason = _num(row["tier"]), _num(row["tier_reason"])
    segment, segment_reason = _num(row["segment"]), _num(row["segment_reason"])
    if evidence is None:
        evidence = result.activity.evidence.get(hcp, {}) if result.activity else {}
    evidence = dict(evidence)
    evidence["ties"] = strongest_ties(result, [hcp])[hcp] if ties is None else ties
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

    The score rows and yearly series are read in bulk (one pass per table, not a
    ``.loc`` lookup per HCP); each explanation equals :func:`explain` on its own.
    """
    index = result.frame.index if hcps is None else pd.Index(list(hcps))
    rows = records(result.frame.loc[index])
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
    ties = strongest_ties(result, index)
    items = result.activity.evidence.many(index) if result.activity else {}
    return {
        hcp: explain(
            result,
            hcp,
            row=rows[hcp],
            trend=trends.get(hcp),
            ties=ties[hcp],
            evidence=items.get(hcp, {}),
        )
        for hcp in index
    }


def contributions_frame(result: ScoreResult) -> pd.DataFrame:
    """Contribution of every component per HCP (columns) plus ``influence``."""
    columns = [f"contribution_{c}" for c in COMPONENTS]
    return result.frame[[*columns, "influence"]].rename(
        columns=lambda c: c.removeprefix("contribution_")
    )
