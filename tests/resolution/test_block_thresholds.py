"""Per-block accept thresholds: a name shared by many people needs a higher score to
merge than a rare one; the tiers come from the model and the name prior's counts."""

from __future__ import annotations

from pathlib import Path

import pytest

from kolgraph.cli.resolve_cmds import ArticleAuthors
from kolgraph.resolution import ResolutionIndex
from kolgraph.resolution.affiliations import AffiliationIdf
from kolgraph.resolution.features import FEATURES
from kolgraph.resolution.model import AMBIGUITY_CUTS, MatchModel, default_model
from kolgraph.resolution.profiles import Profile
from kolgraph.resolution.resolver import resolve_offline
from kolgraph.resolution.training import PairScores, choose_block_accept
from kolgraph.resolution.vocabulary import Vocabulary

SAMPLE = Path(__file__).parents[2] / "data/samples/pubmed/pubmed21n1298_sample_every21st.xml"
PMIDS = ("32712704", "33006071")  # two real records (airway management in COVID-19)
# 1 in 1,000 mentions carries "wang" (tier 2), 1 in 100,000 "quenneville" (tier 0)
NAMES = Vocabulary(families={"wang": 100, "quenneville": 1, "other": 99_899})
TIERS = {"cuts": list(AMBIGUITY_CUTS), "accept": [0.90, 0.95, 0.99]}


def _constant_model(probability: float) -> MatchModel:
    """A model scoring every comparable pair ``probability``, with the tiers above."""
    import math

    return MatchModel(
        kind="logistic",
        intercept=math.log(probability / (1 - probability)),
        coef=[0.0] * len(FEATURES),
        idf=AffiliationIdf({}, 1.0),
        accept=0.95,
        vocabulary=NAMES,
        block_accept=TIERS,
    )


@pytest.fixture(scope="module")
def first_authors():
    authors = ArticleAuthors(SAMPLE)
    return [authors.by_pmid[p][0] for p in PMIDS]


def _named(mentions, family: str, given: str):
    """The mentions renamed, without their ORCIDs (two ORCIDs are two people) and with
    their cached name keys dropped."""
    renamed = []
    for m in mentions:
        copy = m.model_copy(update={"family": family, "given": given, "name": None, "orcid": None})
        for cached in ("family_name", "given_name", "key", "block_keys"):
            copy.__dict__.pop(cached, None)
        renamed.append(copy)
    return renamed


def test_the_same_score_merges_a_rare_name_and_waits_for_review_on_a_common_one(first_authors):
    model = _constant_model(0.93)
    rare = resolve_offline(_named(first_authors, "Quenneville", "Marie"), model=model)
    common = resolve_offline(_named(first_authors, "Wang", "Jun"), model=model)
    assert rare[1].method == "model" and rare[1].hcp_id == rare[0].hcp_id
    assert common[1].method == "review" and common[1].hcp_id != common[0].hcp_id
    assert common[1].candidate_id == common[0].hcp_id
    assert common[1].candidate_score == pytest.approx(0.93)


def test_the_threshold_follows_the_name_prior_counts():
    index = ResolutionIndex(_constant_model(0.5))
    wang, rare = Profile("m1", "wang", ("jun",)), Profile("m2", "quenneville", ("m",))
    assert index.scorer.accept_for(wang) == 0.99
    assert index.scorer.accept_for(rare) == 0.90
    for k in range(30):  # the loaded data make the rare name common
        index.add(f"hcp:{k}", "quenneville m", Profile(f"q{k}", "quenneville", ("m",)))
    assert index.scorer.accept_for(rare) == 0.95


def test_without_tiers_every_block_uses_accept():
    model = _constant_model(0.5)
    model.block_accept = None
    assert ResolutionIndex(model).scorer.accept_for(Profile("m1", "wang", ("jun",))) == 0.95


def test_the_shipped_tiers_never_relax_with_ambiguity():
    model = default_model()
    assert model.block_accept is not None
    accept = model.block_accept["accept"]
    assert accept == sorted(accept) and len(accept) == len(AMBIGUITY_CUTS) + 1
    prior = ResolutionIndex(model).scorer
    common = prior.accept_for(Profile("m1", "wang", ("jun",)))
    unseen = prior.accept_for(Profile("m2", "vondrakovitz", ("jana",)))
    assert common >= unseen


def test_a_tier_whose_pairs_never_reach_the_precision_gets_the_highest_threshold():
    scores = {
        0.9: [PairScores(50, 0, 5), PairScores(10, 2, 0), PairScores(3, 3, 0)],
        0.99: [PairScores(40, 0, 15), PairScores(8, 0, 2), PairScores(2, 1, 1)],
    }
    assert choose_block_accept(scores)["accept"] == [0.9, 0.99, 0.99]
