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
from kolgraph.scoring.numbers import rounded_list
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


_NETWORK = (
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
_COMPONENT_COLUMNS = tuple((c, f"{c}_raw", f"contribution_{c}", f"rank_{c}") for c in COMPONENTS)
_SCOPE_COLUMNS = tuple((lv, f"scope_{lv}") for lv in LEVELS)
# Every column an explanation shows through _num (the others: eligibility flags and
# reason, scope, rising_star).
_NUMBERED = (
    "influence",
    "rank",
    "influence_percentile",
    *(column for columns in _COMPONENT_COLUMNS for column in columns),
    *_NETWORK,
    "prescribing_potential",
    "cooperation",
    "accepted",
    "declined",
    "tier",
    "tier_reason",
    "segment",
    "segment_reason",
    *(column for _, column in _SCOPE_COLUMNS),
    "rising_score",
    "output_slope",
    "centrality_slope",
)


def _num_list(values: np.ndarray) -> list[Any]:
    """``[_num(v) for v in values]``, numbers rounded by NumPy."""
    if values.dtype.kind == "f":
        return rounded_list(values)
    if values.dtype.kind in "biu":
        return values.tolist()
    return [_num(v) for v in values.tolist()]


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
    index = layers.cache["node_index"]
    at = index.get_indexer(pd.Index(wanted_ids, dtype=index.dtype))  # one dtype: a fast lookup
    pick = _rows_of(ranked["me"], np.unique(at[at >= 0]))
    me, other, row = (ranked[k][pick] for k in ("me", "other", "row"))
    comb, co, ref, con = layers.combined, layers.coauthorship, layers.referral, layers.congress
    layer_values = {layer: rounded_list(comb[layer].to_numpy(dtype=float)[row]) for layer in LAYERS}
    weights = rounded_list(comb["weight"].to_numpy(dtype=float)[row])
    co_at = ranked["co"][pick]
    co_papers, co_pmids = _gather(co, co_at, "papers"), _gather(co, co_at, "pmids")
    refs = {
        direction: (_gather(ref, at_ref, "pair_count"), _gather(ref, at_ref, "bene_count"))
        for direction, at_ref in (("out", ranked["out"][pick]), ("in", ranked["in"][pick]))
    }
    con_at = ranked["con"][pick]
    sessions, chaired = _gather(con, con_at, "sessions"), _gather(con, con_at, "chaired_by")
    for k, (i, j) in enumerate(zip(me.tolist(), other.tolist(), strict=True)):
        tie: dict[str, Any] = {"hcp": nodes[j], "weight": weights[k]}
        for layer, values in layer_values.items():
            if values[k] is not None:
                tie[layer] = values[k]
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


def _rows_of(me: np.ndarray, wanted: np.ndarray) -> np.ndarray:
    """The positions in sorted ``me`` holding any of sorted ``wanted``, in order (found
    by binary search: a batch of HCPs costs its own ties, not a pass over every tie).

    >>> _rows_of(np.array([0, 0, 2, 3, 3, 3]), np.array([0, 3, 5])).tolist()
    [0, 1, 3, 4, 5]
    """
    first, last = np.searchsorted(me, wanted, "left"), np.searchsorted(me, wanted, "right")
    sizes = last - first
    return np.repeat(first - (np.cumsum(sizes) - sizes), sizes) + np.arange(sizes.sum())


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
    worked out in bulk; so may ``evidence`` (its activity evidence items, from
    :meth:`~kolgraph.scoring.activity.Evidence.many`). :func:`explanations` makes many
    at once.
    """
    row = result.frame.loc[hcp] if row is None else row
    shown = {name: _num(row[name]) for name in _NUMBERED if name in row}
    shown["prescribing_potential"] = _num(float(row["prescribing_potential"]))
    if result.trends is not None and trend is None:
        trend = (
            result.trends.attrs["output"].loc[hcp].tolist(),
            result.trends.attrs["centrality"].loc[hcp].tolist(),
        )
    if trend is not None:
        trend = ([_num(v) for v in trend[0]], [_num(v) for v in trend[1]])
    if evidence is None:
        evidence = result.activity.evidence.get(hcp, {}) if result.activity else {}
    if ties is None:
        ties = strongest_ties(result, [hcp])[hcp]
    return _explanation(result, hcp, row, shown, trend, ties, evidence)


def _explanation(
    result: ScoreResult,
    hcp: str,
    row: Mapping[str, Any],
    shown: Mapping[str, Any],
    trend: tuple[list[Any], list[Any]] | None,
    ties: list[dict[str, Any]],
    evidence: EvidenceLists,
) -> dict[str, Any]:
    """An explanation from the HCP's ``row``, the numbers it shows already made plain
    (``shown``: rounded, NaN as None) and its rounded yearly series."""
    weights = result.info["component_weights"]
    components = [
        {
            "component": c,
            "raw": shown[raw],
            "scaled": shown[c],
            "weight": _num(weights.get(c, 0.0)),
            "contribution": shown[contribution],
            "rank": shown[rank],
        }
        for c, raw, contribution, rank in _COMPONENT_COLUMNS
    ]
    evidence = dict(evidence)
    evidence["ties"] = ties
    out: dict[str, Any] = {
        "hcp_id": hcp,
        "influence": shown["influence"],
        "rank": shown["rank"],
        "eligibility": {
            "eligible": bool(row["eligible"]),
            "industry": bool(row["industry"]),
            "reason": row["eligibility_reason"],
            "ranked": bool(row["ranked"]),
        },
        "influence_percentile": shown["influence_percentile"],
        "components": components,
        "network": {m: shown[m] for m in _NETWORK},
        "evidence": evidence,
        "tier": {
            "tier": shown["tier"],
            "reason": shown["tier_reason"],
            "prescribing_potential": shown["prescribing_potential"],
            "cooperation": shown["cooperation"],
            "accepted": shown["accepted"],
            "declined": shown["declined"],
        },
        "segment": {"segment": shown["segment"], "reason": shown["segment_reason"]},
        "scope": {
            "scope": row["scope"],
            "evidence": {lv: shown.get(column, 0) for lv, column in _SCOPE_COLUMNS},
        },
    }
    if result.trends is not None and trend is not None:
        out["rising"] = {
            "rising_star": bool(row["rising_star"]),
            "rising_score": shown["rising_score"],
            "output_slope": shown["output_slope"],
            "centrality_slope": shown["centrality_slope"],
            "years": result.trends.attrs["years"],
            "output": trend[0],
            "centrality": trend[1],
        }
    return out


def explanations(
    result: ScoreResult, hcps: Iterable[str] | None = None
) -> dict[str, dict[str, Any]]:
    """Explanations of every scored HCP (or of ``hcps``), keyed by HCP id.

    The score rows and yearly series are read and rounded a column at a time (not a
    ``.loc`` lookup and a ``round`` per value); each explanation equals :func:`explain`
    on its own.
    """
    index = result.frame.index if hcps is None else pd.Index(list(hcps))
    part = result.frame.loc[index]
    numbered = [name for name in _NUMBERED if name in part.columns]
    shown_columns = [_num_list(part[name].to_numpy()) for name in numbered]
    shown_columns[numbered.index("prescribing_potential")] = rounded_list(
        part["prescribing_potential"].to_numpy(dtype=float)
    )
    shown = [
        dict(zip(numbered, values, strict=True)) for values in zip(*shown_columns, strict=True)
    ]
    rows = records(
        part[["eligible", "industry", "eligibility_reason", "ranked", "scope", "rising_star"]]
    )
    trends: list[tuple[list[Any], list[Any]] | None] = [None] * len(index)
    if result.trends is not None:
        series = [
            result.trends.attrs[name].reindex(index).to_numpy() for name in ("output", "centrality")
        ]
        width = series[0].shape[1]
        output, central = (_num_list(values.ravel()) for values in series)
        trends = [
            (output[i * width : (i + 1) * width], central[i * width : (i + 1) * width])
            for i in range(len(index))
        ]
    ties = strongest_ties(result, index)
    items = result.activity.evidence.many(index) if result.activity else {}
    return {
        hcp: _explanation(
            result, hcp, rows[hcp], shown[k], trends[k], ties[hcp], items.get(hcp, {})
        )
        for k, hcp in enumerate(index)
    }


def contributions_frame(result: ScoreResult) -> pd.DataFrame:
    """Contribution of every component per HCP (columns) plus ``influence``."""
    columns = [f"contribution_{c}" for c in COMPONENTS]
    return result.frame[[*columns, "influence"]].rename(
        columns=lambda c: c.removeprefix("contribution_")
    )
