"""The one held-out split of the gold pairs: fixed, disjoint in mentions, a quarter held out."""

from __future__ import annotations

from kolgraph.resolution.holdout import HOLDOUT_SEED, bootstrap_interval, split_groups
from kolgraph.resolution.training import read_pairs
from tests.conftest import SAMPLES

PAIRS = SAMPLES / "author-disambiguation" / "pairs_train.csv"


def _keyed() -> list[tuple[str, str]]:
    pairs, _ = read_pairs(PAIRS)
    return [
        (f"{p.pmid1}:{p.family1}:{p.initials1}", f"{p.pmid2}:{p.family2}:{p.initials2}")
        for p in pairs
    ]


def test_the_split_is_fixed_and_shares_no_mention() -> None:
    keyed = _keyed()
    fit, held = split_groups(keyed, 0.25, HOLDOUT_SEED)
    assert sorted(fit + held) == list(range(len(keyed)))
    assert 0.24 <= len(held) / len(keyed) <= 0.30
    fit_mentions = {m for i in fit for m in keyed[i]}
    assert not any(m in fit_mentions for i in held for m in keyed[i])
    assert split_groups(keyed, 0.25, HOLDOUT_SEED) == (fit, held)
    assert split_groups(keyed, 0.25, HOLDOUT_SEED + 1)[1] != held


def test_bootstrap_interval_brackets_the_estimate() -> None:
    outcomes = [(True, True)] * 90 + [(True, False)] * 2 + [(False, True)] * 30
    ci = bootstrap_interval(outcomes, reps=500, seed=1)
    low, high = ci["precision"]
    assert low < 90 / 92 < high <= 1.0
    low, high = ci["recall"]
    assert low < 90 / 120 < high


def test_exact_interval_bounds_a_perfect_precision_below_one() -> None:
    from kolgraph.resolution.holdout import exact_interval

    low, high = exact_interval(158, 158)
    assert high == 1.0 and 0.97 < low < 0.98  # 0.025 ** (1 / 158)
    assert exact_interval(0, 10)[0] == 0.0
    low, high = exact_interval(50, 100)
    assert low < 0.5 < high
