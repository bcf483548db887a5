"""Ego networks and communities, shaped as nodes and edges for a visualisation."""

from __future__ import annotations

import networkx as nx

from kolgraph.errors import InvalidRequest, UnknownObject
from kolgraph.krm.access import Permission, Viewer
from kolgraph.krm.profiles import hcp_node
from kolgraph.krm.results.base import Open
from kolgraph.krm.results.network import Community, Network
from kolgraph.store import GraphStore

# layer -> statements returning (source, target, weight) for a list of seed ids
LAYERS: dict[str, tuple[str, ...]] = {
    "coauthor": ("ego_coauthor_edges",),
    "referral": ("ego_referral_edges", "ego_referral_in_edges"),
    "congress": ("ego_congress_edges",),
    "trial": ("ego_trial_edges",),
}
DIRECTED = {"referral"}
MAX_NODES = 500
LAYOUT_SEED = 7


def layout_positions(
    nodes: list[str], edges: list[tuple[str, str]], *, center: str, seed: int = LAYOUT_SEED
) -> dict[str, tuple[float, float]]:
    """Spring-layout coordinates in [-1, 1] with ``center`` at the origin; same input, same picture.

    Examples
    --------
    >>> pos = layout_positions(["a", "b", "c"], [("a", "b"), ("a", "c")], center="a")
    >>> pos["a"], all(-1.0 <= v <= 1.0 for xy in pos.values() for v in xy)
    ((0.0, 0.0), True)
    """
    graph: nx.Graph[str] = nx.Graph()
    graph.add_nodes_from(nodes)
    graph.add_edges_from(edges)
    raw = nx.spring_layout(graph, seed=seed, weight=None) if len(nodes) > 1 else {}
    cx, cy = raw.get(center, (0.0, 0.0))
    shifted = {
        n: (float(raw[n][0] - cx), float(raw[n][1] - cy)) if n in raw else (0.0, 0.0) for n in nodes
    }
    span = max((max(abs(x), abs(y)) for x, y in shifted.values()), default=0.0) or 1.0
    return {
        n: (round(x / span, 4) + 0.0, round(y / span, 4) + 0.0) for n, (x, y) in shifted.items()
    }


def _key(layer: str, source: str, target: str) -> tuple[str, str, str]:
    if layer in DIRECTED:
        return layer, source, target
    return (layer, *sorted((source, target)))  # type: ignore[return-value]


def ego_network(
    store: GraphStore,
    viewer: Viewer,
    hcp_id: str,
    *,
    hops: int = 1,
    layers: list[str] | None = None,
    max_nodes: int = 200,
) -> Network:
    """The HCP's neighbours within ``hops`` (1 or 2) on the chosen layers.

    Returns
    -------
    Network
        ``nodes`` (with ``hop``: 0 for the centre) and ``edges`` (``source``, ``target``,
        ``layer``, ``weight``; co-authorship, congress and trial ties are undirected and
        listed once), plus ``truncated`` when ``max_nodes`` cut the network. Each node
        has ``x``/``y`` in [-1, 1] from a seeded spring layout, the centre at (0, 0).

    Raises
    ------
    UnknownHcp
        If the centre does not exist.
    InvalidRequest
        If ``hops`` is not 1 or 2, or a layer is unknown.
    """
    viewer.require(Permission.READ_HCPS)
    if hops not in (1, 2):
        raise InvalidRequest("hops must be 1 or 2", "hops")
    layers = layers or list(LAYERS)
    for layer in layers:
        if layer not in LAYERS:
            raise InvalidRequest(f"unknown layer {layer!r}; use {', '.join(LAYERS)}", "layers")
    max_nodes = max(1, min(max_nodes, MAX_NODES))
    hcp_node(store, hcp_id)
    hop_of: dict[str, int] = {hcp_id: 0}
    edges: dict[tuple[str, str, str], float] = {}
    frontier = [hcp_id]
    truncated = False
    for hop in range(1, hops + 1):
        found: list[str] = []
        for layer in layers:
            for name in LAYERS[layer]:
                for row in store.run(name, ids=frontier, limit=max_nodes * 4):
                    source, target = row["source"], row["target"]
                    other = target if source in frontier else source
                    if other not in hop_of:
                        if len(hop_of) >= max_nodes:
                            truncated = True
                            continue
                        hop_of[other] = hop
                        found.append(other)
                    edges[_key(layer, source, target)] = float(row["weight"] or 1)
        frontier = found
        if not frontier:
            break
    nodes = {r["id"]: r for r in store.run("network_nodes", ids=list(hop_of))}
    shown = [i for i in hop_of if i in nodes]
    pos = layout_positions(
        shown, [(s, t) for (_, s, t) in edges if s in nodes and t in nodes], center=hcp_id
    )
    found_network = {
        "center": hcp_id,
        "hops": hops,
        "layers": layers,
        "nodes": [
            {**nodes[i], "hop": h, "x": pos[i][0], "y": pos[i][1]}
            for i, h in hop_of.items()
            if i in nodes
        ],
        "edges": [
            {"source": s, "target": t, "layer": layer, "weight": w}
            for (layer, s, t), w in edges.items()
            if s in hop_of and t in hop_of
        ],
        "truncated": truncated,
    }
    return Network.model_validate(found_network)


def community(
    store: GraphStore, viewer: Viewer, community_id: str, *, limit: int = 200
) -> Community:
    """A community's members (most influential first), its hubs and its bridges.

    Hubs are members whose ``community_role`` says so, else the five most influential;
    bridges are members tied (referral, co-authorship, shared session) to other communities.

    Raises
    ------
    UnknownObject
        If no HCP belongs to ``community_id``.
    """
    viewer.require(Permission.READ_HCPS)
    size = store.run("community_size", community=community_id)[0]["n"]
    if not size:
        raise UnknownObject(
            f"no community {community_id!r}; community ids are on HCP profiles after scoring"
        )
    limit = max(1, min(limit, MAX_NODES))
    members = store.run("community_members", community=community_id, limit=limit)
    hubs = [m for m in members if (m.get("community_role") or "").lower() in ("hub", "leader")]
    if not hubs:
        hubs = [m for m in members if m.get("influence") is not None][:5]
    bridges = store.run("community_bridges", community=community_id, limit=20)
    names = {m["id"]: m for m in members}
    return Community(
        community=community_id,
        size=size,
        members=[Open.model_validate(m) for m in members],
        hubs=[Open.model_validate(m) for m in hubs],
        bridges=[
            Open.model_validate({**names.get(b["id"], {"id": b["id"]}), **b}) for b in bridges
        ],
        truncated=size > len(members),
    )
