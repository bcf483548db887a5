"""First load of PubMed through the store's bulk path, against the incremental path on the
shipped samples: the same graph, nothing changed by loading the file again, refusal on a
store that holds data, rejects as in the incremental path, and a re-run after a crash."""

from __future__ import annotations

import json
import os
import signal
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from kolgraph.config import Settings
from kolgraph.errors import IngestError, StoreError
from kolgraph.ingest.first_load import BULK_LOADING, run_first_load
from kolgraph.ingest.pubmed import PubmedLoader
from kolgraph.resolution.worker import ResolverProcess
from kolgraph.store import EmbeddedFalkorDB, GraphStore, open_store
from tests.factories import SAMPLES, ingest, kolgraph, rejects_of

PUBMED = SAMPLES / "pubmed"
MESH = PUBMED / "pubmed21n1298_sample_mesh_indexed.xml"
EVERY21 = PUBMED / "pubmed21n1298_sample_every21st.xml"  # has DeleteCitation entries
# the load time is the only property a second run of the same file sets anew
VOLATILE = {"loaded_at", "started_at", "finished_at"}


def snapshot(store: GraphStore) -> dict[str, Any]:
    """Every node and relationship with its properties, keyed by ids (load times left out)."""

    def plain(props: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in props.items() if k not in VOLATILE}

    nodes = {
        (r["label"], r["id"]): plain(r["props"])
        for r in store.execute(
            "MATCH (n) RETURN labels(n)[0] AS label, n.id AS id, properties(n) AS props", {}
        )
    }
    rels: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for r in store.execute(
        "MATCH (a)-[r]->(b) RETURN labels(a)[0] AS s, a.id AS a, type(r) AS t, "
        "labels(b)[0] AS e, b.id AS b, properties(r) AS props",
        {},
    ):
        rels.setdefault((r["s"], r["a"], r["t"], r["e"], r["b"]), []).append(plain(r["props"]))
    return {"nodes": nodes, "rels": rels}


def first_load(store: GraphStore, path: Path, tmp_path: Path, **kwargs: Any):
    return run_first_load(store, PubmedLoader(), path, rejects_dir=tmp_path / "rejects", **kwargs)


def diff(a: dict[str, Any], b: dict[str, Any]) -> list[str]:
    """The first differences between two snapshots, for a readable failure."""
    out = []
    for part in ("nodes", "rels"):
        for key in sorted(a[part].keys() | b[part].keys(), key=str):
            if a[part].get(key) != b[part].get(key):
                out.append(f"{part} {key}: {a[part].get(key)} != {b[part].get(key)}")
    return out[:10]


@pytest.mark.parametrize("resolver_process", [False, True], ids=["inline", "resolver-process"])
@pytest.mark.parametrize("path", [MESH, EVERY21], ids=["mesh-indexed", "every21st"])
def test_first_load_writes_the_graph_the_incremental_path_writes(
    store, tmp_path, path, resolver_process
):
    incremental = ingest(store, "pubmed", path, tmp_path, batch_size=150)
    expected = snapshot(store)
    store.clear()
    bulk = first_load(store, path, tmp_path, batch_size=150, resolver_process=resolver_process)
    got = snapshot(store)
    assert diff(expected, got) == []
    assert got == expected
    hcps = [k for k in got["nodes"] if k[0] == "HCP"]
    assert len(hcps) > 100  # a real load, resolved: fewer HCPs than mentions
    assert len(hcps) < sum(1 for k in got["nodes"] if k[0] == "Mention")
    for field in ("read", "loaded", "rejected", "duplicates"):
        assert getattr(bulk, field) == getattr(incremental, field)
    assert (bulk.nodes_written, bulk.relationships_written) == (
        incremental.nodes_written,
        incremental.relationships_written,
    )
    run = got["nodes"][("IngestRun", bulk.run_id)]
    assert run["status"] == "complete" and run["checkpoint"] == incremental.read - 0


@pytest.mark.parametrize("resolver_process", [False, True], ids=["inline", "resolver-process"])
def test_a_load_of_several_batches_writes_the_incremental_graph(store, tmp_path, resolver_process):
    """Batches of 40 records: the resolver's index and the run's papers carry from batch to
    batch as in the incremental path, and so does each HCP's fullest name."""
    incremental = ingest(store, "pubmed", MESH, tmp_path, batch_size=40)
    expected = snapshot(store)
    store.clear()
    bulk = first_load(store, MESH, tmp_path, batch_size=40, resolver_process=resolver_process)
    assert diff(expected, snapshot(store)) == []
    assert snapshot(store) == expected
    assert bulk.loaded == incremental.loaded == 150
    assert (bulk.nodes_written, bulk.relationships_written) == (
        incremental.nodes_written,
        incremental.relationships_written,
    )


def test_loading_the_file_again_incrementally_changes_nothing(store, tmp_path):
    first_load(store, MESH, tmp_path)
    before = snapshot(store)
    again = ingest(store, "pubmed", MESH, tmp_path)
    assert again.resumed_from == 0 and again.loaded == 150 and again.nodes_written > 600
    assert diff(before, snapshot(store)) == []
    assert snapshot(store) == before


def test_a_store_holding_data_is_refused_naming_what_to_do(store, tmp_path):
    ingest(store, "pubmed", MESH, tmp_path)
    counts = store.counts()
    with pytest.raises(IngestError) as refused:
        first_load(store, EVERY21, tmp_path)
    message = str(refused.value)
    assert "empty store" in message and "without --first-load" in message
    assert "kolgraph init --reset" in message and "Publication" in message
    assert store.counts() == counts  # nothing written


def test_bad_records_go_to_the_reject_file_as_in_the_incremental_path(store, tmp_path):
    good = "<Author><LastName>Doe</LastName><ForeName>Jane</ForeName></Author>"
    articles = "".join(
        f"<PubmedArticle><MedlineCitation><PMID>{pmid}</PMID><Article><Journal><Title>J"
        f"</Title></Journal><ArticleTitle>T {pmid}</ArticleTitle><AuthorList>{good}"
        "</AuthorList></Article></MedlineCitation></PubmedArticle>"
        for pmid in ("11", "not-a-pmid", "12")
    )
    path = tmp_path / "bad.xml"
    path.write_text(
        f"<PubmedArticleSet>{articles}<DeleteCitation><PMID>x1</PMID></DeleteCitation>"
        "</PubmedArticleSet>"
    )
    incremental = ingest(store, "pubmed", path, tmp_path / "a")
    expected = snapshot(store)
    store.clear()
    bulk = first_load(store, path, tmp_path / "b")
    assert snapshot(store) == expected
    assert (bulk.loaded, bulk.rejected) == (incremental.loaded, incremental.rejected) == (2, 2)
    strip = [{k: v for k, v in r.items() if k != "at"} for r in rejects_of(bulk)]
    assert strip == [{k: v for k, v in r.items() if k != "at"} for r in rejects_of(incremental)]
    assert {r["field"] for r in strip} == {"PMID"}


def test_an_interrupted_first_load_is_run_again_from_the_start(store, tmp_path, monkeypatch):
    """The connection is lost before the relationships go in, so the failed load cannot
    remove what it wrote either: its bulk-loading mark stays, and the next first load
    clears it and starts over."""
    session = type(store).bulk_session

    @contextmanager
    def dies_before_the_relationships(self):
        lost = []
        with session(self) as bulk:
            create = bulk.create

            def nodes_only(nodes, relationships=None):
                create(nodes)  # the nodes go in, the relationships never come
                lost.extend(relationships or ())

            bulk.create = nodes_only
            yield bulk
        if lost:
            raise StoreError("connection lost")

    def unreachable(self):
        raise StoreError("connection lost")

    monkeypatch.setattr(type(store), "bulk_session", dies_before_the_relationships)
    monkeypatch.setattr(type(store), "clear", unreachable)
    with pytest.raises(StoreError):
        first_load(store, MESH, tmp_path)
    monkeypatch.undo()
    runs = store.run("ingest_runs")
    assert [r["status"] for r in runs] == [BULK_LOADING]
    assert store.counts()["nodes"]["Mention"] > 600  # written batch by batch before the end
    first_load(store, MESH, tmp_path)
    got = snapshot(store)
    store.clear()
    first_load(store, MESH, tmp_path)
    assert got == snapshot(store)
    assert [r["status"] for r in store.run("ingest_runs")] == ["complete"]


def test_a_first_load_that_fails_removes_what_it_wrote(store, tmp_path, monkeypatch):
    loader_finish = PubmedLoader.finish
    finished = []

    def fails_on_the_third_batch(self, *args, **kwargs):
        finished.append(1)
        if len(finished) == 3:
            raise IngestError("the file stopped making sense")
        return loader_finish(self, *args, **kwargs)

    monkeypatch.setattr(PubmedLoader, "finish", fails_on_the_third_batch)
    with pytest.raises(IngestError, match="stopped making sense"):
        first_load(store, MESH, tmp_path, batch_size=40, resolver_process=True)
    assert store.node_total() == 0


@pytest.mark.parametrize("resolver_process", [False, True], ids=["inline", "resolver-process"])
def test_a_paper_deleted_later_in_the_file_loses_its_written_mentions(
    store, tmp_path, resolver_process
):
    """Mentions go to the store batch by batch; a DeleteCitation in a later batch removes
    them again, as the incremental path removes what an earlier batch wrote."""
    articles = etree.parse(str(MESH)).getroot().findall("PubmedArticle")[:60]
    gone = articles[2].findtext("MedlineCitation/PMID")
    root = etree.Element("PubmedArticleSet")
    root.extend(articles)
    deletion = etree.SubElement(root, "DeleteCitation")
    etree.SubElement(deletion, "PMID").text = gone
    path = tmp_path / "with-deletion.xml"
    etree.ElementTree(root).write(str(path), xml_declaration=True, encoding="utf-8")
    ingest(store, "pubmed", path, tmp_path / "a", batch_size=20)
    expected = snapshot(store)
    store.clear()
    first_load(store, path, tmp_path / "b", batch_size=20, resolver_process=resolver_process)
    got = snapshot(store)
    assert diff(expected, got) == []
    assert got == expected
    assert ("Publication", f"pmid:{gone}") not in got["nodes"]
    assert not [k for k in got["nodes"] if k[0] == "Mention" and f":{gone}:" in k[1]]
    assert sum(1 for k in got["nodes"] if k[0] == "Mention") > 300


def test_a_resolver_process_that_dies_fails_the_load_and_writes_nothing(
    store, tmp_path, monkeypatch
):
    submit = ResolverProcess.submit
    sent = []

    def killed_before_the_second_batch(self, mentions):
        sent.append(len(mentions))
        if len(sent) == 2:
            os.kill(self.started.result(timeout=60), signal.SIGKILL)
        return submit(self, mentions)

    monkeypatch.setattr(ResolverProcess, "submit", killed_before_the_second_batch)
    with pytest.raises(IngestError, match="run the first load again"):
        first_load(store, MESH, tmp_path, batch_size=50, resolver_process=True)
    assert len(sent) >= 2
    assert store.node_total() == 0
    monkeypatch.setattr(ResolverProcess, "submit", submit)
    first_load(store, MESH, tmp_path, batch_size=50, resolver_process=True)
    assert store.run("ingest_runs")[0]["status"] == "complete"


def test_the_ingest_command_loads_first_then_refuses(tmp_path):
    data_dir = tmp_path / "kg"
    try:
        done = kolgraph(
            "ingest", "pubmed", str(MESH), "--data-dir", str(data_dir), "--first-load", "--json"
        )
        assert done.returncode == 0, done.stderr
        summary = json.loads(done.stdout)
        assert summary["loaded"] > 100 and summary["rejected"] == 0
        with open_store(Settings(data_dir=data_dir)) as store:
            counts = store.counts()
            assert counts["nodes"]["Publication"] == summary["loaded"]
            assert [r["status"] for r in store.run("ingest_runs")] == ["complete"]
        again = kolgraph(
            "ingest", "pubmed", str(EVERY21), "--data-dir", str(data_dir), "--first-load"
        )
        assert again.returncode != 0
        assert "without --first-load" in again.stderr + again.stdout
        with open_store(Settings(data_dir=data_dir)) as store:
            assert store.counts() == counts
    finally:
        EmbeddedFalkorDB(data_dir).stop()


def test_a_first_load_gives_the_garbage_collector_back_as_it_found_it(store, tmp_path):
    """Full collections wait through the whole load, the last bulk part included, and the
    thresholds and frozen objects are as before once it is written."""
    import gc

    before = gc.get_threshold()
    held: list[tuple[int, int, int]] = []
    session = type(store).bulk_session

    @contextmanager
    def watched(self):
        with session(self) as bulk:
            create = bulk.create

            def create_watched(nodes, relationships=None):
                held.append(gc.get_threshold())
                create(nodes, relationships)

            bulk.create = create_watched
            yield bulk

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(type(store), "bulk_session", watched)
        first_load(store, MESH, tmp_path, batch_size=40, resolver_process=False)
    assert len(held) > 2 and all(t[2] > before[2] for t in held)  # the last part too
    assert gc.get_threshold() == before and gc.get_freeze_count() == 0
