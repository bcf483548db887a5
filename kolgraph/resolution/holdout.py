"""A final held-out test of the whole training procedure, looked at once.

The labelled pairs are split once (fixed seed) into a *fit* part and a *held-out* part,
by connected groups of mentions, so no author mention of a held-out pair appears in a
fit pair. On the fit part only, a cross-validation picks the accept threshold (highest
recall at pooled precision ≥ 0.99) and a nested cross-validation estimates how that
choice does on pairs it did not see; a model fitted on the whole fit part at that
threshold then resolves the held-out mentions. Precision and recall on the held-out
pairs come with 95 % bootstrap intervals (pairs resampled with replacement) and exact
(Clopper-Pearson) ones, which stay informative when no wrong merge was drawn.

The vocabulary (name counts, word statistics) is label-free and shared; the shipped model
was fitted on every pair, so these figures describe the procedure, not that model.

Examples
--------
>>> groups = split_groups([("a", "b"), ("b", "c"), ("d", "e")], holdout=0.5, seed=0)
>>> sorted(map(len, groups))
[1, 2]
"""

from __future__ import annotations

import copy
import random
from collections.abc import Sequence
from typing import Any

from kolgraph.resolution.mentions import MentionIn
from kolgraph.resolution.model import MatchModel
from kolgraph.resolution.resolver import resolve_offline
from kolgraph.resolution.training import (
    BAG,
    PairScores,
    best_threshold,
    block_scores,
    choose_block_accept,
    cross_validate_thresholds,
    evaluate_with_band,
    fit_match_model,
    nested_cross_validate,
)
from kolgraph.resolution.vocabulary import Vocabulary

Triple = tuple[MentionIn, MentionIn, bool]
HOLDOUT_SEED = 20201
"""The one split of the gold pairs behind the held-out figures in docs/resolution.md."""


def split_groups(
    pairs: Sequence[tuple[str, str]], holdout: float, seed: int
) -> tuple[list[int], list[int]]:
    """Indices of ``pairs`` (two mention ids each) for (fit, held-out): pairs linked by a
    shared mention stay on one side; whole groups go to the held-out side, in an order
    shuffled by ``seed``, until it holds ``holdout`` of the pairs."""
    parent: dict[str, str] = {}

    def root(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in pairs:
        parent[root(a)] = root(b)
    groups: dict[str, list[int]] = {}
    for i, (a, _) in enumerate(pairs):
        groups.setdefault(root(a), []).append(i)
    order = sorted(groups)
    random.Random(seed).shuffle(order)
    held: list[int] = []
    for key in order:
        if len(held) >= holdout * len(pairs):
            break
        held.extend(groups[key])
    kept = set(held)
    return [i for i in range(len(pairs)) if i not in kept], sorted(held)


def pair_outcomes(triples: Sequence[Triple], model: MatchModel) -> list[tuple[bool, bool]]:
    """(merged, same) per pair, the pairs' mentions resolved together by ``model``."""
    mentions = {m.id: m for a, b, _ in triples for m in (a, b)}
    hcp = {
        r.mention_id: r.hcp_id
        for r in resolve_offline([mentions[k] for k in sorted(mentions)], model=model)
    }
    return [(hcp[a.id] == hcp[b.id], same) for a, b, same in triples]


def scores_of(outcomes: Sequence[tuple[bool, bool]]) -> PairScores:
    """Confusion counts of (predicted, actual) outcomes.

    >>> scores_of([(True, True), (True, False), (False, True)]).as_dict()["precision"]
    0.5
    """
    scores = PairScores()
    for predicted, actual in outcomes:
        scores.add(predicted, actual)
    return scores


def bootstrap_interval(
    outcomes: Sequence[tuple[bool, bool]], *, reps: int = 2000, seed: int = 0
) -> dict[str, list[float]]:
    """95 % percentile intervals of precision and recall over ``reps`` resamples of the
    pairs (with replacement).

    >>> bootstrap_interval([(True, True)] * 50, reps=100)["precision"]
    [1.0, 1.0]
    """
    import numpy as np

    rng = np.random.default_rng(seed)
    values = np.array(outcomes, dtype=bool).reshape(len(outcomes), 2)
    precision, recall = [], []
    for _ in range(reps):
        sample = values[rng.integers(0, len(values), len(values))]
        tp = int((sample[:, 0] & sample[:, 1]).sum())
        fp = int((sample[:, 0] & ~sample[:, 1]).sum())
        fn = int((~sample[:, 0] & sample[:, 1]).sum())
        precision.append(tp / (tp + fp) if tp + fp else 1.0)
        recall.append(tp / (tp + fn) if tp + fn else 1.0)
    return {
        name: [round(float(np.percentile(v, 2.5)), 4), round(float(np.percentile(v, 97.5)), 4)]
        for name, v in (("precision", precision), ("recall", recall))
    }


def exact_interval(k: int, n: int) -> list[float]:
    """Clopper-Pearson 95 % interval of a proportion ``k / n``: unlike the bootstrap it
    has a lower bound below 1.0 when every trial succeeded (158 right merges, no wrong one:
    precision at least 0.977).

    >>> exact_interval(158, 158)
    [0.9769, 1.0]
    """
    from scipy.stats import beta

    if n == 0:
        return [0.0, 1.0]
    low = 0.0 if k == 0 else float(beta.ppf(0.025, k, n - k + 1))
    high = 1.0 if k == n else float(beta.ppf(0.975, k + 1, n - k))
    return [round(low, 4), round(high, 4)]


def holdout_evaluate(
    triples: Sequence[Triple],
    affiliations: Sequence[str],
    vocabulary: Vocabulary,
    *,
    holdout: float = 0.25,
    seed: int = HOLDOUT_SEED,
    folds: int = 5,
    inner: int = 4,
    precision: float = 0.99,
    thresholds: Sequence[float] | None = None,
    bag: int = BAG,
    reps: int = 2000,
    columns: Sequence[str] | None = None,
) -> dict[str, Any]:
    """The procedure of the module on ``triples`` with models reading ``columns`` (all
    features when None); a JSON-ready report."""
    from kolgraph.resolution.training import THRESHOLD_GRID

    grid = tuple(thresholds or THRESHOLD_GRID)
    fit_idx, held_idx = split_groups([(a.id, b.id) for a, b, _ in triples], holdout, seed)
    fit, held = [triples[i] for i in fit_idx], [triples[i] for i in held_idx]
    nested_blocks: dict[str, Any] = {}
    nested, chosen = nested_cross_validate(
        fit,
        affiliations,
        folds=folds,
        inner=inner,
        seed=0,
        precision=precision,
        thresholds=grid,
        vocabulary=vocabulary,
        bag=bag,
        blocks=nested_blocks,
        columns=columns,
    )
    tiers: dict[float, list[PairScores]] = {}
    cv = cross_validate_thresholds(
        fit,
        affiliations,
        grid,
        folds=folds,
        seed=0,
        vocabulary=vocabulary,
        bag=bag,
        by_tier=tiers,
        columns=columns,
    )
    threshold = best_threshold(cv, precision)
    model = fit_match_model(
        fit,
        affiliations,
        seed=0,
        accept=threshold,
        vocabulary=vocabulary,
        bag=bag,
        columns=columns,
    )
    outcomes = pair_outcomes(held, model)
    final = scores_of(outcomes)
    block_model = copy.copy(model)
    block_model.block_accept = choose_block_accept(tiers, precision)
    return {
        "features": list(columns) if columns is not None else "all",
        "split": {
            "seed": seed,
            "holdout": holdout,
            "fit_pairs": len(fit),
            "held_out_pairs": len(held),
            "held_out_same": sum(s for *_, s in held),
        },
        "nested_cv_on_fit": {**nested.as_dict(), "thresholds": chosen},
        "threshold": threshold,
        "cv_at_threshold_on_fit": cv[threshold].as_dict(),
        "held_out": {
            **final.as_dict(),
            "ci95": bootstrap_interval(outcomes, reps=reps),
            "ci95_exact": {
                "precision": exact_interval(final.tp, final.tp + final.fp),
                "recall": exact_interval(final.tp, final.tp + final.fn),
            },
        },
        "held_out_with_band": _band(held, model),
        "block_accept": block_model.block_accept,
        "cv_block_on_fit": block_scores(tiers, block_model.block_accept).as_dict(),
        "nested_cv_block_on_fit": nested_blocks,
        "held_out_block": _held_out(held, block_model, reps),
        "held_out_block_with_band": _band(held, block_model),
    }


def _held_out(held: Sequence[Triple], model: MatchModel, reps: int) -> dict[str, Any]:
    """Counts, precision and recall of ``model`` on the held-out pairs, with intervals."""
    outcomes = pair_outcomes(held, model)
    final = scores_of(outcomes)
    return {
        **final.as_dict(),
        "ci95": bootstrap_interval(outcomes, reps=reps),
        "ci95_exact": {
            "precision": exact_interval(final.tp, final.tp + final.fp),
            "recall": exact_interval(final.tp, final.tp + final.fn),
        },
    }


def _band(held: Sequence[Triple], model: MatchModel) -> dict[str, Any]:
    """Recall and precision with the review band decided by a reviewer who is right."""
    return {
        k: v
        for k, v in evaluate_with_band(held, model).items()
        if k.startswith(("recall_", "precision_", "band"))
    }
