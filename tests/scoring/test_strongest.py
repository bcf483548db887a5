"""Dropping every tie row no explanation shows leaves every HCP's strongest ties as they were."""

from __future__ import annotations

import copy

import numpy as np

from kolgraph.scoring.inputs import ScoringData
from kolgraph.scoring.params import ScoringParams
from kolgraph.scoring.pipeline import ScoreResult
from kolgraph.scoring.projection import project_layers
from kolgraph.scoring.reasons import strongest_ties
from kolgraph.scoring.strongest import TOP_TIES, _by_me_weight_other, keep_strongest, ranked_ties
from tests.scoring.conftest import physicians


def referral_world() -> ScoringData:
    """The Coleman-Katz-Menzel physicians' ties as referrals (claims counted by a pair's
    position, so weights differ), every fourth one also a co-authored paper."""
    graph = physicians()
    ties = list(graph.edges)
    hcps = [{"id": n, "name": f"Dr {n}"} for n in sorted(graph.nodes)]
    referrals = [
        {"src": u, "dst": v, "pair_count": 11 + (i * 7) % 40, "bene_count": 11, "period": "2023"}
        for i, (u, v) in enumerate(ties)
    ]
    authorships = [
        {
            "hcp": hcp,
            "pub": f"pub:{i}",
            "pmid": str(i),
            "year": 2022,
            "position": k + 1,
            "role": "first" if k == 0 else "last",
            "n_authors": 2,
        }
        for i, (u, v) in enumerate(ties[::4])
        for k, hcp in enumerate((u, v))
    ]
    return ScoringData.from_rows(hcps=hcps, referrals=referrals, authorships=authorships)


def test_kept_rows_give_the_same_strongest_ties_of_every_hcp():
    params = ScoringParams()
    full = project_layers(referral_world(), params)
    lean = copy.copy(full)
    lean.cache = {}
    keep_strongest(lean)
    assert len(lean.referral) < len(full.referral)
    assert len(lean.coauthorship) < len(full.coauthorship)
    assert len(lean.combined) < len(full.combined)
    before = strongest_ties(ScoreResult(None, {}, params, layers=full), full.nodes)  # type: ignore[arg-type]
    after = strongest_ties(ScoreResult(None, {}, params, layers=lean), lean.nodes)  # type: ignore[arg-type]
    assert after == before
    both_ways = [t for ties in after.values() for t in ties if "referrals_in" in t]
    assert both_ways and any("referrals_out" in t for t in both_ways)
    assert any("pmids" in t for ties in after.values() for t in ties)
    assert max(len(t) for t in after.values()) == TOP_TIES
    assert len(ranked_ties(lean)["me"]) == sum(len(t) for t in after.values())


def test_the_one_key_sort_orders_ends_as_the_three_key_sort():
    rng = np.random.default_rng(5)
    n = 300
    pairs = np.unique(np.sort(rng.integers(0, n, (6000, 2)), axis=1), axis=0)
    a, b = pairs[pairs[:, 0] != pairs[:, 1]].T  # distinct ties, as a network has
    m = len(a)
    me, other = np.concatenate([a, b]).astype(np.int32), np.concatenate([b, a]).astype(np.int32)
    weight = rng.choice([0.1, 1 / 3, 0.5, 0.5 + 1e-12, 2.0], m)  # two equal to 9 decimals
    one_key = _by_me_weight_other(me, other, weight, n)
    three_keys = _by_me_weight_other(me, other, weight, 2**40)  # too wide for one key
    assert one_key.tolist() == three_keys.tolist()
    keys = zip(
        me[one_key].tolist(),
        (-np.tile(weight.round(9), 2))[one_key].tolist(),
        other[one_key].tolist(),
        strict=True,
    )
    ordered = list(keys)
    assert ordered == sorted(ordered)
