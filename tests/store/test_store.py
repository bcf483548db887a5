"""The graph store on a real embedded FalkorDB (and Neo4j when configured)."""

from __future__ import annotations

import math
import os
import signal
import subprocess
import time

import numpy as np
import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as examples
from hypothesis import strategies as st

from kolgraph import schema
from kolgraph.config import Settings
from kolgraph.errors import StatementNotFound, StoreError, StoreUnavailable, UnknownIdentifier
from kolgraph.store import EmbeddedFalkorDB, GraphStore, open_store
from kolgraph.store.embedded import _alive
from kolgraph.store.falkordb import FalkorDBStore, params_header


def _node_rows(label: str, n: int = 3) -> list[dict]:
    return [
        {
            "id": f"{label.lower()}:{i}",
            "props": {"name": f"{label} {i}", "rank": i, "source": "test", "tags": ["a", "b"]},
        }
        for i in range(n)
    ]


def test_every_label_and_relationship_type_round_trips(store: GraphStore) -> None:
    for label in schema.NODE_LABELS:
        assert store.upsert_nodes(label, _node_rows(label)) == 3
    for rel in schema.REL_TYPES.values():
        start, end = rel.start[0], rel.end[0]
        rows = [
            {
                "start": f"{start.lower()}:0",
                "end": f"{end.lower()}:1",
                "props": {"weight": 2.5, "source": "test"},
            }
        ]
        assert store.upsert_relationships(start, rel.name, end, rows) == 1
    counts = store.counts()
    assert counts["nodes"] == dict.fromkeys(schema.NODE_LABELS, 3)
    assert counts["relationships"] == dict.fromkeys(schema.REL_TYPES, 1)
    [hcp] = store.run("node_by_id", {"label": "HCP"}, id="hcp:2")
    assert hcp["props"] == {
        "id": "hcp:2",
        "name": "HCP 2",
        "rank": 2,
        "source": "test",
        "tags": ["a", "b"],
    }
    [tie] = store.run("relationships_of_type", {"start": "HCP", "type": "REFERS_TO", "end": "HCP"})
    assert (tie["start"], tie["end"], tie["props"]["weight"]) == ("hcp:0", "hcp:1", 2.5)


def test_counts_agree_with_a_full_scan_and_drop_emptied_labels(store: GraphStore) -> None:
    store.upsert_nodes("HCP", _node_rows("HCP", 4))
    store.upsert_nodes("Publication", _node_rows("Publication", 2))
    rows = [{"start": "hcp:0", "end": f"publication:{i}", "props": {}} for i in range(2)]
    store.upsert_relationships("HCP", "AUTHORED", "Publication", rows)
    scanned = {r["label"]: r["n"] for r in store.run("count_nodes")}
    scanned_types = {r["type"]: r["n"] for r in store.run("count_relationships")}
    assert store.counts() == {"nodes": scanned, "relationships": scanned_types}
    assert scanned == {"HCP": 4, "Publication": 2} and scanned_types == {"AUTHORED": 2}
    store.execute("MATCH (p:Publication) DETACH DELETE p", {}, read=False)
    assert store.counts() == {"nodes": {"HCP": 4}, "relationships": {}}


def test_writing_the_same_batch_twice_changes_no_counts(store: GraphStore) -> None:
    hcps = [
        {"id": f"npi:{1000000000 + i}", "props": {"npi": str(1000000000 + i)}} for i in range(250)
    ]
    ties = [
        {"start": hcps[i]["id"], "end": hcps[i + 1]["id"], "props": {"pair_count": i}}
        for i in range(249)
    ]
    for _ in range(2):
        store.upsert_nodes("HCP", hcps)
        store.upsert_relationships("HCP", "REFERS_TO", "HCP", ties)
        assert store.counts() == {"nodes": {"HCP": 250}, "relationships": {"REFERS_TO": 249}}


def test_properties_merge_rather_than_replace(store: GraphStore) -> None:
    store.upsert_nodes("HCP", [{"id": "npi:1", "props": {"npi": "1", "name": "A. Nguyen"}}])
    store.upsert_nodes("HCP", [{"id": "npi:1", "props": {"orcid": "0000-0002-1825-0097"}}])
    [row] = store.run("node_by_id", {"label": "HCP"}, id="npi:1")
    assert row["props"]["name"] == "A. Nguyen" and row["props"]["orcid"].endswith("0097")


def test_values_are_parameters_not_cypher(store: GraphStore) -> None:
    evil = "x'}) MATCH (n) DETACH DELETE n //"
    store.upsert_nodes("HCP", [{"id": "npi:2", "props": {"name": evil}}])
    store.upsert_nodes("HCP", [{"id": evil, "props": {}}])
    assert store.counts()["nodes"]["HCP"] == 2
    assert store.run("node_by_id", {"label": "HCP"}, id="npi:2")[0]["props"]["name"] == evil


def test_labels_outside_the_allow_list_are_refused(store: GraphStore) -> None:
    with pytest.raises(UnknownIdentifier, match="allowed: "):
        store.upsert_nodes("HCP {id: 1}) DETACH DELETE (x", [{"id": "a", "props": {}}])
    with pytest.raises(UnknownIdentifier, match="unknown relationship type"):
        store.upsert_relationships("HCP", "KNOWS", "HCP", [])


def test_a_cypher_parameter_may_be_named_template(store: GraphStore) -> None:
    store.upsert_nodes("HCP", [{"id": "npi:1", "props": {}}])
    [row] = store.run("node_by_id", {"label": "HCP"}, id="npi:1", template="a parameter")
    assert row["props"]["id"] == "npi:1"


def test_unknown_statement_lists_the_known_ones(store: GraphStore) -> None:
    with pytest.raises(StatementNotFound, match="upsert_nodes"):
        store.run("no_such_statement")


def test_writes_are_batched(falkor_store: FalkorDBStore) -> None:
    falkor_store.batch_size = 100
    statements: list[str] = []
    falkor_store.observe(lambda text, params, seconds: statements.append(text))
    sent = falkor_store.upsert_nodes(
        "Topic", ({"id": f"mesh:{i}", "props": {}} for i in range(1050))
    )
    assert sent == 1050
    assert len(statements) == 11  # ten batches of 100 and one of 50
    assert all("UNWIND $rows" in text for text in statements)
    assert falkor_store.run("count_label", {"label": "Topic"})[0]["n"] == 1050


def test_schema_is_idempotent_and_enforces_unique_ids(falkor_store: FalkorDBStore) -> None:
    falkor_store.apply_schema()
    indexes = falkor_store._existing_indexes()
    assert ("HCP", "id") in indexes and ("HCP", "npi") in indexes
    assert ("Engagement", "crm_id") in indexes
    falkor_store.execute("CREATE (:HCP {id: 'npi:1'})", {})
    with pytest.raises(StoreError):
        falkor_store.execute("CREATE (:HCP {id: 'npi:1'})", {})
    assert falkor_store.run("count_label", {"label": "HCP"})[0]["n"] == 1


def test_restart_keeps_the_data(settings: Settings) -> None:
    store = open_store(settings)
    try:
        store.apply_schema()
        store.upsert_nodes("HCP", [{"id": "npi:1234567893", "props": {"name": "Ngô Bảo Châu"}}])
        assert isinstance(store, FalkorDBStore)
        assert store.server.stop()
        assert not store.server.is_running()
    finally:
        store.close()
    again = open_store(settings)
    try:
        [row] = again.run("node_by_id", {"label": "HCP"}, id="npi:1234567893")
        assert row["props"]["name"] == "Ngô Bảo Châu"
    finally:
        again.close()
        EmbeddedFalkorDB(settings.data_dir).stop()


def test_a_running_server_is_reused(settings: Settings) -> None:
    first = EmbeddedFalkorDB(settings.data_dir).start()
    second = EmbeddedFalkorDB(settings.data_dir).start()
    try:
        assert first.started_here and not second.started_here
        assert first.pid() == second.pid()
    finally:
        first.stop()


def test_a_stale_pid_file_never_signals_the_process_that_reused_the_pid(tmp_path) -> None:
    bystander = subprocess.Popen(["sleep", "60"])
    try:
        server = EmbeddedFalkorDB(tmp_path / "kg")
        server.data_dir.mkdir()
        server.pid_file.write_text(f"{bystander.pid}\n")  # left by a crashed server
        assert server.pid() is None
        assert server.stop(timeout=1) is False
        assert bystander.poll() is None and not server.pid_file.exists()
    finally:
        bystander.kill()
        bystander.wait()


def test_leaving_a_reused_server_keeps_it_running(settings: Settings) -> None:
    first = EmbeddedFalkorDB(settings.data_dir).start()
    try:
        with EmbeddedFalkorDB(settings.data_dir) as second:
            assert not second.started_here and second.pid() == first.pid() is not None
        assert first.is_running()
        with EmbeddedFalkorDB(settings.data_dir / "own") as own:
            assert own.started_here
        assert not own.is_running()
    finally:
        first.stop()


def test_a_killed_server_is_restarted_with_its_data(tmp_path) -> None:
    settings = Settings(data_dir=tmp_path / "kg", appendfsync="always")
    store = open_store(settings)
    assert isinstance(store, FalkorDBStore)
    try:
        store.upsert_nodes("HCP", [{"id": f"npi:{i}", "props": {}} for i in range(500)])
        pid = store.server.pid()
        assert pid is not None
        os.kill(pid, signal.SIGKILL)
        deadline = time.monotonic() + 10
        while store.server.is_running() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert store.run("count_label", {"label": "HCP"})[0]["n"] == 500
        assert store.server.pid() not in (None, pid)
    finally:
        store.close()
        store.server.stop()


def test_a_server_that_cannot_come_back_is_reported(tmp_path) -> None:
    data_dir = tmp_path / "kg"
    store = open_store(Settings(data_dir=data_dir))
    assert isinstance(store, FalkorDBStore)
    pid = store.server.pid()
    assert pid is not None
    os.kill(pid, signal.SIGKILL)
    time.sleep(0.3)
    for path in sorted(data_dir.rglob("*"), reverse=True):
        path.unlink() if path.is_file() or path.is_socket() else path.rmdir()
    data_dir.rmdir()
    data_dir.write_text("not a directory")
    with pytest.raises(StoreUnavailable, match="--data-dir or KOLGRAPH_DATA_DIR"):
        store.run("ping")
    store.close()


def test_neo4j_unreachable_is_a_clear_error() -> None:
    settings = Settings(backend="neo4j", neo4j_uri="neo4j://127.0.0.1:1")
    with pytest.raises(StoreUnavailable, match="KOLGRAPH_NEO4J_URI"):
        open_store(settings)


def test_neo4j_without_uri_is_a_configuration_error() -> None:
    with pytest.raises(ValueError, match="KOLGRAPH_NEO4J_URI is not set"):
        Settings(backend="neo4j")


_TRICKY = st.text(alphabet=st.sampled_from(list("ab_é\"\\:,{}[]` '\n\t€王")), max_size=8)
_KEYS = st.one_of(  # FalkorDB has no map keys that are empty or hold a backtick
    st.from_regex(r"[a-z_][a-z0-9_]{0,6}", fullmatch=True),
    st.text(alphabet=st.sampled_from(list("ab_é\"\\:,{}[] '\n€王")), min_size=1, max_size=8),
)
_VALUES = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-(10**9), 10**9), _TRICKY),
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(_KEYS, inner, max_size=4)),
    max_leaves=12,
)


@examples(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(value=_VALUES)
def test_parameters_reach_the_server_unchanged(falkor_store: FalkorDBStore, value) -> None:
    """Whatever the values and map keys (quotes, colons, braces, backslashes, keys that
    are no identifiers), a parameter read back from the server equals what was sent:
    the fast header when it applies, the client's encoder otherwise."""
    header = params_header({"x": value})
    assert header is None or header.startswith("CYPHER x=")
    [row] = falkor_store.execute("RETURN $x AS x", {"x": value})
    assert row["x"] == value


@examples(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(value=st.floats(allow_nan=False, allow_infinity=False, allow_subnormal=False))
def test_float_parameters_reach_the_server_to_the_last_bit(
    falkor_store: FalkorDBStore, value: float
) -> None:
    """The header writes floats in their shortest form (``1e-6``, ``1e16``); the server
    parses the very same double as from Python's own repr written into the statement.
    (FalkorDB refuses subnormal literals, written either way, as a float overflow.)"""
    assert params_header({"x": value}) is not None
    [row] = falkor_store.execute(f"RETURN $x = {value!r} AS same", {"x": value})
    assert row["same"] is True


def test_nan_and_numpy_parameters(falkor_store: FalkorDBStore) -> None:
    """NumPy numbers are sent as plain numbers; NaN and infinities as null (the store
    keeps no NaN)."""
    values = {"n": np.int64(5), "f": np.float64(0.5), "a": np.array([1, 2]), "nan": math.nan}
    assert params_header(values) == "CYPHER n=5 f=0.5 a=[1,2] nan=null "
    [row] = falkor_store.execute("RETURN $n AS n, $f AS f, $a AS a, $nan AS nan", values)
    assert row == {"n": 5, "f": 0.5, "a": [1, 2], "nan": None}


def test_a_new_server_proves_its_graph_module_and_leaves_no_trace(tmp_path) -> None:
    server = EmbeddedFalkorDB(tmp_path / "kg")
    with server:
        assert server.started_here
        conn = server.client()
        assert conn.execute_command("GRAPH.LIST") == []  # the probe graph was dropped
        conn.close()


def test_a_server_whose_graph_module_hangs_is_started_again(tmp_path, monkeypatch) -> None:
    """A server that answers PING but not graph statements (FalkorDB 4.16 can start with
    its registry of graphs locked) is killed and started once more."""
    probe = EmbeddedFalkorDB._graphs_answer
    pids: list[int | None] = []

    def hangs_the_first_time(self: EmbeddedFalkorDB) -> bool:
        pids.append(self.pid())
        return len(pids) > 1 and probe(self)

    monkeypatch.setattr(EmbeddedFalkorDB, "_graphs_answer", hangs_the_first_time)
    settings = Settings(data_dir=tmp_path / "kg")
    with open_store(settings) as store:
        assert isinstance(store, FalkorDBStore)
        try:
            store.upsert_nodes("HCP", [{"id": "npi:1", "props": {}}])
            assert store.node_total() == 1
            assert len(pids) == 2 and None not in pids and pids[0] != pids[1]
            assert pids[0] is not None and not _alive(pids[0])  # the first server was killed
            assert store.server.pid() == pids[1]
        finally:
            store.server.stop()


def test_a_server_whose_graph_module_never_answers_is_reported(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(EmbeddedFalkorDB, "_graphs_answer", lambda self: False)
    server = EmbeddedFalkorDB(tmp_path / "kg")
    with pytest.raises(StoreUnavailable, match="graph module does not answer.*falkordb.log"):
        server.start()
    assert not server.is_running()
