"""Every HCP's strongest ties, ranked once per run, and the tie rows explanations need.

An explanation names each HCP's :data:`TOP_TIES` strongest ties with their evidence
(papers, referrals both ways, shared sessions). :func:`ranked_ties` ranks every HCP's ties
in one sort of the combined tie table; :func:`keep_strongest` then lets a run drop every
tie row that no explanation can show (at 1M HCPs and 10M ties, the four tie tables are
1 GB and most of their rows are no HCP's top five).

Examples
--------
>>> import pandas as pd
>>> from kolgraph.scoring.inputs import ScoringData
>>> from kolgraph.scoring.projection import Layers
>>> combined = pd.DataFrame({"a": [0, 0, 1], "b": [1, 2, 2], "weight": [3.0, 1.0, 2.0],
...     "coauthorship": [3.0, 1.0, 2.0], "referral": float("nan"), "congress": float("nan")})
>>> none = pd.DataFrame({"a": pd.Series(dtype=int), "b": pd.Series(dtype=int)})
>>> layers = Layers(["a", "b", "c"], combined[["a", "b", "weight"]], none, none, combined,
...     ScoringData.from_rows(), 2024)
>>> ranked = ranked_ties(layers, top=1)
>>> ranked["me"].tolist(), ranked["other"].tolist()
([0, 1, 2], [1, 0, 1])
>>> keep_strongest(layers, top=1)
>>> len(layers.combined), ranked_ties(layers)["row"].tolist()
(2, [0, 0, 1])
"""

from __future__ import annotations

from typing import cast

import numpy as np
import pandas as pd

from kolgraph.scoring.projection import Layers

__all__ = ["TOP_TIES", "keep_strongest", "ranked_ties"]

TOP_TIES = 5
"""Ties an explanation shows per HCP."""

_KEY = "ranked_ties"


def _keys(first: np.ndarray, second: np.ndarray, n: int) -> pd.Index:
    return pd.Index(first.astype(np.int64) * max(n, 1) + second.astype(np.int64))


def ranked_ties(layers: Layers, top: int = TOP_TIES) -> dict[str, np.ndarray]:
    """Every HCP's ``top`` strongest ties as parallel arrays, sorted by HCP (cached).

    Ties go by combined weight (to 9 decimals, so equal Newman ties of one paper go by
    id), then by the other HCP's position (= id order). ``me``/``other`` are positions in
    ``layers.nodes``, ``row`` the tie's row in the combined table, and
    ``co``/``out``/``in``/``con`` its rows in the co-authorship, referral (both
    directions) and congress tables (-1 when absent).
    """
    if _KEY in layers.cache:
        return cast(dict[str, np.ndarray], layers.cache[_KEY])
    n = len(layers.nodes)
    comb = layers.combined
    m = len(comb)
    # both ends of every tie, as 32-bit positions (a network of 10M ties: 20M entries)
    me, other = np.empty(2 * m, dtype=np.int32), np.empty(2 * m, dtype=np.int32)
    me[:m], me[m:] = comb["a"].to_numpy(), comb["b"].to_numpy()
    other[:m], other[m:] = me[m:], me[:m]
    order = _by_me_weight_other(me, other, comb["weight"].to_numpy(dtype=float), n)
    me, other = me[order], other[order]
    order %= max(m, 1)
    row = order.astype(np.int32)
    del order
    # each end's place among its HCP's ends, in 32 bits when they suffice
    starts = np.r_[True, me[1:] != me[:-1]] if len(me) else np.zeros(0, dtype=bool)
    wide = 2 * m >= 2**31
    place: np.ndarray = np.arange(len(me), dtype=np.int64 if wide else np.int32)
    first: np.ndarray = np.where(starts, place, 0)
    del starts
    np.maximum.accumulate(first, out=first)
    place -= first
    del first
    keep = place < top
    del place
    me, other, row = me[keep], other[keep], row[keep]
    lo, hi = np.minimum(me, other), np.maximum(me, other)
    co, ref, con = layers.coauthorship, layers.referral, layers.congress
    ref_keys = _keys(ref["a"].to_numpy(), ref["b"].to_numpy(), n)
    ranked = {
        "me": me,
        "other": other,
        "row": row,
        "co": _keys(co["a"].to_numpy(), co["b"].to_numpy(), n).get_indexer(_keys(lo, hi, n)),
        "out": ref_keys.get_indexer(_keys(me, other, n)),
        "in": ref_keys.get_indexer(_keys(other, me, n)),
        "con": _keys(con["a"].to_numpy(), con["b"].to_numpy(), n).get_indexer(_keys(lo, hi, n)),
    }
    layers.cache[_KEY] = ranked
    return ranked


def _by_me_weight_other(
    me: np.ndarray, other: np.ndarray, weight: np.ndarray, n: int
) -> np.ndarray:
    """The order of tie ends by ``me``, then weight (rounded to 9 decimals as Python
    rounds) from the strongest, then ``other``; ``weight`` has one entry per tie, for both
    of its ends (``me[:m]`` and ``me[m:]``)."""
    distinct, back = np.unique(weight, return_inverse=True)
    rounded = np.array([round(w, 9) for w in distinct.tolist()], dtype=float)
    levels, level = np.unique(rounded, return_inverse=True)
    strength = (len(levels) - 1 - level)[back]  # 0 = strongest
    del back
    span = len(levels) * max(n, 1)
    if span * max(n, 1) < 2**62:  # one integer key per end: one sort, not three
        m = len(weight)
        key = me.astype(np.int64)  # built in place: 20M ends make 160 MB arrays
        key *= len(levels)
        key[:m] += strength
        key[m:] += strength
        key *= max(n, 1)
        key += other
        return np.argsort(key)  # (me, other) pairs are distinct: no equal keys
    return np.lexsort((other, np.tile(strength, 2), me))


def _subset(table: pd.DataFrame, *at: np.ndarray) -> tuple[pd.DataFrame, list[np.ndarray]]:
    """The rows of ``table`` that ``at`` name (-1: none) and ``at`` renumbered to them."""
    wanted = np.zeros(len(table), dtype=bool)
    for a in at:
        wanted[a[a >= 0]] = True
    # a kept row's number among the kept rows, and -1 (the last entry) for -1
    new_row = np.append(np.cumsum(wanted) - 1, -1)
    kept = table.iloc[np.flatnonzero(wanted)].reset_index(drop=True)
    return kept, [new_row[a] for a in at]


def keep_strongest(layers: Layers, top: int = TOP_TIES) -> None:
    """Drop every tie row of ``layers`` that is in no HCP's ``top`` strongest ties.

    The ranking is worked out first (:func:`ranked_ties`) and renumbered to the rows
    kept, so every explanation stays the same. The tables then hold no other ties: a run
    does this once its networks are built (``lean`` in
    :func:`~kolgraph.scoring.pipeline.score_hcps`).
    """
    ranked = ranked_ties(layers, top)
    layers.combined, (ranked["row"],) = _subset(layers.combined, ranked["row"])
    layers.coauthorship, (ranked["co"],) = _subset(layers.coauthorship, ranked["co"])
    layers.referral, (ranked["out"], ranked["in"]) = _subset(
        layers.referral, ranked["out"], ranked["in"]
    )
    layers.congress, (ranked["con"],) = _subset(layers.congress, ranked["con"])
