"""Record evidence: a mention read back from the store compares exactly like the same
mention fresh from the parser, and the evidence features see what the records share."""

from __future__ import annotations

import gzip
from dataclasses import replace
from pathlib import Path

import numpy as np
from lxml import etree

from kolgraph.ingest import run_ingest
from kolgraph.ingest.publications import Paper, paper_mentions
from kolgraph.ingest.pubmed import PubmedLoader
from kolgraph.ingest.rejects import RejectLog
from kolgraph.resolution.affiliations import AffiliationIdf
from kolgraph.resolution.evidence import (
    EXTRA_FEATURES,
    MAX_RECORD_AFFILIATIONS,
    NO_RECORD,
    CorpusStats,
    RecordEvidence,
)
from kolgraph.resolution.feature_matrix import pair_feature_matrix, pair_features
from kolgraph.resolution.features import FEATURES
from kolgraph.resolution.idf import Idf
from kolgraph.resolution.model import default_model
from kolgraph.resolution.profiles import Profile
from kolgraph.resolution.vocabulary import Vocabulary

GOLD = Path(__file__).parents[2] / "data/samples/author-disambiguation/train_articles.xml.gz"
_MENTION = {"label": "Mention", "type": "RESOLVED_TO", "end": "HCP"}


def _gold_subset(path: Path, every: int = 20, max_authors: int = 40) -> Path:
    """Every ``every``-th gold record with at most ``max_authors`` authors (the file runs
    from old records to new ones), as a PubMed file."""
    kept: list[bytes] = []
    with gzip.open(GOLD, "rb") as handle:
        for n, (_, element) in enumerate(etree.iterparse(handle, tag="PubmedArticle")):
            authors = element.findall("MedlineCitation/Article/AuthorList/Author")
            if n % every == 0 and len(authors) <= max_authors:
                kept.append(etree.tostring(element))
            element.clear()
    path.write_bytes(
        b"<?xml version='1.0'?>\n<PubmedArticleSet>" + b"".join(kept) + b"</PubmedArticleSet>"
    )
    return path


def _fresh_profiles(path: Path, tmp_path: Path) -> dict[str, Profile]:
    out: dict[str, Profile] = {}
    with RejectLog(tmp_path / "fresh.jsonl", source="pubmed", file=path.name) as rejects:
        for record in PubmedLoader().records(path, rejects):
            if isinstance(record.value, Paper):
                for _, m in paper_mentions(record.value):
                    if m is not None:
                        out[m.id] = Profile.from_mention(m)
    return out


def test_stored_mentions_give_the_features_of_fresh_ones(store, tmp_path):
    path = _gold_subset(tmp_path / "gold_subset.xml")
    run_ingest(store, PubmedLoader(), path, rejects_dir=tmp_path / "rejects")
    fresh = _fresh_profiles(path, tmp_path)
    keys = sorted(
        {
            k
            for k in (
                r["props"].get("name_key")
                for r in store.run("mentions_of_source", {"label": "Mention"}, source="pubmed")
            )
            if k
        }
    )
    stored: dict[str, Profile] = {}
    for start in range(0, len(keys), 500):
        for row in store.run(
            "mentions_in_blocks", _MENTION, keys=keys[start : start + 500], per_hcp=1_000
        ):
            stored[row["mention_id"]] = Profile.from_properties(row["mention_id"], row["props"])
    assert set(stored) == set(fresh)
    for mention_id, profile in stored.items():
        assert profile.record == fresh[mention_id].record, mention_id
        assert profile.position == fresh[mention_id].position, mention_id
    records = {p.record for p in stored.values()}
    assert any(r.references for r in records) and any(r.grants for r in records)
    assert any(r.chemicals for r in records) and any(len(r.affiliations) > 1 for r in records)
    # every pair among a sample: stored and fresh profiles give the same features
    ids = sorted(stored)[::3]
    pairs = [(a, b) for i, a in enumerate(ids) for b in ids[i + 1 : i + 25]]
    model = default_model()
    got = pair_feature_matrix(
        [(stored[a], stored[b]) for a, b in pairs], model.idf, model.vocabulary
    )
    want = pair_feature_matrix(
        [(fresh[a], fresh[b]) for a, b in pairs], model.idf, model.vocabulary
    )
    assert np.array_equal(got, want)
    column = dict(zip(FEATURES, got.T, strict=True))
    assert column["record_affiliation_similarity"].max() > 0.3
    assert column["lsa_similarity"].max() > 0.3
    assert column["mesh_similarity"].max() > 0


def test_a_mention_outside_publications_has_no_record_evidence():
    profile = Profile.from_properties(
        "mention:crm:1:1", {"family": "Lee", "given": "Ann", "name_key": "lee a"}
    )
    assert profile.record is NO_RECORD and profile.position == 0
    row = pair_features(profile, profile, default_model().idf, default_model().vocabulary)
    extra = dict(zip(EXTRA_FEATURES, row[len(FEATURES) - len(EXTRA_FEATURES) :], strict=True))
    assert extra["references_missing"] == extra["grants_missing"] == 1.0
    assert extra["record_affiliation_missing"] == 1.0
    assert extra["lsa_similarity"] == extra["mesh_similarity"] == 0.0


def test_evidence_features_by_hand():
    stats = CorpusStats(
        mesh=Idf({"D1": 1, "D2": 50}, 100),
        journal_mesh={"J1": {"D1": 3}, "J2": {"D1": 1, "D2": 4}, "J3": {"D2": 2}},
    )
    a = RecordEvidence(
        pmid="10",
        references=frozenset({"20", "30"}),
        mesh=frozenset({"D1"}),
        nlm_journal_id="J1",
        fullnames=frozenset({"lee ann", "wu xi"}),
        n_authors=3,
        agencies=frozenset({"nci nih hhs"}),
    )
    b = RecordEvidence(
        pmid="20",
        references=frozenset({"30"}),
        mesh=frozenset({"D1", "D2"}),
        nlm_journal_id="J3",
        fullnames=frozenset({"lee ann", "wu xi"}),
        n_authors=5,
        agencies=frozenset({"nci nih hhs", "nhlbi nih hhs"}),
    )
    pa = Profile("mention:pubmed:10:3", "lee", ("ann",), record=a, position=3, year=2001)
    pb = Profile("mention:pubmed:20:5", "lee", ("ann",), record=b, position=5)
    tools = (AffiliationIdf({}, 1.0), Vocabulary(corpus=stats))
    row = pair_features(pa, pb, *tools)
    f = dict(zip(FEATURES, row, strict=True))
    assert f["self_citation"] == 1.0  # a cites b's PMID
    assert f["shared_references"] == np.log1p(1) and f["reference_jaccard"] == 0.5
    assert f["agency_jaccard"] == 0.5 and f["grants_missing"] == 1.0
    assert f["journal_similarity"] == 0.0  # J1 and J3 share no descriptor
    assert 0 < stats.journals.cosine("J1", "J2") < 1 and stats.journals.cosine("J1", "J1") == 1
    same_journal = pair_features(pa, replace(pb, record=replace(b, nlm_journal_id="J1")), *tools)
    assert same_journal[FEATURES.index("journal_similarity")] == 1.0
    assert 0 < f["mesh_similarity"] < 1
    assert f["coauthor_fullname_shared"] == np.log1p(1)  # wu xi; the mention itself left out
    assert f["position_last_both"] == 1.0 and f["position_first_both"] == 0.0
    assert f["authors_max"] == 5.0 and f["year_min"] == 2001.0
    assert f["lsa_similarity"] == 0.0  # no projection fitted


def test_record_affiliations_are_capped():
    props = {"record_affiliations": [f"Dept {i}, Univ of Iowa" for i in range(50)]}
    assert len(RecordEvidence.from_properties(props).affiliations) == MAX_RECORD_AFFILIATIONS


def test_idf_columns_start_afresh_without_changing_cosines():
    table = Idf({"a": 1, "b": 5}, 10)
    x, y = frozenset({"a", "b"}), frozenset({"b", "c"})
    before = table.cosine(x, y)
    table.unit(x), table.unit(y)
    table.forget_columns(limit=1)
    assert table.columns == {} and table.unit.cache_info().currsize == 0
    keys, weights = table.unit(y)
    assert sorted(table.columns) == sorted(y) and np.isclose(weights @ weights, 1.0)
    assert table.cosine(x, y) == before
