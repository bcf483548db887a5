"""GraphStore.bulk_create on both backends: what goes in comes back, with the schema in place."""

from __future__ import annotations

import pytest

from kolgraph.errors import StoreError
from kolgraph.store.falkordb_bulk import _Encoder, bulk_insert, encode_value

NODES = {
    "HCP": {
        "hcp:1": {"name": "Søren Ødegård", "n": 3, "score": 0.25, "ok": True, "keys": ["a", "b"]},
        "hcp:2": {"name": "Ann Lee", "keys": [], "years": [2001, 2002]},
    },
    "Publication": {f"pmid:{i}": {"title": f"Paper {i}", "year": 2000 + i} for i in range(300)},
}
RELS = {
    ("HCP", "AUTHORED", "Publication"): {
        ("hcp:1", f"pmid:{i}"): {"position": i % 5 + 1, "role": "first"} for i in range(300)
    }
    | {("hcp:2", "pmid:7"): {}},
}


def read_back(store):
    nodes = {
        (r["label"], r["id"]): r["props"]
        for r in store.execute(
            "MATCH (n) RETURN labels(n)[0] AS label, n.id AS id, properties(n) AS props", {}
        )
    }
    rels = {
        (r["a"], r["b"]): r["props"]
        for r in store.execute(
            "MATCH (a:HCP)-[r:AUTHORED]->(b:Publication) RETURN a.id AS a, b.id AS b, "
            "properties(r) AS props",
            {},
        )
    }
    return nodes, rels


def assert_holds_everything(nodes, rels):
    """What :func:`read_back` gives is every node and relationship of NODES and RELS."""
    assert nodes == {
        (label, node_id): {"id": node_id, **props}
        for label, table in NODES.items()
        for node_id, props in table.items()
    }
    assert rels == RELS[("HCP", "AUTHORED", "Publication")]


def test_bulk_create_writes_every_node_relationship_and_value(store):
    assert store.bulk_create(NODES, RELS) == (302, 301)
    nodes, rels = read_back(store)
    assert_holds_everything(nodes, rels)
    # the schema is in place: a MERGE on id finds the loaded node, the constraint holds
    store.upsert_nodes("HCP", [{"id": "hcp:2", "props": {"tier": "A"}}])
    assert store.run("node_by_id", {"label": "HCP"}, id="hcp:2")[0]["props"]["tier"] == "A"
    assert store.node_total() == 302


def test_falkordb_bulk_insert_splits_large_loads_into_commands(falkor_store):
    sent = []

    def send(args):
        sent.append(args)
        falkor_store._db.connection.execute_command("GRAPH.BULK", "split_test", *args)

    try:
        created = bulk_insert(send, NODES, RELS, max_bytes=4096)
        assert created == (302, 301)
        assert len(sent) > 3 and sent[0][0] == "BEGIN" and "BEGIN" not in sent[1]
        rows = falkor_store._db.select_graph("split_test").query(
            "MATCH (a:HCP {id: 'hcp:1'})-[r:AUTHORED]->(b) RETURN count(r), min(b.year)"
        )
        assert rows.result_set == [[300, 2000]]
    finally:
        falkor_store._db.connection.execute_command("GRAPH.DELETE", "split_test")


def test_a_bulk_session_in_parts_links_nodes_of_earlier_parts(store):
    """Parts as a first load sends them: publications one by one, the HCPs and every
    relationship last; the store holds what one bulk_create of the whole would write."""
    with store.bulk_session() as bulk:
        for pub_id, props in NODES["Publication"].items():
            bulk.create({"Publication": {pub_id: props}})
        bulk.create({"HCP": NODES["HCP"]}, RELS)
    assert bulk.created == (302, 301)
    nodes, rels = read_back(store)
    assert_holds_everything(nodes, rels)
    store.upsert_nodes("HCP", [{"id": "hcp:2", "props": {"tier": "A"}}])  # MERGE finds it
    assert store.node_total() == 302


def test_a_refused_bulk_command_is_a_store_error_and_the_connection_still_works(falkor_store):
    with pytest.raises(StoreError, match="refused the bulk insert"):
        with falkor_store.bulk_session() as bulk:
            bulk.create({"HCP": NODES["HCP"]})
            # the graph's key exists again before the first command: BEGIN is refused
            falkor_store.upsert_nodes("Institution", [{"id": "inst:1", "props": {}}])
    assert falkor_store.node_total() == 1  # the same connection answers the next query


def test_blocks_larger_than_the_uncopied_size_arrive_whole(falkor_store):
    """Blocks of more than 64 KB go to the socket as pieces of their own."""
    names = {f"hcp:{k}": {"name": f"{k:06d} " + "Ødegård " * 40} for k in range(2000)}
    falkor_store.bulk_create({"HCP": names}, {})
    assert falkor_store.node_total() == 2000
    rows = falkor_store._graph.query("MATCH (h:HCP {id: 'hcp:1999'}) RETURN h.name").result_set
    assert rows == [[names["hcp:1999"]["name"]]]


def test_falkordb_refuses_a_graph_that_holds_nodes(falkor_store):
    falkor_store.upsert_nodes("HCP", [{"id": "hcp:9", "props": {}}])
    with pytest.raises(StoreError, match="only into an empty graph.*holds 1 nodes"):
        falkor_store.bulk_create(NODES, RELS)
    assert falkor_store.node_total() == 1


def test_values_the_format_cannot_carry_are_refused_by_name():
    with pytest.raises(StoreError, match="NUL character"):
        encode_value("a\x00b")
    with pytest.raises(StoreError, match="dict"):
        encode_value({"a": 1})
    with pytest.raises(StoreError, match="names a node that is not being loaded"):
        bulk_insert(
            lambda args: None,
            {"HCP": {}},
            {("HCP", "AUTHORED", "Publication"): {("hcp:1", "pmid:1"): {}}},
        )


def test_rows_encode_as_their_values_do_when_the_kept_strings_start_afresh():
    encoder = _Encoder(limit=3)
    rows = [["run:1", f"name {k}", None, k, 0.5, True, ["a", f"b{k}"], "run:1"] for k in range(10)]
    for row in rows:
        assert encoder.row(row) == b"".join(map(encode_value, row))
    assert len(encoder.strings) <= 3
    with pytest.raises(StoreError, match="NUL"):
        encoder.row(["a\x00b"])
