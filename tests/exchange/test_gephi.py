"""GraphML and GEXF files: Gephi attributes, and NetworkX reads back what was written."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pytest

from kolgraph.exchange import hcp_subgraph, property_graph, write_graph
from kolgraph.store import GraphStore


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_file_reads_back_with_the_same_nodes_and_edges(
    seeded: GraphStore, tmp_path: Path, fmt: str
) -> None:
    graph = property_graph(seeded)
    counts = seeded.counts()
    assert graph.number_of_nodes() == sum(counts["nodes"].values())
    assert graph.number_of_edges() == sum(counts["relationships"].values())
    path = write_graph(graph, tmp_path / f"kol.{fmt}", fmt)  # type: ignore[arg-type]
    back = nx.read_graphml(path, force_multigraph=True) if fmt == "graphml" else nx.read_gexf(path)
    assert back.number_of_nodes() == graph.number_of_nodes()
    assert back.number_of_edges() == graph.number_of_edges()
    ada = back.nodes["npi:1000000001"]
    assert ada["label"] == "Ada Lovelace"
    assert ada["type" if fmt == "graphml" else "type"] == "HCP"
    assert float(ada["influence"]) == 93.5
    assert str(ada["community"]) == "c1"
    assert back.nodes["pmid:31452104"]["publication_types"] == "Journal Article; Review"
    assert back.nodes["eng:crm:1"]["prop_type"] == "visit"


def test_every_node_carries_type_and_label(seeded: GraphStore) -> None:
    graph = property_graph(seeded)
    assert all("type" in d and "label" in d for _, d in graph.nodes(data=True))
    assert {d["rel_type"] for *_, d in graph.edges(data=True)} >= {"AUTHORED", "WITH_HCP"}
    refer = [d for *_, d in graph.edges(data=True) if d["rel_type"] == "REFERS_TO"]
    assert refer[0]["weight"] == 31.0


def test_hcp_subgraph_keeps_filtered_hcps_and_their_neighbours(seeded: GraphStore) -> None:
    graph = property_graph(seeded)
    strategic = hcp_subgraph(graph, tiers=["strategic"])
    hcps = {n for n, d in strategic.nodes(data=True) if d["type"] == "HCP"}
    assert hcps == {"npi:1000000001"}
    assert {"pmid:31452104", "eng:crm:1", "eng:crm:2"} <= set(strategic)
    assert "eng:crm:3" not in strategic
    top = hcp_subgraph(graph, min_influence=40, neighbours=False)
    assert set(top) == {"npi:1000000001", "npi:1000000002"}
    assert top.number_of_edges() == 1  # the referral between them
