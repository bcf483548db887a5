"""The text embedding of a record (title and abstract words, MeSH headings): loaded from
the wordllama wheel without any download, deterministic, and closer for records of one
field than for unrelated ones, on real PubMed records."""

from __future__ import annotations

import dataclasses
import json
import socket
from pathlib import Path

import numpy as np
import pytest

from kolgraph.cli.resolve_cmds import ArticleAuthors
from kolgraph.errors import KolgraphError
from kolgraph.resolution.embedding import (
    TextEmbedder,
    record_embeddings,
    record_similarities,
    record_text,
)
from kolgraph.resolution.evidence import NO_RECORD, RecordEvidence
from kolgraph.resolution.feature_matrix import pair_feature_matrix
from kolgraph.resolution.features import FEATURES, WITHOUT_EMBEDDING
from kolgraph.resolution.model import MatchModel, default_model
from kolgraph.resolution.profiles import Profile

SAMPLE = Path(__file__).parents[2] / "data/samples/pubmed/pubmed21n1298_sample_every21st.xml"
# Two 2020 records on airway management and anaesthesia during COVID-19, and three from
# other fields: Arabidopsis flower cells, carp predator stress, cocaine and dopamine.
AIRWAY = ("32712704", "33006071")
UNRELATED = ("31439803", "31974218", "10704411")


@pytest.fixture(scope="module")
def records() -> dict[str, RecordEvidence]:
    authors = ArticleAuthors(SAMPLE)
    found = {pmid: authors.by_pmid[pmid][0].record for pmid in AIRWAY + UNRELATED}
    assert all(r is not None and r.words for r in found.values())
    return found  # type: ignore[return-value]


def _fresh(record: RecordEvidence) -> RecordEvidence:
    """An equal record without the embedding kept on it."""
    return dataclasses.replace(record)


def test_the_weights_load_from_the_wheel_with_the_network_cut(monkeypatch):
    def refuse(*args, **kwargs):
        raise OSError("network access during the embedding load")

    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    embedder = TextEmbedder()
    vector = embedder.embed(["airway management during the pandemic"])[0]
    assert embedder.dims == 256 and abs(float(np.linalg.norm(vector)) - 1.0) < 1e-5


def test_an_embedding_is_the_same_alone_in_a_batch_and_in_a_new_process_load(records):
    record = records[AIRWAY[0]]
    alone = record_embeddings([_fresh(record)])[0]
    batch = record_embeddings([_fresh(r) for r in records.values()])[0]
    assert alone.dtype == np.float16 and alone.shape == (256,)
    assert alone.tobytes() == batch.tobytes()
    again = TextEmbedder().embed([record_text(record)])[0].astype(np.float16)
    assert again.tobytes() == alone.tobytes()


def test_records_of_one_field_are_closer_than_unrelated_ones(records):
    ordered = [records[p] for p in AIRWAY + UNRELATED]
    n = len(ordered)
    left, right = (g.ravel() for g in np.meshgrid(range(n), range(n), indexing="ij"))
    sims = record_similarities(ordered, left, right).reshape(n, n)
    together = sims[0, 1]
    assert together > 0.35
    assert together > sims[:2, 2:].max() + 0.1  # either airway record against every other
    assert np.allclose(np.diag(sims), 1.0, atol=1e-3)


def test_the_pair_feature_is_the_records_cosine_and_missing_without_text(records):
    a = Profile("mention:pubmed:32712704:1", "doe", ("j",), record=records[AIRWAY[0]])
    b = Profile("mention:pubmed:33006071:1", "doe", ("j",), record=records[AIRWAY[1]])
    c = Profile("mention:pubmed:1:1", "doe", ("j",), record=NO_RECORD)
    model = default_model()
    x = pair_feature_matrix([(a, b), (a, c)], model.idf, model.vocabulary)
    col = {name: i for i, name in enumerate(FEATURES)}
    expected = record_similarities([a.record, b.record], np.array([0]), np.array([1]))[0]
    assert x[0, col["embedding_similarity"]] == pytest.approx(expected)
    assert x[0, col["embedding_missing"]] == 0.0
    assert x[1, col["embedding_similarity"]] == 0.0 and x[1, col["embedding_missing"]] == 1.0


def test_the_text_is_what_the_store_keeps_words_sorted_and_mesh_names():
    record = RecordEvidence(
        words=frozenset({"ventilation", "airway"}),
        mesh=frozenset({"D000086382", "D006801"}),  # COVID-19, and the check tag Humans
    )
    assert record_text(record) == "airway ventilation COVID-19"


def test_a_model_without_the_embedding_reads_every_other_feature_and_embeds_nothing(records):
    model = default_model()  # shipped without the embedding (docs/resolution.md)
    assert model.columns == list(WITHOUT_EMBEDDING) and not model.embeds
    fresh = [_fresh(records[p]) for p in AIRWAY]
    a = Profile("mention:pubmed:32712704:1", "doe", ("j",), record=fresh[0])
    b = Profile("mention:pubmed:33006071:1", "doe", ("j",), record=fresh[1])
    x = model.features_many([(a, b)])
    assert x.shape == (1, len(FEATURES)) and x[0, FEATURES.index("embedding_missing")] == 1.0
    assert all(r.embedding_memo is None for r in fresh)
    again = MatchModel.from_json(json.loads(json.dumps(model.to_json())))
    assert again.columns == model.columns
    assert again.probabilities(x) == model.probabilities(x)
    assert model.probability(a, b) == pytest.approx(model.probabilities(x)[0])


def test_a_model_naming_an_unknown_feature_is_refused():
    data = default_model().to_json()
    data["features"] = [*data["features"], "shoe_size"]
    with pytest.raises(KolgraphError, match="other features"):
        MatchModel.from_json(data)
