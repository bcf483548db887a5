"""Communities: seeded, stable, and as modular as NetworkX's Louvain."""

from __future__ import annotations

import networkx as nx
import pytest

from kolgraph.errors import ScoringError
from kolgraph.scoring import communities
from kolgraph.scoring.edges import EdgeArrays
from kolgraph.scoring.roles import participation_and_z, role_names
from tests.scoring.conftest import ca_grqc, physicians


def test_two_triangles_split_at_the_bridge():
    g = nx.Graph([(0, 1), (1, 2), (0, 2), (3, 4), (4, 5), (3, 5), (2, 3)])
    for method in ("leiden", "louvain", "label_propagation"):
        found = communities.communities(g, method=method, seed=0)
        assert sorted(sorted(c) for c in found) == [[0, 1, 2], [3, 4, 5]]


def test_modularity_matches_networkx():
    g = nx.karate_club_graph()
    parts = communities.communities(g, seed=0)
    assert communities.modularity(g, parts) == pytest.approx(nx.community.modularity(g, parts))


def test_same_seed_same_partition():
    g = ca_grqc()
    a = communities.communities(g, seed=5)
    b = communities.communities(g, seed=5)
    assert a == b


@pytest.mark.parametrize(
    "loader", [physicians, ca_grqc, nx.karate_club_graph], ids=["physicians", "ca-GrQc", "karate"]
)
@pytest.mark.parametrize("method", ["leiden", "louvain"])
def test_modularity_within_one_percent_of_networkx_louvain(loader, method):
    graph = loader()
    undirected = nx.Graph(graph.to_undirected()) if graph.is_directed() else graph
    ref = nx.community.modularity(undirected, nx.community.louvain_communities(undirected, seed=0))
    ours = communities.modularity(
        undirected, communities.communities(undirected, method=method, seed=0)
    )
    assert ours >= ref * 0.99


def test_unknown_method_says_what_to_use():
    with pytest.raises(ScoringError, match="leiden, louvain, label_propagation"):
        communities.communities(nx.path_graph(3), method="girvan")


def test_participation_and_role_hand_computed():
    # hub 0 with 4 ties in its own community and 4 to another community
    g = nx.Graph([(0, i) for i in range(1, 9)])
    arrays = EdgeArrays.from_networkx(g)
    membership = __import__("numpy").array([0, 0, 0, 0, 0, 1, 1, 1, 1])
    p, _ = participation_and_z(arrays, membership)
    assert p[0] == pytest.approx(0.5)
    assert p[1] == 0.0
    assert role_names(p[:1], __import__("numpy").array([3.0])) == ["connector_hub"]


@pytest.mark.parametrize("loader", [physicians, ca_grqc], ids=["physicians", "ca-GrQc"])
def test_participation_and_z_recounted_tie_by_tie(loader):
    import numpy as np

    graph = loader()
    undirected = nx.Graph(graph.to_undirected()) if graph.is_directed() else graph
    arrays = EdgeArrays.from_networkx(undirected)
    membership = communities.membership_array(arrays, method="leiden", seed=0, resolution=1.0)
    position = {node: i for i, node in enumerate(arrays.nodes)}
    into: list[dict[int, float]] = [{} for _ in arrays.nodes]
    for u, v, data in undirected.edges(data=True):
        w = float(data.get("weight", 1.0))
        iu, iv = position[u], position[v]
        into[iu][membership[iv]] = into[iu].get(membership[iv], 0.0) + w
        into[iv][membership[iu]] = into[iv].get(membership[iu], 0.0) + w
    k = np.array([sum(d.values()) for d in into])
    expected_p = np.array(
        [
            1.0 - sum((s / ki) ** 2 for s in d.values()) if ki > 0 else 0.0
            for d, ki in zip(into, k, strict=True)
        ]
    )
    inside = np.array([d.get(membership[i], 0.0) for i, d in enumerate(into)])
    expected_z = np.zeros(len(inside))
    for c in set(membership.tolist()):
        members = membership == c
        spread = inside[members].std()
        if spread > 1e-12:
            expected_z[members] = (inside[members] - inside[members].mean()) / spread
    p, z = participation_and_z(arrays, membership)
    assert np.allclose(p, np.clip(expected_p, 0.0, 1.0), atol=1e-12)
    assert np.allclose(z, expected_z, atol=1e-9)
    assert (p > 0).any() and (np.abs(z) > 0).any()
