"""Graphs handed to igraph a chunk of ties at a time: the same graph as all at once."""

from __future__ import annotations

import igraph as ig
import numpy as np
import pytest

from kolgraph.scoring.edges import EdgeArrays, igraph_graph
from tests.scoring.conftest import ca_grqc, physicians


@pytest.mark.parametrize("loader", [physicians, ca_grqc], ids=["physicians", "ca-GrQc"])
@pytest.mark.parametrize("chunk", [1, 7, 1000, 1 << 22])
def test_chunks_make_the_graph_all_at_once_makes(loader, chunk):
    arrays = EdgeArrays.from_networkx(loader())
    src, dst = arrays.src.astype(np.int32), arrays.dst.astype(np.int32)
    whole = ig.Graph(n=arrays.n_nodes, edges=np.column_stack([src, dst]), directed=arrays.directed)
    built = igraph_graph(arrays.n_nodes, src, dst, arrays.directed, chunk=chunk)
    assert built.vcount() == whole.vcount() == arrays.n_nodes
    assert built.is_directed() == arrays.directed
    assert built.get_edgelist() == whole.get_edgelist()  # tie i is edge i, in order
    assert all(built.incident(v) == whole.incident(v) for v in range(arrays.n_nodes))
    weights = arrays.weight.tolist()  # igraph's PageRank itself varies in the last bits
    assert np.allclose(built.pagerank(weights=weights), whole.pagerank(weights=weights), rtol=1e-12)


def test_a_network_without_ties_is_its_nodes():
    graph = igraph_graph(3, np.zeros(0, np.int32), np.zeros(0, np.int32), False, chunk=2)
    assert (graph.vcount(), graph.ecount()) == (3, 0)


def test_edge_arrays_cache_the_chunked_graph():
    arrays = EdgeArrays.from_networkx(physicians())
    assert arrays.igraph() is arrays.igraph()
    assert arrays.igraph().ecount() == arrays.n_edges
