"""Labelled pairs: reading them, fitting the match model, measuring the resolver.

The gold standard is a ``;``-separated file of pairs of PubMed records sharing an
author's last name and first initial, labelled same person (``YES``) or not (``NO``)::

    PMID1;Last_name1;Initials1;First_name1;PMID2;Last_name2;Initials2;First_name2;Authorship

Labels are read forgivingly (``'YES '``, ``' no'``, ``N0``); rows with no label are skipped
and counted. A pair is *predicted* same when the resolver puts both mentions on one HCP.
"""

from __future__ import annotations

import copy
import csv
import io
import math
import random
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kolgraph.errors import KolgraphError
from kolgraph.resolution.affiliations import AffiliationIdf
from kolgraph.resolution.evidence import RecordEvidence, fit_corpus_stats
from kolgraph.resolution.feature_matrix import pair_feature_matrix
from kolgraph.resolution.features import FEATURES, conflict
from kolgraph.resolution.mentions import MentionIn
from kolgraph.resolution.model import AMBIGUITY_CUTS, MatchModel, _Tree, ambiguity_tier
from kolgraph.resolution.name_prior import NamePrior
from kolgraph.resolution.profiles import Profile
from kolgraph.resolution.resolver import resolve_offline
from kolgraph.resolution.vocabulary import Vocabulary

BAG = 5
_YES = {"YES", "Y", "1", "TRUE", "SAME"}
_NO = {"NO", "N", "N0", "0", "FALSE", "DIFFERENT"}


@dataclass(frozen=True)
class LabelledPair:
    """Two author mentions (PMID + name as listed) and whether they are one person."""

    pmid1: str
    family1: str
    initials1: str
    given1: str
    pmid2: str
    family2: str
    initials2: str
    given2: str
    same: bool


def parse_label(value: str) -> bool | None:
    """True/False for a yes/no label, None when there is none.

    Examples
    --------
    >>> parse_label("YES "), parse_label("N0"), parse_label(" no"), parse_label("")
    (True, False, False, None)
    """
    text = value.strip().upper()
    if text in _YES:
        return True
    if text in _NO:
        return False
    return None


def decode_pairs(raw: bytes) -> str:
    """The text of a pairs file in its own encoding: UTF-8 (with or without BOM) when the
    bytes are valid UTF-8, else Latin-1, the encoding the MEDLINE gold files are written in.
    Nothing is replaced: every byte of a Latin-1 file is a character.

    Examples
    --------
    >>> decode_pairs("Bartholomé".encode("latin-1")), decode_pairs("Bartholomé".encode())
    ('Bartholomé', 'Bartholomé')
    """
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def read_pairs(path: Path) -> tuple[list[LabelledPair], int]:
    """The labelled pairs of ``path`` and the number of rows skipped (no label / bad PMIDs).

    Raises
    ------
    KolgraphError
        If the file lacks the gold-standard columns.
    """
    text = decode_pairs(Path(path).read_bytes())
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    if not rows or len(rows[0]) < 9 or "pmid" not in rows[0][0].lower():
        raise KolgraphError(
            f"{path}: expected ';'-separated columns PMID1;Last_name1;Initials1;"
            "First_name1;PMID2;Last_name2;Initials2;First_name2;Authorship"
        )
    pairs: list[LabelledPair] = []
    skipped = 0
    for row in rows[1:]:
        if len(row) < 9:
            skipped += 1
            continue
        label = parse_label(row[8])
        cells = [c.strip() for c in row[:8]]
        if label is None or not cells[0].isdigit() or not cells[4].isdigit():
            skipped += 1
            continue
        pmid1, family1, initials1, given1, pmid2, family2, initials2, given2 = cells
        pairs.append(
            LabelledPair(
                pmid1, family1, initials1, given1, pmid2, family2, initials2, given2, same=label
            )
        )
    return pairs, skipped


@dataclass
class PairScores:
    """Pairwise confusion counts and the measures they give."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0

    @property
    def pairs(self) -> int:
        return self.tp + self.fp + self.fn + self.tn

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def add(self, predicted: bool, actual: bool) -> None:
        """Count one pair."""
        if predicted and actual:
            self.tp += 1
        elif predicted:
            self.fp += 1
        elif actual:
            self.fn += 1
        else:
            self.tn += 1

    def as_dict(self) -> dict[str, float | int]:
        """``{"pairs", "precision", "recall", "f1"}`` rounded to 4 places, plus counts."""
        return {
            "pairs": self.pairs,
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
            "tn": self.tn,
        }


MentionLookup = Callable[[str, str, str, str], MentionIn | None]


def pair_mentions(
    pairs: Sequence[LabelledPair], lookup: MentionLookup
) -> tuple[list[tuple[MentionIn, MentionIn, bool]], int]:
    """The two mentions of each pair (found with ``lookup(pmid, family, initials, given)``)
    and the number of pairs whose author could not be found in the articles."""
    found: list[tuple[MentionIn, MentionIn, bool]] = []
    missing = 0
    for pair in pairs:
        a = lookup(pair.pmid1, pair.family1, pair.initials1, pair.given1)
        b = lookup(pair.pmid2, pair.family2, pair.initials2, pair.given2)
        if a is None or b is None or a.id == b.id:
            missing += 1
            continue
        found.append((a, b, pair.same))
    return found, missing


def resolver_outcomes(
    triples: Sequence[tuple[MentionIn, MentionIn, bool]], model: MatchModel
) -> list[tuple[bool, bool]]:
    """(merged, same) per pair, every mention of ``triples`` resolved together."""
    mentions = {m.id: m for a, b, _ in triples for m in (a, b)}
    ordered = [mentions[k] for k in sorted(mentions)]
    hcp = {r.mention_id: r.hcp_id for r in resolve_offline(ordered, model=model)}
    return [(hcp[a.id] == hcp[b.id], same) for a, b, same in triples]


def evaluate_resolver(
    triples: Sequence[tuple[MentionIn, MentionIn, bool]], model: MatchModel
) -> PairScores:
    """Resolve every mention of ``triples`` together; score the pairs."""
    scores = PairScores()
    for merged, same in resolver_outcomes(triples, model):
        scores.add(merged, same)
    return scores


def pair_tiers(
    triples: Sequence[tuple[MentionIn, MentionIn, bool]],
    vocabulary: Vocabulary,
    cuts: Sequence[float] = AMBIGUITY_CUTS,
) -> list[int]:
    """The ambiguity tier of each pair (``model.ambiguity_tier`` of its first mention's
    family-name share), under a name prior that counted every mention of ``triples``, as
    the resolver's has once it resolved them."""
    prior = NamePrior(vocabulary)
    profiles = {m.id: Profile.from_mention(m) for a, b, _ in triples for m in (a, b)}
    for key in sorted(profiles):
        prior.observe(profiles[key])
    return [ambiguity_tier(prior.family_share(profiles[a.id].family), cuts) for a, _, _ in triples]


def choose_block_accept(
    tier_scores: dict[float, list[PairScores]],
    precision: float = 0.99,
    cuts: Sequence[float] = AMBIGUITY_CUTS,
) -> dict[str, list[float]]:
    """Per-tier accept thresholds (``MatchModel.block_accept``): for each ambiguity tier
    the threshold with the highest recall among those whose precision *in that tier*
    reaches ``precision`` (:func:`best_threshold`), then raised where needed so that a
    more ambiguous tier never has a lower threshold than a less ambiguous one.

    >>> scores = {0.9: [PairScores(90, 0, 10), PairScores(9, 1, 1), PairScores(5, 5, 0)],
    ...           0.95: [PairScores(80, 0, 20), PairScores(8, 0, 2), PairScores(4, 0, 1)]}
    >>> choose_block_accept(scores)["accept"]
    [0.9, 0.95, 0.95]
    >>> scores[0.9][2], scores[0.95][2] = PairScores(5, 0, 0), PairScores(4, 0, 1)
    >>> choose_block_accept(scores)["accept"]  # never below the tier before
    [0.9, 0.95, 0.95]
    """
    accept: list[float] = []
    for tier in range(len(cuts) + 1):
        chosen = best_threshold({t: s[tier] for t, s in tier_scores.items()}, precision)
        accept.append(max(chosen, accept[-1]) if accept else chosen)
    return {"cuts": [float(c) for c in cuts], "accept": accept}


def block_scores(
    tier_scores: dict[float, list[PairScores]], block_accept: dict[str, list[float]]
) -> PairScores:
    """Pooled counts of each tier at its own threshold (from a sweep of global
    thresholds, so merges chaining across tiers are not re-run)."""
    total = PairScores()
    for tier, threshold in enumerate(block_accept["accept"]):
        _add(total, tier_scores[threshold][tier])
    return total


def evaluate_with_band(
    triples: Sequence[tuple[MentionIn, MentionIn, bool]], model: MatchModel, band: float = 0.80
) -> dict[str, Any]:
    """Pairwise scores of the resolver alone ("automatic") and with the review band
    resolved by a reviewer who is right ("automatic + reviewed band").

    A pair the resolver kept apart is in the band when one of its mentions got a review
    entry naming the other's HCP with a score from ``band`` up to ``accept``: accepting
    that entry would join them. With per-block thresholds (``model.block_accept``) the
    band keeps its width below the threshold of the entry's block: from that threshold
    minus ``accept - band`` (the block's tier under the name prior once every mention is
    counted, see :func:`pair_tiers`). Band pairs of one person add to the right merges, the
    others stay apart, so precision with the band counts only the reviewer's merges of
    the same person.

    >>> a = MentionIn(id="m1", source="x", name="J Doe", npi="1234567893")
    >>> b = MentionIn(id="m2", source="x", name="J Doe", npi="1234567893")
    >>> r = evaluate_with_band([(a, b, True)], MatchModel(kind="logistic", intercept=0.0,
    ...                        coef=[0.0] * len(FEATURES), idf=AffiliationIdf({}, 1.0)))
    >>> r["recall_automatic"], r["recall_with_reviewed_band"], r["band_pairs"]
    (1.0, 1.0, 0)
    """
    mentions = {m.id: m for a, b, _ in triples for m in (a, b)}
    ordered = [mentions[k] for k in sorted(mentions)]
    resolved = {r.mention_id: r for r in resolve_offline(ordered, model=model)}
    floor = {m.id: band for m in ordered}
    if model.block_accept:
        prior = NamePrior(model.vocabulary)
        profiles = [Profile.from_mention(m) for m in ordered]
        for p in profiles:
            prior.observe(p)
        width = model.accept - band
        floor = {
            p.id: model.accept_for_share(prior.family_share(p.family)) - width for p in profiles
        }
    scores = PairScores()
    band_same = band_different = 0
    for a, b, same in triples:
        ra, rb = resolved[a.id], resolved[b.id]
        merged = ra.hcp_id == rb.hcp_id
        scores.add(merged, same)
        if not merged and any(
            r.method == "review"  # scored below the accept threshold of its block
            and r.candidate_id == other.hcp_id
            and floor[r.mention_id] <= (r.candidate_score or 0.0)
            for r, other in ((ra, rb), (rb, ra))
        ):
            band_same += same
            band_different += not same
    reviewed = PairScores(
        tp=scores.tp + band_same, fp=scores.fp, fn=scores.fn - band_same, tn=scores.tn
    )
    return {
        **scores.as_dict(),
        "recall_automatic": round(scores.recall, 4),
        "recall_with_reviewed_band": round(reviewed.recall, 4),
        "precision_with_reviewed_band": round(reviewed.precision, 4),
        "band": [band, model.accept],
        "band_below_block_accept": round(model.accept - band, 4) if model.block_accept else None,
        "band_pairs": band_same + band_different,
        "band_same": band_same,
        "band_different": band_different,
    }


def fit_vocabulary(
    records: Iterable[Sequence[MentionIn]], labelled: Iterable[str] = ()
) -> Vocabulary:
    """Name counts, word frequencies and record-evidence statistics of a corpus:
    ``records`` are the author mentions of each article; mentions whose id is in
    ``labelled`` (the pairs' own authors) are left out of the name counts, so that the
    counts describe the corpus, not the sample. Nothing here uses the labels."""
    skip = set(labelled)
    names: list[tuple[str, str]] = []
    documents: list[list[str]] = []
    evidence: list[RecordEvidence] = []
    for mentions in records:
        if mentions and mentions[0].record is not None:
            evidence.append(mentions[0].record)
        for m in mentions:
            if m.id in skip:
                continue
            p = Profile.from_mention(m)
            names.append((p.family, p.given[0] if p.given else ""))
        if mentions:
            documents.append(mentions[0].words)
    return Vocabulary.fit(names, documents, corpus=fit_corpus_stats(evidence))


def _design(
    triples: Iterable[tuple[MentionIn, MentionIn, bool]],
    idf: AffiliationIdf,
    vocabulary: Vocabulary | None = None,
    embed: bool = True,
) -> tuple[list[list[float]], list[int]]:
    pairs: list[tuple[Profile, Profile]] = []
    ys: list[int] = []
    for a, b, same in triples:
        pa, pb = Profile.from_mention(a), Profile.from_mention(b)
        if conflict(pa, pb):
            continue  # decided by rule, never by the model
        pairs.append((pa, pb))
        ys.append(int(same))
    return pair_feature_matrix(pairs, idf, vocabulary, embed=embed).tolist(), ys


def fit_match_model(
    triples: Sequence[tuple[MentionIn, MentionIn, bool]],
    affiliations: Iterable[str],
    *,
    kind: str = "boosting",
    seed: int = 0,
    accept: float = 0.9,
    review: float = 0.5,
    vocabulary: Vocabulary | None = None,
    bag: int = BAG,
    columns: Sequence[str] | None = None,
) -> MatchModel:
    """Fit the pair classifier (scikit-learn) and export it as a :class:`MatchModel`
    reading ``columns`` (of ``FEATURES``; all of them when None).

    ``kind="boosting"``: ``bag`` gradient-boosting models (200 trees of depth 3, learning
    rate 0.05, subsample 0.8, seeds ``seed`` ... ``seed + bag - 1``) averaged in log-odds
    (:func:`export_bagged`): steadier at the top of the score list than one model."""
    import numpy as np
    from sklearn.ensemble import GradientBoostingClassifier
    from sklearn.linear_model import LogisticRegression

    idf = AffiliationIdf.fit(affiliations)
    vocabulary = vocabulary or Vocabulary()
    xs, ys = _design(
        triples, idf, vocabulary, embed=columns is None or "embedding_similarity" in columns
    )
    if len(set(ys)) < 2:
        raise KolgraphError("training needs both same-person and different-person pairs")
    x, y = np.array(xs), np.array(ys)
    columns = None if columns is None or list(columns) == list(FEATURES) else list(columns)
    if columns is not None:
        x = x[:, [FEATURES.index(name) for name in columns]]
    meta = {"pairs": len(ys), "positives": int(y.sum()), "seed": seed, "kind": kind}
    if kind == "logistic":
        mean, scale = x.mean(axis=0), x.std(axis=0)
        scale[scale == 0] = 1.0
        lr = LogisticRegression(C=1.0, max_iter=2000, random_state=seed)
        lr.fit((x - mean) / scale, y)
        return MatchModel(
            kind="logistic",
            intercept=float(lr.intercept_[0]),
            coef=[float(c) for c in lr.coef_[0]],
            mean=mean.tolist(),
            scale=scale.tolist(),
            idf=idf,
            accept=accept,
            review=review,
            meta=meta,
            vocabulary=vocabulary,
            columns=columns,
        )
    models = [
        GradientBoostingClassifier(
            n_estimators=200, max_depth=3, learning_rate=0.05, subsample=0.8, random_state=seed + k
        ).fit(x, y)
        for k in range(max(bag, 1))
    ]
    intercept, learning_rate, trees = export_bagged(models)
    meta["bag"] = len(models)
    return MatchModel(
        kind="boosting",
        intercept=intercept,
        learning_rate=learning_rate,
        trees=trees,
        idf=idf,
        accept=accept,
        review=review,
        meta=meta,
        vocabulary=vocabulary,
        columns=columns,
    )


def _sk_tree(estimator: Any) -> _Tree:
    t = estimator.tree_
    return _Tree(
        left=t.children_left.tolist(),
        right=t.children_right.tolist(),
        feature=t.feature.tolist(),
        threshold=t.threshold.tolist(),
        value=[round(float(v[0][0]), 6) for v in t.value],
    )


def export_bagged(models: Sequence[Any]) -> tuple[float, float, list[_Tree]]:
    """(intercept, learning rate, trees) of the log-odds mean of fitted
    ``GradientBoostingClassifier`` models sharing one learning rate: one model holding
    every tree, with learning rate ``lr / k``. Thresholds are kept exact (rounding them
    moves probabilities).

    Raises
    ------
    ValueError
        If the models have different learning rates.
    """
    rates = {m.learning_rate for m in models}
    if len(rates) != 1:
        raise ValueError("bagged models must share one learning rate")
    priors = [float(m.init_.class_prior_[1]) for m in models]
    intercept = sum(math.log(p / (1 - p)) for p in priors) / len(models)
    trees = [_sk_tree(est) for m in models for (est,) in m.estimators_]
    return intercept, rates.pop() / len(models), trees


def _folds(n: int, folds: int, seed: int) -> list[tuple[list[int], list[int]]]:
    """(held-out, training) indices of each fold: a seeded shuffle dealt round-robin."""
    order = list(range(n))
    random.Random(seed).shuffle(order)
    return [
        (order[k::folds], [i for j, i in enumerate(order) if j % folds != k]) for k in range(folds)
    ]


def _add(total: PairScores, scores: PairScores) -> None:
    for name in ("tp", "fp", "fn", "tn"):
        setattr(total, name, getattr(total, name) + getattr(scores, name))


def threshold_scores(
    triples: Sequence[tuple[MentionIn, MentionIn, bool]],
    model: MatchModel,
    thresholds: Iterable[float],
    by_tier: dict[float, list[PairScores]] | None = None,
) -> dict[float, PairScores]:
    """:func:`evaluate_resolver` at several accept thresholds (the pair features are
    computed once; the resolver runs again for each threshold, since merges chain). With
    ``by_tier``, it is filled with each threshold's counts per ambiguity tier
    (:func:`pair_tiers`)."""
    import numpy as np

    cache: dict[tuple[str, str], Any] = {}
    trial = copy.copy(model)

    def features_many(pairs: Sequence[tuple[Profile, Profile]]) -> Any:
        missing = [(a, b) for a, b in pairs if (a.id, b.id) not in cache]
        if missing:
            for (a, b), row in zip(missing, model.features_many(missing), strict=True):
                cache[(a.id, b.id)] = row
        rows = [cache[(a.id, b.id)] for a, b in pairs]
        return np.array(rows).reshape(len(pairs), len(FEATURES))

    trial.features_many = features_many  # type: ignore[method-assign]
    trial.block_accept = None
    result: dict[float, PairScores] = {}
    tiers = pair_tiers(triples, model.vocabulary) if by_tier is not None else []
    n_tiers = len(AMBIGUITY_CUTS) + 1
    for threshold in thresholds:
        trial.accept = threshold
        outcomes = resolver_outcomes(triples, trial)
        result[threshold] = PairScores()
        per_tier = [PairScores() for _ in range(n_tiers)]
        for k, (merged, same) in enumerate(outcomes):
            result[threshold].add(merged, same)
            if tiers:
                per_tier[tiers[k]].add(merged, same)
        if by_tier is not None:
            by_tier[threshold] = per_tier
    return result


def cross_validate_thresholds(
    triples: Sequence[tuple[MentionIn, MentionIn, bool]],
    affiliations: Sequence[str],
    thresholds: Sequence[float],
    *,
    folds: int = 5,
    seed: int = 0,
    kind: str = "boosting",
    review: float = 0.5,
    vocabulary: Vocabulary | None = None,
    bag: int = BAG,
    by_tier: dict[float, list[PairScores]] | None = None,
    columns: Sequence[str] | None = None,
) -> dict[float, PairScores]:
    """Out-of-fold pair scores at each accept threshold: each fold is resolved by a
    model fitted on the others; the folds' counts are pooled per threshold (and per
    ambiguity tier into ``by_tier`` when given)."""
    totals = {t: PairScores() for t in thresholds}
    n_tiers = len(AMBIGUITY_CUTS) + 1
    if by_tier is not None:
        by_tier.update({t: [PairScores() for _ in range(n_tiers)] for t in thresholds})
    for held, rest in _folds(len(triples), folds, seed):
        test, train = [triples[i] for i in held], [triples[i] for i in rest]
        model = fit_match_model(
            train,
            affiliations,
            kind=kind,
            seed=seed,
            review=review,
            vocabulary=vocabulary,
            bag=bag,
            columns=columns,
        )
        fold_tiers: dict[float, list[PairScores]] | None = {} if by_tier is not None else None
        for threshold, scores in threshold_scores(test, model, thresholds, fold_tiers).items():
            _add(totals[threshold], scores)
            if by_tier is not None and fold_tiers is not None:
                for tier in range(n_tiers):
                    _add(by_tier[threshold][tier], fold_tiers[threshold][tier])
    return totals


def cross_validate(
    triples: Sequence[tuple[MentionIn, MentionIn, bool]],
    affiliations: Sequence[str],
    *,
    folds: int = 5,
    seed: int = 0,
    kind: str = "boosting",
    accept: float = 0.9,
    review: float = 0.5,
    vocabulary: Vocabulary | None = None,
    bag: int = BAG,
) -> PairScores:
    """Out-of-fold pair scores: each fold is resolved by a model fitted on the others.

    ``vocabulary`` (name counts, word frequencies, record-evidence statistics) is
    label-free corpus statistics and is shared by all folds."""
    return cross_validate_thresholds(
        triples,
        affiliations,
        [accept],
        folds=folds,
        seed=seed,
        kind=kind,
        review=review,
        vocabulary=vocabulary,
        bag=bag,
    )[accept]


THRESHOLD_GRID: tuple[float, ...] = tuple(round(0.8 + 0.005 * k, 3) for k in range(40))


def best_threshold(scores: dict[float, PairScores], precision: float = 0.99) -> float:
    """The threshold with the highest recall among those reaching ``precision`` (the
    lowest of equals); the highest threshold when none does.

    Examples
    --------
    >>> best_threshold({0.9: PairScores(90, 2, 10), 0.95: PairScores(80, 0, 20),
    ...                 0.97: PairScores(80, 0, 20)})
    0.95
    """
    good = [t for t, s in scores.items() if s.precision >= precision]
    if not good:
        return max(scores)
    return max(sorted(good), key=lambda t: scores[t].recall)


def nested_cross_validate(
    triples: Sequence[tuple[MentionIn, MentionIn, bool]],
    affiliations: Sequence[str],
    *,
    folds: int = 5,
    inner: int = 4,
    seed: int = 0,
    precision: float = 0.99,
    thresholds: Sequence[float] = THRESHOLD_GRID,
    vocabulary: Vocabulary | None = None,
    bag: int = BAG,
    blocks: dict[str, Any] | None = None,
    columns: Sequence[str] | None = None,
) -> tuple[PairScores, list[float]]:
    """Held-out pair scores with the accept threshold chosen without the held-out fold.

    For each outer fold, an ``inner``-fold cross-validation over the other pairs picks the
    threshold (:func:`best_threshold` at ``precision``); a model fitted on all the other
    pairs then resolves the outer fold at that threshold. Returns the pooled outer scores
    and the threshold each fold used. With ``blocks`` (a dict), the same inner sweeps
    also choose per-tier thresholds (:func:`choose_block_accept`), the same model resolves
    the outer fold with them, and ``blocks`` gets ``"scores"`` (pooled, as a dict) and
    ``"accept"`` (each fold's tier thresholds)."""
    total, block_total = PairScores(), PairScores()
    chosen: list[float] = []
    block_chosen: list[list[float]] = []
    for held, rest in _folds(len(triples), folds, seed):
        test, train = [triples[i] for i in held], [triples[i] for i in rest]
        tiers: dict[float, list[PairScores]] | None = {} if blocks is not None else None
        inner_scores = cross_validate_thresholds(
            train,
            affiliations,
            thresholds,
            folds=inner,
            seed=seed,
            vocabulary=vocabulary,
            bag=bag,
            by_tier=tiers,
            columns=columns,
        )
        threshold = best_threshold(inner_scores, precision)
        model = fit_match_model(
            train,
            affiliations,
            seed=seed,
            accept=threshold,
            vocabulary=vocabulary,
            bag=bag,
            columns=columns,
        )
        _add(total, evaluate_resolver(test, model))
        chosen.append(threshold)
        if tiers is not None:
            block_model = copy.copy(model)
            block_model.block_accept = choose_block_accept(tiers, precision)
            _add(block_total, evaluate_resolver(test, block_model))
            block_chosen.append(block_model.block_accept["accept"])
    if blocks is not None:
        blocks.update(scores=block_total.as_dict(), accept=block_chosen)
    return total, chosen


__all__ = [
    "FEATURES",
    "LabelledPair",
    "PairScores",
    "best_threshold",
    "block_scores",
    "choose_block_accept",
    "cross_validate",
    "cross_validate_thresholds",
    "decode_pairs",
    "evaluate_resolver",
    "evaluate_with_band",
    "export_bagged",
    "fit_match_model",
    "fit_vocabulary",
    "nested_cross_validate",
    "pair_tiers",
    "resolver_outcomes",
    "pair_mentions",
    "parse_label",
    "read_pairs",
    "threshold_scores",
]
