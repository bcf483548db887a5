"""Compact edge arrays: the form in which heavy metrics leave NetworkX.

NetworkX is kolgraph's graph model, but a ``networkx.Graph`` costs about 1 kB per
edge and its pure-Python algorithms take minutes on a million ties. Scoring turns a
graph into :class:`EdgeArrays` once (node ids plus integer ``src``/``dst``/``weight``
arrays) and hands those to igraph, NetworKit or scipy. Large generated graphs can start
as arrays and never become NetworkX objects at all.

Examples
--------
>>> import networkx as nx
>>> arrays = EdgeArrays.from_networkx(nx.Graph([("a", "b", {"weight": 2.0}), ("b", "c")]))
>>> arrays.n_nodes, arrays.n_edges, arrays.weight.tolist()
(3, 2, [2.0, 1.0])
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import igraph as ig
import networkx as nx
import numpy as np
import scipy.sparse as sp

__all__ = ["EdgeArrays", "float_list", "igraph_graph"]


def float_list(values: np.ndarray) -> list[float]:
    """``values.tolist()`` with one float object per distinct value, shared by its copies.

    igraph takes edge weights only as a Python list. ``tolist()`` makes a 24-byte float
    object per tie on top of the list's 8-byte reference (10M ties: 320 MB); tie weights
    repeat (counts, Newman fractions), so sharing them leaves mostly the references.

    >>> weights = float_list(np.array([0.5, 2.0, 0.5]))
    >>> weights, weights[0] is weights[2]
    ([0.5, 2.0, 0.5], True)
    """
    values = np.asarray(values, dtype=np.float64).reshape(-1)
    ordered = np.sort(values)
    distinct = ordered[np.r_[True, ordered[1:] != ordered[:-1]]] if len(ordered) else ordered
    del ordered
    shared = np.empty(len(distinct), dtype=object)
    shared[:] = distinct.tolist()
    out: list[float] = []
    for start in range(0, len(values), _CHUNK):  # the list is the only large thing made
        chunk = values[start : start + _CHUNK]
        out.extend(shared[np.searchsorted(distinct, chunk)].tolist())
    return out


_CHUNK = 1 << 20


def igraph_graph(
    n: int, src: np.ndarray, dst: np.ndarray, directed: bool, *, chunk: int = 1 << 22
) -> ig.Graph:
    """The igraph graph of ``n`` nodes and the ties ``src[i] - dst[i]``, tie ``i`` being
    edge ``i``, handed over ``chunk`` ties at a time.

    python-igraph copies a NumPy edge list through intermediate objects: 1.5 GB more
    than the graph while 10M ties go in at once, about 0.25 GB in chunks of 4M, in the
    same time (each chunk after the first re-indexes the edges so far).

    >>> graph = igraph_graph(4, np.array([0, 1, 2]), np.array([1, 2, 3]), True, chunk=2)
    >>> graph.get_edgelist()
    [(0, 1), (1, 2), (2, 3)]
    """
    graph = ig.Graph(n=n, directed=directed)
    for start in range(0, len(src), chunk):
        stop = start + chunk
        graph.add_edges(np.column_stack([src[start:stop], dst[start:stop]]))
    return graph


@dataclass(frozen=True)
class EdgeArrays:
    """A weighted graph as node ids and parallel edge arrays.

    Parameters
    ----------
    nodes : sequence of str
        Node ids; position ``i`` is node ``i`` in ``src``/``dst``.
    src, dst : numpy.ndarray
        Integer endpoints of each edge (one row per undirected edge).
    weight : numpy.ndarray
        Positive tie strength of each edge.
    directed : bool
        Whether ``src -> dst`` has a direction (referrals) or not (co-authorship).
    """

    nodes: Sequence[str]
    src: np.ndarray
    dst: np.ndarray
    weight: np.ndarray
    directed: bool = False
    _cache: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def n_nodes(self) -> int:
        """Number of nodes, isolated ones included."""
        return len(self.nodes)

    @property
    def n_edges(self) -> int:
        """Number of edges."""
        return int(self.src.shape[0])

    @classmethod
    def from_networkx(cls, graph: nx.Graph[Any], weight: str = "weight") -> EdgeArrays:
        """Arrays of ``graph`` in its node order; a missing weight counts as 1.

        Examples
        --------
        >>> EdgeArrays.from_networkx(nx.DiGraph([(1, 2)])).directed
        True
        """
        nodes = [str(n) for n in graph.nodes]
        index = {n: i for i, n in enumerate(graph.nodes)}
        m = graph.number_of_edges()
        src = np.empty(m, dtype=np.int64)
        dst = np.empty(m, dtype=np.int64)
        w = np.empty(m, dtype=np.float64)
        for i, (u, v, d) in enumerate(graph.edges(data=weight, default=1.0)):
            src[i], dst[i], w[i] = index[u], index[v], d
        return cls(nodes, src, dst, w, graph.is_directed())

    @classmethod
    def from_arrays(
        cls,
        nodes: Sequence[str],
        src: np.ndarray,
        dst: np.ndarray,
        weight: np.ndarray | None = None,
        *,
        directed: bool = False,
    ) -> EdgeArrays:
        """Arrays from endpoint indices; ``weight`` defaults to all ones."""
        src = np.asarray(src, dtype=np.int64)
        dst = np.asarray(dst, dtype=np.int64)
        w = np.ones(src.shape[0]) if weight is None else np.asarray(weight, dtype=np.float64)
        return cls(list(nodes), src, dst, w, directed)

    def to_networkx(self) -> nx.Graph[str]:
        """The same graph as a NetworkX (Di)Graph with a ``weight`` attribute."""
        graph: nx.Graph[str] = nx.DiGraph() if self.directed else nx.Graph()
        graph.add_nodes_from(self.nodes)
        names = self.nodes
        graph.add_weighted_edges_from(
            (names[u], names[v], float(w))
            for u, v, w in zip(
                self.src.tolist(), self.dst.tolist(), self.weight.tolist(), strict=True
            )
        )
        return graph

    def igraph(self) -> ig.Graph:
        """An igraph Graph (cached) of the ties, without edge attributes.

        Pass ``float_list(self.weight)`` (or of the distances ``1 / self.weight``) to a
        method that needs them: igraph keeps edge attributes as a Python float per edge
        for the graph's lifetime, 32 bytes a tie each (640 MB for two of them at 10M
        ties), and takes weights only as a list.
        """
        if "igraph" not in self._cache:
            self._cache["igraph"] = igraph_graph(self.n_nodes, self.src, self.dst, self.directed)
        return self._cache["igraph"]

    def release(self) -> None:
        """Drop the cached igraph graph and sparse matrices (they are rebuilt when asked)."""
        index = self._cache.get("index")
        self._cache.clear()
        if index is not None:
            self._cache["index"] = index

    def adjacency(self, *, symmetric: bool | None = None) -> sp.csr_matrix:
        """Weighted adjacency (row = source); undirected graphs are symmetrised."""
        symmetric = (not self.directed) if symmetric is None else symmetric
        key = f"adjacency:{symmetric}"
        if key not in self._cache:
            n, m = self.n_nodes, self.n_edges
            # 32-bit ends while building, as the matrix keeps them (10M ties: 0.3 GB less)
            small = max(n, 2 * m) < np.iinfo(np.int32).max
            ends = np.int32 if small else np.int64
            if symmetric:
                rows, cols = np.empty(2 * m, dtype=ends), np.empty(2 * m, dtype=ends)
                rows[:m], rows[m:], cols[:m], cols[m:] = self.src, self.dst, self.dst, self.src
                data = np.concatenate([self.weight, self.weight])
            else:
                rows, cols = self.src.astype(ends), self.dst.astype(ends)
                data = self.weight
            matrix = sp.csr_matrix((data, (rows, cols)), shape=(n, n))
            matrix.sum_duplicates()
            self._cache[key] = matrix
        return self._cache[key]

    def undirected(self) -> EdgeArrays:
        """The undirected view: reciprocal ties merged, their weights added."""
        if not self.directed:
            return self
        lo = np.minimum(self.src, self.dst)
        hi = np.maximum(self.src, self.dst)
        keep = lo != hi
        n = self.n_nodes
        matrix = sp.coo_matrix((self.weight[keep], (lo[keep], hi[keep])), shape=(n, n)).tocsr()
        matrix.sum_duplicates()
        coo = matrix.tocoo()
        return EdgeArrays(
            self.nodes,
            coo.row.astype(np.int64),
            coo.col.astype(np.int64),
            coo.data.astype(np.float64),
            False,
        )

    def index(self) -> dict[str, int]:
        """Node id -> position (cached)."""
        if "index" not in self._cache:
            self._cache["index"] = {n: i for i, n in enumerate(self.nodes)}
        return self._cache["index"]
