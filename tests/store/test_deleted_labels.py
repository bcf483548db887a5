"""A deleted node stays deleted for its label's scans when a node of another label takes
its id. FalkorDB reuses the ids of deleted nodes and, after large writes had been written
out of its pending matrix changes, could keep the old label's entry for the new node: a
deleted score run was listed again as the audit event written after its deletion."""

from __future__ import annotations

import pytest

from kolgraph.exchange.snapshot import iter_nodes
from kolgraph.krm import audit
from kolgraph.krm.access import Viewer
from kolgraph.store import GraphStore

LARGE = 30_000  # Score nodes per run: more than FalkorDB's 10,000 pending matrix changes


def _ids(store: GraphStore, label: str) -> list[str]:
    rows = store.execute(f"MATCH (n:{label}) RETURN n.id AS id ORDER BY id", {}, read=True)
    return [row["id"] for row in rows]


def _two_runs(store: GraphStore) -> None:
    """Five HCPs; run:old and run:new with LARGE Score nodes each."""
    store.upsert_nodes("HCP", [{"id": f"hcp:{i}", "props": {}} for i in range(5)])
    for run in ("run:old", "run:new"):
        store.upsert_nodes("ScoreRun", [{"id": run, "props": {"created_at": run}}])
        store.execute(
            "MATCH (r:ScoreRun {id: $run}) UNWIND range(1, $n) AS i "
            "CREATE (:Score {id: $run + ':' + toString(i)})-[:IN_RUN]->(r)",
            {"run": run, "n": LARGE},
        )


def _delete_scores(store: GraphStore, run: str) -> None:
    while store.run("scoring_delete_run_scores", run=run, limit=25_000)[0]["n"] == 25_000:
        pass


def _audit_event(store: GraphStore) -> None:
    """One audit event: FalkorDB gives it the id freed last."""
    viewer = Viewer("ops", "admin", "medical_affairs")
    audit.append_events(store, [audit.audit_event(viewer, "test.event", None)])


def test_a_deleted_run_is_not_scanned_as_a_run_again(store: GraphStore) -> None:
    _two_runs(store)
    _delete_scores(store, "run:old")
    store.run("scoring_delete_run", run="run:old")
    _audit_event(store)
    assert _ids(store, "ScoreRun") == ["run:new"]
    assert len(_ids(store, "Score")) == LARGE
    assert len(_ids(store, "AuditEvent")) == 1


def test_a_deleted_hcp_is_not_scanned_as_an_hcp_again(store: GraphStore) -> None:
    _two_runs(store)
    _delete_scores(store, "run:old")
    store.write("delete_nodes", [{"id": "hcp:3"}], {"label": "HCP"})
    _audit_event(store)
    assert _ids(store, "HCP") == ["hcp:0", "hcp:1", "hcp:2", "hcp:4"]
    assert len(_ids(store, "AuditEvent")) == 1


@pytest.mark.parametrize("limit", [25_000, LARGE - 1, 1_000], ids=["two", "one-left", "many"])
def test_scores_deleted_in_bulk_are_never_read_as_scores(store: GraphStore, limit: int) -> None:
    """Score nodes are deleted without removing their label first (far faster); nodes of
    other labels taking their ids are still never read as scores."""
    _two_runs(store)
    while store.run("scoring_delete_run_scores", run="run:old", limit=limit)[0]["n"] == limit:
        pass
    for _ in range(3):  # each takes an id freed by the deletes
        _audit_event(store)
    assert len(_ids(store, "AuditEvent")) == 3
    run = store.run("scoring_run_scores", run_id="run:new")
    assert len(run) == LARGE and all(r["props"]["id"].startswith("run:new:") for r in run)
    assert store.run("scoring_run_scores", run_id="run:old") == []
    history = store.run("scoring_history")
    assert sorted(r["run_id"] for r in history) == ["run:new"] * LARGE
    exported = list(iter_nodes(store, "Score"))
    assert len(exported) == LARGE and all(n["id"].startswith("run:new:") for n in exported)
    assert len(list(iter_nodes(store, "AuditEvent"))) == 3
