"""Review list: an uncertain match is kept apart, accept merges it, undo splits it again."""

from __future__ import annotations

from kolgraph.ingest.batch import GraphBatch
from kolgraph.ingest.mentions import add_mention
from kolgraph.resolution import MentionIn, resolve_mentions, review
from kolgraph.resolution.affiliations import AffiliationIdf
from kolgraph.resolution.features import FEATURES
from kolgraph.resolution.model import MatchModel

# probability 0.73 for any compatible pair: inside the review band [0.5, 0.9)
UNSURE = MatchModel(
    kind="logistic",
    intercept=1.0,
    coef=[0.0] * len(FEATURES),
    idf=AffiliationIdf({}, 1.0),
    accept=0.9,
    review=0.5,
)


def _load(store, mention):
    result = resolve_mentions(store, [mention], model=UNSURE)[0]
    batch = GraphBatch()
    add_mention(batch, mention, result)
    pub = f"pmid:{mention.id.split(':')[2]}"
    batch.node("Publication", pub, pmid=pub[5:])
    batch.rel("HCP", result.hcp_id, "AUTHORED", "Publication", pub, position=1)
    batch.write(store)
    return result


def test_accept_merges_and_undo_splits(store):
    a = _load(
        store, MentionIn(id="mention:pubmed:1:1", source="pubmed", family="Kaye", given="Jeffrey")
    )
    b = _load(store, MentionIn(id="mention:pubmed:2:1", source="pubmed", family="Kaye", given="J"))
    assert (b.method, b.candidate_id, b.is_new) == ("review", a.hcp_id, True)
    assert b.hcp_id != a.hcp_id
    assert [r["mention_id"] for r in review.open_reviews(store)] == [b.mention_id]

    merged = review.accept(store, b.mention_id, decided_by="tester")
    assert (merged["merged"], merged["into"]) == (b.hcp_id, a.hcp_id)
    authored = store.run(
        "relationships_of_type", {"start": "HCP", "type": "AUTHORED", "end": "Publication"}
    )
    assert {r["start"] for r in authored} == {a.hcp_id}
    assert review.open_reviews(store) == []
    # a re-ingest keeps the decision
    again = resolve_mentions(
        store,
        [MentionIn(id="mention:pubmed:2:1", source="pubmed", family="Kaye", given="J")],
        model=UNSURE,
    )[0]
    assert again.hcp_id == a.hcp_id

    review.undo(store, b.mention_id)
    authored = store.run(
        "relationships_of_type", {"start": "HCP", "type": "AUTHORED", "end": "Publication"}
    )
    assert sorted((r["start"], r["end"]) for r in authored) == sorted(
        [(a.hcp_id, "pmid:1"), (b.hcp_id, "pmid:2")]
    )
    assert (
        store.run("relationships_of_type", {"start": "HCP", "type": "SAME_AS", "end": "HCP"}) == []
    )
    assert [r["mention_id"] for r in review.open_reviews(store)] == [b.mention_id]


def test_reject_keeps_them_apart(store):
    a = _load(store, MentionIn(id="mention:pubmed:3:1", source="pubmed", family="Su", given="Juan"))
    b = _load(store, MentionIn(id="mention:pubmed:4:1", source="pubmed", family="Su", given="J"))
    review.reject(store, b.mention_id)
    assert review.open_reviews(store) == []
    assert (
        resolve_mentions(
            store, [MentionIn(id=b.mention_id, source="pubmed", family="Su", given="J")]
        )[0].hcp_id
        == b.hcp_id
        != a.hcp_id
    )


# probability 0.85 for any compatible pair: inside the band [0.80, 0.90)
BAND_MODEL = MatchModel(
    kind="logistic",
    intercept=1.7346,
    coef=[0.0] * len(FEATURES),
    idf=AffiliationIdf({}, 1.0),
    accept=0.9,
    review=0.5,
)


def _load_with(store, model, mention):
    result = resolve_mentions(store, [mention], model=model)[0]
    batch = GraphBatch()
    add_mention(batch, mention, result)
    batch.write(store)
    return result


def test_review_stats_counts_the_band_its_yield_and_orders_by_value(falkor_store):
    store = falkor_store
    # a large profile (three mentions, one NPI) and a one-mention profile, in two blocks
    for n in (1, 2, 3):
        _load_with(
            store,
            BAND_MODEL,
            MentionIn(
                id=f"mention:nppes:{n}:1",
                source="nppes",
                family="Okafor",
                given="Ngozi",
                npi="1234567893",
            ),
        )
    _load_with(
        store, BAND_MODEL, MentionIn(id="mention:x:9:1", source="x", family="Brandt", given="Ilse")
    )
    big = _load_with(
        store, BAND_MODEL, MentionIn(id="mention:x:10:1", source="x", family="Okafor", given="N")
    )
    small = _load_with(
        store, BAND_MODEL, MentionIn(id="mention:x:11:1", source="x", family="Brandt", given="I")
    )
    low = _load_with(
        store, UNSURE, MentionIn(id="mention:x:12:1", source="x", family="Brandt", given="Ilse")
    )
    assert (big.method, small.method, low.method) == ("review", "review", "review")
    assert 0.80 <= big.candidate_score < 0.9 and low.candidate_score < 0.80

    stats = review.review_stats(store, accept=0.9)
    assert (stats["entries"], stats["open"], stats["below_band"]) == (2, 2, 1)
    assert stats["yield"] is None
    # the entry joining the three-mention profile comes first
    assert [e["mention_id"] for e in stats["by_value"]] == [big.mention_id, small.mention_id]
    assert stats["by_value"][0]["candidate_mentions"] == 3

    review.accept(store, big.mention_id)
    review.reject(store, small.mention_id)
    stats = review.review_stats(store, accept=0.9)
    assert (
        stats["entries"],
        stats["open"],
        stats["confirmed_same"],
        stats["confirmed_different"],
        stats["yield"],
    ) == (2, 0, 1, 1, 0.5)
    assert stats["by_value"] == []
