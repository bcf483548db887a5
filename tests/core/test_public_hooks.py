"""Modules reach each other through public hooks, not private attributes."""

from __future__ import annotations

import math
from pathlib import Path

from kolgraph.krm import keys
from kolgraph.resolution.vocabulary import Vocabulary
from kolgraph.store import EmbeddedFalkorDB
from kolgraph.store.base import GraphStore
from kolgraph.store.falkordb import FalkorDBStore
from kolgraph.store.neo4j import Neo4jStore


def test_a_revoked_key_touches_the_marker_in_the_stores_data_dir(
    falkor_store: FalkorDBStore, falkordb: EmbeddedFalkorDB
) -> None:
    """Other API processes notice a revocation through a file beside the embedded data."""
    assert falkor_store.data_dir == Path(falkordb.data_dir)
    marker = falkor_store.data_dir / keys.REVOCATION_MARKER
    before = marker.stat().st_mtime_ns if marker.exists() else -1
    key, record = keys.create_key(falkor_store, "field", "medical_affairs")
    assert keys.authenticate(falkor_store, key).key_id == record["key_id"]
    keys.revoke_key(falkor_store, record["key_id"])
    assert marker.exists() and marker.stat().st_mtime_ns > before


def test_a_remote_store_has_no_data_dir() -> None:
    """Neo4j keeps the base answer, None: a remote backend keeps no files on this machine."""
    assert Neo4jStore.data_dir is GraphStore.data_dir
    assert GraphStore.data_dir.fget(None) is None


def test_vocabulary_word_idf_gives_the_idf_weighted_cosine_of_word_sets() -> None:
    vocab = Vocabulary(word_df={"heart": 4, "failure": 1}, documents=9)
    a, b = frozenset({"heart", "failure", "unseen"}), frozenset({"heart", "valve"})
    idf = vocab.word_idf.idf
    expected = idf("heart") ** 2 / math.sqrt(
        sum(idf(w) ** 2 for w in a) * sum(idf(w) ** 2 for w in b)
    )
    assert math.isclose(vocab.word_idf.cosine(a, b), expected)
    assert vocab.word_idf.cosine(a, frozenset()) == 0.0
