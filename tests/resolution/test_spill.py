"""The resolver's spill file gives back exactly the blocks it was given, with what a paper
gives all of its authors stored once and shared again when it comes back."""

from __future__ import annotations

import gc
import sqlite3
from collections import defaultdict
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from kolgraph.ingest.publications import Paper, paper_mentions
from kolgraph.ingest.pubmed import PubmedLoader
from kolgraph.ingest.rejects import RejectLog
from kolgraph.resolution.evidence import (
    NO_RECORD,
    RecordEvidence,
    _record_from_values,
    lsa_bucket,
)
from kolgraph.resolution.model import default_model
from kolgraph.resolution.profiles import Profile
from kolgraph.resolution.spill import BlockSpill

SAMPLE = Path(__file__).parents[2] / "data/samples/pubmed/pubmed21n1298_sample_mesh_indexed.xml"


def _blocks(tmp_path: Path) -> dict[str, dict[str, dict[str, Profile]]]:
    """Name key -> HCP (one per name here) -> mention id -> profile, from real records."""
    with RejectLog(tmp_path / "rejects.jsonl", source="pubmed", file=SAMPLE.name) as rejects:
        papers = [
            r.value for r in PubmedLoader().records(SAMPLE, rejects) if isinstance(r.value, Paper)
        ]
    blocks: dict[str, dict[str, dict[str, Profile]]] = defaultdict(dict)
    for paper in papers:
        for _, mention in paper_mentions(paper):
            if mention is not None:
                profile = Profile.from_mention(mention)
                blocks[mention.key].setdefault(f"hcp:{mention.key}", {})[profile.id] = profile
    return dict(blocks)


def _papers_in_file(spill: BlockSpill) -> int:
    with sqlite3.connect(spill.path / "blocks.sqlite") as db:
        return db.execute("SELECT count(*) FROM papers").fetchone()[0]


def test_real_blocks_come_back_equal_in_order_with_papers_stored_once(tmp_path):
    blocks = _blocks(tmp_path)
    records = {p.record.pmid for b in blocks.values() for ps in b.values() for p in ps.values()}
    assert len(blocks) > 500 and len(records) > 50
    spill = BlockSpill(tmp_path)
    spill.put(blocks)
    assert len(spill) == len(blocks)
    assert _papers_in_file(spill) == len(records)  # one row per paper, not per author
    back = spill.take(list(blocks) + ["nobody x"])
    assert back == blocks
    for key, block in blocks.items():  # the same order, so ties break the same way
        assert [list(ps) for ps in back[key].values()] == [list(ps) for ps in block.values()]
    # the originals are still in memory: what comes back is those very objects
    restored = [p for b in back.values() for ps in b.values() for p in ps.values()]
    originals = {p.id: p for b in blocks.values() for ps in b.values() for p in ps.values()}
    assert all(
        p.record is originals[p.id].record
        and p.coauthors is originals[p.id].coauthors
        and p.words is originals[p.id].words
        for p in restored
    )
    spill.close()
    assert not spill.path.exists()


def test_papers_brought_back_without_their_originals_are_shared_again(tmp_path):
    blocks = _blocks(tmp_path)
    n_profiles = sum(len(ps) for b in blocks.values() for ps in b.values())
    keys = sorted(blocks)
    spill = BlockSpill(tmp_path)
    spill.put(blocks)
    del blocks
    _record_from_values.cache_clear()  # the last records read are cached there
    gc.collect()
    assert not spill._live  # nothing of the originals is held by the spill
    first_half, second_half = spill.take(keys[::2]), spill.take(keys[1::2])
    back = [
        p
        for part in (first_half, second_half)
        for b in part.values()
        for ps in b.values()
        for p in ps.values()
    ]
    assert len(back) == n_profiles
    by_pmid: dict[str, set[int]] = defaultdict(set)
    for p in back:
        by_pmid[p.record.pmid].add(id(p.record))
        by_pmid[p.record.pmid + ":authors"].add(id(p.coauthors))
    assert all(len(ids) == 1 for ids in by_pmid.values())  # one object per paper
    assert any(p.position > 1 for p in back)  # several authors per paper were compared


def test_a_block_put_again_replaces_the_old_one(tmp_path):
    a = Profile("mention:x:1:1", "lee", ("ann",), record=NO_RECORD)
    b = Profile(
        "mention:x:2:1",
        "lee",
        ("a",),
        coauthors=frozenset({"lee a", "wu x"}),
        record=RecordEvidence(pmid="2", grants=frozenset({"CA1"})),
        own_key="lee a",
    )
    spill = BlockSpill(tmp_path)
    spill.put({"lee a": {"hcp:1": {a.id: a}}})
    spill.put({"lee a": {"hcp:1": {a.id: a}, "hcp:2": {b.id: b}}})
    assert spill.take(["lee a"]) == {"lee a": {"hcp:1": {a.id: a}, "hcp:2": {b.id: b}}}
    assert len(spill) == 1


def test_the_file_goes_when_the_spill_is_collected(tmp_path):
    spill = BlockSpill(tmp_path)
    spill.put({"lee a": {"hcp:1": {}}})
    path = spill.path
    del spill
    gc.collect()
    assert not path.exists()


_RECORDS = [
    RecordEvidence(
        pmid=str(i),
        words=frozenset({f"w{i}", "cell"}),
        grants=frozenset({f"G{i % 2}"}),
        n_authors=i,
    )
    for i in range(4)
]
_SETS = [frozenset(), frozenset({"lee a", "wu x"}), frozenset({"ng y"})]
_PROFILES = st.builds(
    Profile,
    id=st.integers(0, 50).map(lambda i: f"mention:x:{i}:1"),
    family=st.sampled_from(["lee", "wu", "nguyen"]),
    given=st.sampled_from([("a",), ("ann", "b"), ()]),
    affiliations=st.lists(st.sampled_from(["Univ Iowa", "Mayo Clinic", "--"]), max_size=2).map(
        tuple
    ),
    coauthors=st.sampled_from(_SETS),
    topics=st.sampled_from(_SETS),
    words=st.sampled_from(_SETS),
    year=st.one_of(st.none(), st.integers(1950, 2030)),
    record=st.sampled_from([NO_RECORD, *_RECORDS]),
    position=st.integers(0, 9),
    own_key=st.sampled_from([None, "lee a"]),
)


@settings(max_examples=50, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["lee a", "wu x", "ng y"]),
            st.sampled_from(["hcp:1", "hcp:2"]),
            _PROFILES,
        ),
        max_size=30,
    ),
    st.integers(1, 3),
)
def test_any_blocks_come_back_as_put(tmp_path_factory, items, parts):
    blocks: dict[str, dict[str, dict[str, Profile]]] = {}
    for key, hcp_id, profile in items:
        blocks.setdefault(key, {}).setdefault(hcp_id, {})[profile.id] = profile
    spill = BlockSpill(tmp_path_factory.mktemp("spill"))
    keys = list(blocks)
    for start in range(parts):  # several puts share the paper rows
        spill.put({k: blocks[k] for k in keys[start::parts]})
    assert spill.take(keys) == blocks
    spill.close()


def test_lsa_rows_are_kept_on_the_record_per_corpus_stats():
    stats = default_model().vocabulary.corpus
    record = RecordEvidence(
        pmid="9",
        words=frozenset({"retina", "zebrafish", "photoreceptor"}),
        mesh=frozenset({"D012160"}),
    )
    expected = [
        i
        for t in record.lsa_tokens()
        if (i := stats.lsa_index.get(lsa_bucket(t, stats.lsa_buckets))) is not None
    ]
    rows = stats.lsa_buckets_of(record)
    assert rows.tolist() == expected and len(expected) >= 2
    assert stats.lsa_buckets_of(record) is rows  # computed once
    other = type(stats)(
        lsa_buckets=stats.lsa_buckets, lsa_keys=stats.lsa_keys[:1], lsa_rows=stats.lsa_rows[:1]
    )
    assert other.lsa_buckets_of(record).tolist() == [
        i
        for t in record.lsa_tokens()
        if (i := other.lsa_index.get(lsa_bucket(t, stats.lsa_buckets))) is not None
    ]
    again = stats.lsa_buckets_of(record)  # the memo now names the other stats
    assert again is not rows and again.tolist() == expected
