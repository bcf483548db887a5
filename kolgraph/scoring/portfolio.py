"""Portfolio selection: the k KOLs who together reach the most HCPs, or every community.

Coverage of a KOL is its closed one-hop (or two-hop) neighbourhood. Greedy selection of
the set with the largest marginal coverage is within ``1 - 1/e`` of the optimum for this
submodular objective; lazy evaluation (CELF: a stale gain is an upper bound, so only the
top of the heap is ever recomputed) makes it fast. With ``cover_communities`` the gain
is lexicographic: first communities not yet represented, then new HCPs covered, so with
``k >=`` the number of communities every community gets a KOL. Ties go to the candidate
listed first, which keeps selection deterministic.

Examples
--------
>>> import networkx as nx
>>> from kolgraph.scoring.edges import EdgeArrays
>>> g = nx.Graph([(0, 1), (0, 2), (3, 4), (3, 5), (2, 6)])
>>> [p["node"] for p in select_portfolio(EdgeArrays.from_networkx(g), 2)]
['0', '3']
"""

from __future__ import annotations

import heapq
from typing import Any

import numpy as np
import scipy.sparse as sp

from kolgraph.scoring.edges import EdgeArrays

__all__ = ["select_portfolio"]


def _coverage(arrays: EdgeArrays, hops: int) -> sp.csr_matrix:
    adj = arrays.undirected().adjacency().copy()
    adj.data[:] = 1.0
    closed = (adj + sp.identity(adj.shape[0], format="csr")).tocsr()
    if hops >= 2:
        closed = (closed @ closed).tocsr()
    closed.data[:] = 1.0
    return closed


def select_portfolio(
    arrays: EdgeArrays,
    k: int,
    *,
    hops: int = 1,
    membership: np.ndarray | None = None,
    cover_communities: bool = False,
    candidates: np.ndarray | None = None,
) -> list[dict[str, Any]]:
    """Greedy lazy selection of ``k`` KOLs maximising the HCPs they reach.

    Parameters
    ----------
    arrays : EdgeArrays
        The (combined) network; directed ties are read as undirected.
    k : int
        Number of KOLs to pick.
    hops : {1, 2}
        Coverage radius.
    membership : numpy.ndarray, optional
        Community label per node; needed with ``cover_communities``.
    cover_communities : bool
        Give every community a KOL before maximising coverage.
    candidates : numpy.ndarray, optional
        Positions allowed into the portfolio (default: all nodes).

    Returns
    -------
    list of dict
        In pick order: ``node``, ``gain`` (new HCPs covered), ``covered`` (running total),
        ``community``. Stops early once a further pick would add nothing.
    """
    n = arrays.n_nodes
    if n == 0 or k <= 0:
        return []
    cover = _coverage(arrays, hops)
    indptr, indices = cover.indptr, cover.indices
    covered = np.zeros(n, dtype=bool)
    represented: set[int] = set()
    use_comm = cover_communities and membership is not None
    bonus = n + 1

    def gain(v: int) -> int:
        new = int(np.count_nonzero(~covered[indices[indptr[v] : indptr[v + 1]]]))
        if use_comm and int(membership[v]) not in represented:  # type: ignore[index]
            new += bonus
        return new

    pool = range(n) if candidates is None else (int(c) for c in candidates)
    heap = [(-gain(v), v) for v in pool]
    heapq.heapify(heap)
    picked: list[dict[str, Any]] = []
    total = 0
    while heap and len(picked) < k:
        _, v = heapq.heappop(heap)
        fresh = gain(v)
        if heap and (-fresh, v) > heap[0]:
            heapq.heappush(heap, (-fresh, v))
            continue
        if fresh == 0:
            break  # everyone reachable is covered (and every community represented)
        new_nodes = fresh - (bonus if use_comm and int(membership[v]) not in represented else 0)  # type: ignore[index]
        covered[indices[indptr[v] : indptr[v + 1]]] = True
        total += new_nodes
        if membership is not None:
            represented.add(int(membership[v]))
        picked.append(
            {
                "node": arrays.nodes[v],
                "gain": new_nodes,
                "covered": total,
                "community": None if membership is None else int(membership[v]),
            }
        )
    return picked
