"""Profiles share what a record says about all of its authors, and comparing them leaves
each person out of their own co-authors."""

from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from kolgraph.ingest.publications import Paper, paper_mentions
from kolgraph.ingest.pubmed import PubmedLoader
from kolgraph.ingest.rejects import RejectLog
from kolgraph.resolution.evidence import RecordEvidence
from kolgraph.resolution.feature_matrix import pair_features
from kolgraph.resolution.features import FEATURES
from kolgraph.resolution.model import default_model
from kolgraph.resolution.profiles import Profile, shared_coauthors

SAMPLE = Path(__file__).parents[2] / "data/samples/pubmed/pubmed21n1298_sample_mesh_indexed.xml"
KEYS = st.sampled_from(["lee a", "lee b", "wu x", "ng y", "kim j", "park s"])


def _profile(name: str, own: str | None, keys: set[str]) -> Profile:
    return Profile(name, "lee", ("a",), coauthors=frozenset(keys), own_key=own)


@given(st.one_of(st.none(), KEYS), st.sets(KEYS), st.one_of(st.none(), KEYS), st.sets(KEYS))
def test_coauthor_counts_leave_each_person_out(own_a, keys_a, own_b, keys_b):
    a, b = _profile("a", own_a, keys_a), _profile("b", own_b, keys_b)
    others_a, others_b = keys_a - {own_a}, keys_b - {own_b}
    assert shared_coauthors(a, b) == len(others_a & others_b) == shared_coauthors(b, a)
    assert a.n_coauthors == len(others_a)
    features = dict(zip(FEATURES, pair_features(a, b, default_model().idf), strict=True))
    union = len(others_a | others_b)
    assert features["coauthor_jaccard"] == (len(others_a & others_b) / union if union else 0.0)
    assert features["coauthors_listed"] == len(others_a) + len(others_b)


def test_authors_of_one_record_share_its_sets(tmp_path):
    with RejectLog(tmp_path / "rejects.jsonl", source="pubmed", file=SAMPLE.name) as rejects:
        papers = [
            r.value for r in PubmedLoader().records(SAMPLE, rejects) if isinstance(r.value, Paper)
        ]
    paper = max(papers, key=lambda p: len(p.authors))
    profiles = [Profile.from_mention(m) for _, m in paper_mentions(paper) if m]
    assert len(profiles) > 3
    first = profiles[0]
    for p in profiles[1:]:
        assert p.coauthors is first.coauthors  # one set per record, not one per author
        assert p.record is first.record
        assert p.own_key in p.coauthors and p.n_coauthors == len(p.coauthors) - 1
    # what a record lacks is one shared empty set, not a new one per record
    mentions = [m for p in papers for _, m in paper_mentions(p) if m]
    everyone = [Profile.from_mention(m) for m in mentions]
    empty = [p.record.grants for p in everyone if not p.record.grants]
    assert empty and all(e is empty[0] for e in empty)
    # a MeSH UI is one string across records, a given name one tuple across profiles
    uis: dict[str, str] = {}
    for p in everyone:
        for ui in p.record.mesh:
            assert uis.setdefault(ui, ui) is ui
    assert len(uis) > 50 and sum(len(p.record.mesh) for p in everyone) > 2 * len(uis)
    given: dict[str | None, tuple[str, ...]] = {}
    for m, p in zip(mentions, everyone, strict=True):
        assert given.setdefault(m.given_name, p.given) is p.given
    assert len(given) < len(everyone)


def test_stored_profile_compares_as_the_fresh_one(tmp_path):
    """A profile read back from stored properties (publication author keys, own key
    included) scores every pair as the profile built from the incoming mention."""
    model = default_model()
    with RejectLog(tmp_path / "rejects.jsonl", source="pubmed", file=SAMPLE.name) as rejects:
        papers = [
            r.value for r in PubmedLoader().records(SAMPLE, rejects) if isinstance(r.value, Paper)
        ]
    mentions = [m for p in papers for _, m in paper_mentions(p) if m][:40]
    fresh = [Profile.from_mention(m) for m in mentions]
    stored = [
        Profile.from_properties(
            m.id,
            {
                "family": m.family,
                "given": m.given,
                "name_key": m.key,
                "coauthors": list(m.coauthors),
                "affiliations": m.affiliations,
                "topics": m.topics,
                "words": m.words,
                "journal": m.journal,
                "year": m.year,
                "language": m.language,
                "position": m.position,
            },
        )
        for m in mentions
    ]
    for f, s in zip(fresh, stored, strict=True):
        assert s.coauthors == f.coauthors and s.own_key == f.own_key
    no_record = [Profile.from_mention(m.model_copy(update={"record": None})) for m in mentions]
    for i in range(1, len(mentions)):
        assert pair_features(stored[0], stored[i], model.idf, model.vocabulary) == pair_features(
            no_record[0], no_record[i], model.idf, model.vocabulary
        )
    assert isinstance(fresh[0].record, RecordEvidence)
