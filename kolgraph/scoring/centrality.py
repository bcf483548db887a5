"""Centrality of every HCP: degree, strength, PageRank, eigenvector, betweenness, harmonic.

Each public function takes a NetworkX graph (or :class:`~kolgraph.scoring.edges.EdgeArrays`)
and returns ``{node: value}`` with NetworkX's own definition and scaling, so
``pagerank(G)`` can be read exactly like ``networkx.pagerank(G)``. The work itself runs
in igraph (PageRank, betweenness), scipy (eigenvector, harmonic) or numpy (degree),
which is what makes a million-tie network affordable; tests check that both agree.
The ``*_array`` variants return numpy arrays in node order for the scoring pipeline.

Tie strength is the ``weight`` attribute; path-based metrics (betweenness, harmonic)
use ``1 / weight`` as the length of a tie, so strong ties are short.

Examples
--------
>>> import networkx as nx
>>> g = nx.star_graph(3)
>>> pr = pagerank(g)
>>> max(pr, key=pr.get)
0
>>> round(betweenness(g)[0], 3)
1.0
"""

from __future__ import annotations

import logging
import random
from typing import Any, TypeAlias

import networkx as nx
import numpy as np
import scipy.sparse as sp
from scipy.sparse import csgraph
from scipy.sparse.linalg import ArpackNoConvergence, eigsh

from kolgraph.scoring.edges import EdgeArrays, float_list

ROUNDOFF = 1e-9  # eigenvector entries below this share of the largest are round-off

logger = logging.getLogger(__name__)

__all__ = [
    "betweenness",
    "betweenness_array",
    "component_work",
    "degree_array",
    "eigenvector",
    "eigenvector_array",
    "harmonic",
    "harmonic_array",
    "harmonic_by_component",
    "pagerank",
    "pagerank_array",
    "sample_sources",
    "strength_array",
]

GraphLike: TypeAlias = nx.Graph | EdgeArrays


def _arrays(graph: Any, weight: str | None) -> EdgeArrays:
    if isinstance(graph, EdgeArrays):
        return graph
    arrays = EdgeArrays.from_networkx(graph, weight=weight or "__none__")
    if weight is None:
        arrays.weight[:] = 1.0
    return arrays


def _as_dict(arrays: EdgeArrays, values: np.ndarray) -> dict[Any, float]:
    return dict(zip(arrays.nodes, values.tolist(), strict=True))


def _keyed(graph: Any, arrays: EdgeArrays, values: np.ndarray) -> dict[Any, float]:
    if isinstance(graph, EdgeArrays):
        return _as_dict(arrays, values)
    return dict(zip(graph.nodes, values.tolist(), strict=True))


def degree_array(arrays: EdgeArrays) -> np.ndarray:
    """Number of ties of each node (in + out on directed graphs)."""
    n = arrays.n_nodes
    return (np.bincount(arrays.src, minlength=n) + np.bincount(arrays.dst, minlength=n)).astype(
        np.float64
    )


def strength_array(arrays: EdgeArrays, *, direction: str = "all") -> np.ndarray:
    """Sum of tie weights per node; ``direction`` is ``all``, ``in`` or ``out``."""
    n = arrays.n_nodes
    out = np.bincount(arrays.src, weights=arrays.weight, minlength=n)
    inn = np.bincount(arrays.dst, weights=arrays.weight, minlength=n)
    return {"all": out + inn, "in": inn, "out": out}[direction]


def pagerank_array(arrays: EdgeArrays, *, alpha: float = 0.85) -> np.ndarray:
    """Weighted PageRank in node order (igraph's PRPACK solver; sums to 1)."""
    if arrays.n_nodes == 0:
        return np.zeros(0)
    graph = arrays.igraph()
    values = graph.pagerank(
        weights=float_list(arrays.weight),
        damping=alpha,
        directed=arrays.directed,
        implementation="prpack",
    )
    return np.asarray(values, dtype=np.float64)


def pagerank(
    graph: GraphLike, alpha: float = 0.85, weight: str | None = "weight"
) -> dict[Any, float]:
    """Weighted PageRank, as :func:`networkx.pagerank` defines it.

    Parameters
    ----------
    graph : networkx.Graph or EdgeArrays
        Undirected ties count both ways; directed ones (referrals) flow ``u -> v``.
    alpha : float, default 0.85
        Damping factor.
    weight : str or None, default "weight"
        Edge attribute used as tie strength; None treats all ties alike.

    Returns
    -------
    dict
        Node -> PageRank; the values sum to 1.

    Examples
    --------
    >>> pr = pagerank(nx.DiGraph([("a", "b"), ("c", "b")]))
    >>> max(pr, key=pr.get)
    'b'
    """
    arrays = _arrays(graph, weight)
    return _keyed(graph, arrays, pagerank_array(arrays, alpha=alpha))


def eigenvector_array(arrays: EdgeArrays, *, max_iter: int = 1000, tol: float = 1e-6) -> np.ndarray:
    """Eigenvector centrality (unit Euclidean norm, NetworkX's scaling) in node order.

    Undirected graphs use ARPACK on the symmetric weighted adjacency; directed graphs
    use NetworkX's power iteration over in-ties on ``A + I``, vectorised.
    """
    n = arrays.n_nodes
    if n == 0 or arrays.n_edges == 0:
        return np.full(n, 1.0 / np.sqrt(n)) if n else np.zeros(0)
    matrix = arrays.adjacency()
    if not arrays.directed:
        vector = _principal_symmetric(matrix)
        if vector is not None:
            return vector
    transposed = matrix.T.tocsr()
    x = np.full(n, 1.0 / n)
    for _ in range(max_iter):
        last = x
        x = last + transposed @ last
        norm = np.linalg.norm(x)
        x = x / norm if norm else x
        if np.abs(x - last).sum() < n * tol:
            break
    else:
        logger.warning("eigenvector centrality did not converge in %d iterations", max_iter)
    return x


def _principal_symmetric(matrix: sp.csr_matrix) -> np.ndarray | None:
    n = matrix.shape[0]
    if n < 3:
        values, vectors = np.linalg.eigh(matrix.toarray())
        vector = vectors[:, -1]
    else:
        try:
            values, vectors = eigsh(
                matrix.astype(np.float64, copy=False),
                k=1,
                which="LA",
                v0=np.ones(n),
                maxiter=5000,
                tol=1e-10,
            )
        except ArpackNoConvergence:
            return None
        vector = vectors[:, 0]
    vector = np.abs(vector)
    vector = vector / np.linalg.norm(vector)
    # Outside the leading eigenvector's component the exact value is 0; ARPACK leaves
    # round-off (1e-14..1e-12) there, which a percentile scale would read as a signal.
    vector[vector < ROUNDOFF * vector.max()] = 0.0
    return vector


def eigenvector(graph: GraphLike, weight: str | None = "weight") -> dict[Any, float]:
    """Eigenvector centrality, as :func:`networkx.eigenvector_centrality` defines it.

    Examples
    --------
    >>> ev = eigenvector(nx.path_graph(3))
    >>> round(ev[1], 4), round(ev[0], 4)
    (0.7071, 0.5)
    """
    arrays = _arrays(graph, weight)
    return _keyed(graph, arrays, eigenvector_array(arrays))


def sample_sources(n: int, k: int | None, seed: int) -> list[int] | None:
    """The source positions NetworkX samples for ``k`` (``random.Random(seed).sample``).

    Returns None when every node is a source (exact computation).

    Examples
    --------
    >>> sample_sources(10, None, 0) is None, len(sample_sources(10, 3, 0))
    (True, 3)
    """
    if k is None or k >= n:
        return None
    return random.Random(seed).sample(range(n), k)


def betweenness_array(
    arrays: EdgeArrays,
    *,
    k: int | None = None,
    seed: int = 0,
    normalized: bool = True,
    weighted: bool = True,
) -> np.ndarray:
    """Betweenness in node order: exact, or estimated from ``k`` sampled sources.

    Sources are drawn exactly as :func:`networkx.betweenness_centrality` draws them
    for the same ``seed``, and values are rescaled the same way, so the estimate equals
    NetworkX's for equal inputs.
    """
    n = arrays.n_nodes
    if n < 3 or arrays.n_edges == 0:
        return np.zeros(n)
    graph = arrays.igraph()
    weights = float_list(1.0 / arrays.weight) if weighted else None
    sources = sample_sources(n, k, seed)
    raw = np.asarray(
        graph.betweenness(directed=arrays.directed, weights=weights, sources=sources),
        dtype=np.float64,
    )
    if not arrays.directed:
        raw *= 2.0  # igraph counts each unordered pair once; NetworkX's sum is over ordered pairs
    if sources is None:
        factor = 1.0 / ((n - 1) * (n - 2)) if normalized else (0.5 if not arrays.directed else 1.0)
        return raw * factor
    kk = len(sources)
    correction = 1.0 if arrays.directed else 2.0
    if normalized:
        s_source = 1.0 / ((kk - 1) * (n - 2)) if kk > 1 else 0.0
        s_other = 1.0 / (kk * (n - 2))
    else:
        s_source = (n - 1) / ((kk - 1) * correction) if kk > 1 else 0.0
        s_other = (n - 1) / (kk * correction)
    scale = np.full(n, s_other)
    scale[sources] = s_source
    return raw * scale


def betweenness(
    graph: GraphLike,
    k: int | None = None,
    normalized: bool = True,
    weight: str | None = "weight",
    seed: int = 0,
) -> dict[Any, float]:
    """Betweenness centrality, as :func:`networkx.betweenness_centrality` defines it.

    Parameters
    ----------
    graph : networkx.Graph or EdgeArrays
        The network.
    k : int or None
        Number of sampled sources; None computes it exactly.
    normalized : bool, default True
        Divide by the number of node pairs.
    weight : str or None, default "weight"
        Tie strength; a tie's length is ``1 / weight``. None counts hops.
    seed : int, default 0
        Seed of the source sample.

    Returns
    -------
    dict
        Node -> betweenness.

    Examples
    --------
    >>> round(betweenness(nx.path_graph(3), weight=None)[1], 3)
    1.0
    """
    arrays = _arrays(graph, weight)
    values = betweenness_array(
        arrays, k=k, seed=seed, normalized=normalized, weighted=weight is not None
    )
    return _keyed(graph, arrays, values)


def harmonic_array(
    arrays: EdgeArrays,
    *,
    sources: list[int] | None = None,
    weighted: bool = True,
    chunk: int = 8,
) -> np.ndarray:
    """Harmonic closeness (sum of 1/distance from the other nodes), exact or estimated.

    With ``sources`` the sum runs over those nodes only and is scaled by
    ``(n - 1) / len(sources)``, an unbiased estimate of the full sum.
    """
    n = arrays.n_nodes
    if n < 2 or arrays.n_edges == 0:
        return np.zeros(n)
    ties = arrays.adjacency(symmetric=not arrays.directed)
    # the ties' structure shared, not copied: only the lengths are new
    lengths = sp.csr_matrix(
        (1.0 / ties.data if weighted else np.ones_like(ties.data), ties.indices, ties.indptr),
        shape=ties.shape,
    )
    picked = list(range(n)) if sources is None else list(sources)
    total = np.zeros(n)
    for start in range(0, len(picked), chunk):
        rows = picked[start : start + chunk]
        dist = csgraph.dijkstra(lengths, directed=arrays.directed, indices=rows)
        with np.errstate(divide="ignore"):
            inverse = np.where(np.isfinite(dist) & (dist > 0), 1.0 / dist, 0.0)
        total += inverse.sum(axis=0)
    if sources is not None:
        total *= (n - 1) / len(picked)
    return total


def component_work(arrays: EdgeArrays) -> int:
    """``sum over connected components of n_c x (n_c + m_c)``: the work of an exact
    all-sources shortest-path pass in which every source explores only its component.

    Examples
    --------
    >>> import networkx as nx
    >>> component_work(EdgeArrays.from_networkx(nx.Graph([("a", "b"), ("c", "d"), ("d", "e")])))
    21
    """
    n = arrays.n_nodes
    if n == 0:
        return 0
    _, label = csgraph.connected_components(arrays.adjacency(symmetric=True), directed=False)
    nodes = np.bincount(label, minlength=label.max() + 1)
    ties = np.bincount(label[arrays.src], minlength=len(nodes)) if arrays.n_edges else 0
    return int((nodes * (nodes + ties)).sum())


def harmonic_by_component(arrays: EdgeArrays, *, weighted: bool = True) -> np.ndarray:
    """Exact harmonic closeness of an undirected graph, one connected component at a time.

    Nodes of other components are at infinite distance and add 0, so the result equals
    :func:`harmonic_array` without sources, at a cost of ``sum n_c^2`` instead of ``n^2``:
    a graph of many small components (authors of one paper each) is computed exactly.

    Examples
    --------
    >>> import networkx as nx
    >>> g = nx.Graph([("a", "b", {"weight": 2.0}), ("b", "c"), ("x", "y")])
    >>> arrays = EdgeArrays.from_networkx(g)
    >>> harmonic_by_component(arrays).tolist() == harmonic_array(arrays).tolist()
    True
    """
    n = arrays.n_nodes
    if n < 2 or arrays.n_edges == 0:
        return np.zeros(n)
    lengths = arrays.adjacency(symmetric=True).tocsr().copy()
    lengths.data = 1.0 / lengths.data if weighted else np.ones_like(lengths.data)
    _, label = csgraph.connected_components(lengths, directed=False)
    order = np.argsort(label, kind="stable")
    bounds = np.flatnonzero(np.r_[True, label[order][1:] != label[order][:-1], True])
    total = np.zeros(n)
    for start, stop in zip(bounds[:-1].tolist(), bounds[1:].tolist(), strict=True):
        if stop - start < 2:
            continue
        members = order[start:stop]
        dist = csgraph.dijkstra(lengths[members][:, members], directed=False)
        with np.errstate(divide="ignore"):
            inverse = np.where(np.isfinite(dist) & (dist > 0), 1.0 / dist, 0.0)
        total[members] = inverse.sum(axis=0)
    return total


def harmonic(graph: GraphLike, weight: str | None = "weight") -> dict[Any, float]:
    """Harmonic closeness, as :func:`networkx.harmonic_centrality` with ``distance=1/weight``.

    Examples
    --------
    >>> harmonic(nx.path_graph(3), weight=None)[1]
    2.0
    """
    arrays = _arrays(graph, weight)
    return _keyed(graph, arrays, harmonic_array(arrays, weighted=weight is not None))
