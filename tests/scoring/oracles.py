"""The per-pair and per-row implementations the vectorised code replaced, kept as test oracles."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd

from kolgraph.scoring.activity import EVIDENCE_ITEMS, paper_weights
from kolgraph.scoring.params import ScoringParams


def old_coauthorship_graph(
    authorships: pd.DataFrame, params: ScoringParams, *, reference: int, nodes: Iterable[str] = ()
) -> nx.Graph[str]:
    """HCPs linked by joint papers, weighted by recency and authorship position.

    The per-pair merge the vectorised projection replaced. Its weight per joint paper
    follows the same ``coauthor_ties`` rule as the projection: ``recency x (w_u + w_v) / 2``,
    divided by ``n - 1`` for a paper of ``n`` authors under ``"newman"`` (the default),
    undivided under ``"full"`` (the weights this code computed when it was replaced).
    """
    graph: nx.Graph[str] = nx.Graph()
    graph.add_nodes_from(nodes)
    if authorships.empty:
        return graph
    papers = paper_weights(authorships, params, reference)
    papers = papers[papers["n_authors"] <= params.max_coauthors]
    cols = ["pub", "hcp", "position_weight", "recency", "year", "pmid", "n_authors"]
    pairs = papers[cols].merge(
        papers[["pub", "hcp", "position_weight"]], on="pub", suffixes=("", "_b")
    )
    pairs = pairs[pairs["hcp"] < pairs["hcp_b"]]
    share = (
        1.0 / (pairs["n_authors"] - 1.0).clip(lower=1.0)
        if params.coauthor_ties == "newman"
        else 1.0
    )
    pairs = pairs.assign(
        w=pairs["recency"] * (pairs["position_weight"] + pairs["position_weight_b"]) / 2.0 * share
    )
    pairs = pairs.sort_values(["hcp", "hcp_b", "year", "pub"], ascending=[True, True, False, True])
    for (u, v), group in pairs.groupby(["hcp", "hcp_b"], sort=True):
        pmids = [p for p in group["pmid"].head(5).tolist() if isinstance(p, str) and p]
        graph.add_edge(u, v, weight=float(group["w"].sum()), papers=int(len(group)), pmids=pmids)
    return graph


def old_referral_graph(
    referrals: pd.DataFrame, params: ScoringParams, *, nodes: Iterable[str] = ()
) -> nx.DiGraph[str]:
    """Directed referral ties weighted by ``pair_count`` or ``bene_count`` (or the other)."""
    graph: nx.DiGraph[str] = nx.DiGraph()
    graph.add_nodes_from(nodes)
    other = "bene_count" if params.referral_weight == "pair_count" else "pair_count"
    for row in referrals.itertuples(index=False):
        if row.src == row.dst:
            continue
        pair = pd.to_numeric(row.pair_count, errors="coerce")
        bene = pd.to_numeric(row.bene_count, errors="coerce")
        values = {"pair_count": pair, "bene_count": bene}
        weight = values[params.referral_weight]
        weight = values[other] if pd.isna(weight) else weight
        weight = 1.0 if pd.isna(weight) or weight <= 0 else float(weight)
        previous = graph.get_edge_data(row.src, row.dst, {})
        graph.add_edge(
            row.src,
            row.dst,
            weight=previous.get("weight", 0.0) + weight,
            pair_count=previous.get("pair_count", 0) + (0 if pd.isna(pair) else int(pair)),
            bene_count=previous.get("bene_count", 0) + (0 if pd.isna(bene) else int(bene)),
        )
    return graph


def old_combined_graph(
    layers: Mapping[str, nx.Graph[str]], weights: Mapping[str, float]
) -> nx.Graph[str]:
    """Weighted sum of layers (directed ones read as undirected), each scaled by its mean weight.

    Examples
    --------
    >>> a = nx.Graph([("x", "y", {"weight": 2.0})])
    >>> b = nx.DiGraph([("y", "x", {"weight": 5.0}), ("x", "z", {"weight": 15.0})])
    >>> layers = {"coauthorship": a, "referral": b}
    >>> g = old_combined_graph(layers, {"coauthorship": 1, "referral": 1})
    >>> round(g["x"]["y"]["weight"], 3), round(g["x"]["z"]["weight"], 3)
    (1.5, 1.5)
    """
    combined: nx.Graph[str] = nx.Graph()
    for name, layer in layers.items():
        combined.add_nodes_from(layer.nodes)
        factor = float(weights.get(name, 0.0))
        values = [w for _, _, w in layer.edges(data="weight", default=1.0)]
        if not values or factor == 0:
            continue
        mean = float(np.mean(values)) or 1.0
        for u, v, w in layer.edges(data="weight", default=1.0):
            data = combined.get_edge_data(u, v, {"weight": 0.0})
            combined.add_edge(
                u, v, weight=data["weight"] + factor * w / mean, **{name: data.get(name, 0.0) + w}
            )
    return combined


def old_top(
    frame: pd.DataFrame,
    columns: list[str],
    into: dict[str, dict[str, list[dict[str, Any]]]],
    kind: str,
) -> None:
    if frame.empty:
        return
    ranked = frame.sort_values(["hcp", "value", columns[0]], ascending=[True, False, True])
    for hcp, group in ranked.groupby("hcp", sort=False):
        items = group.head(EVIDENCE_ITEMS)[[*columns, "value"]]
        into.setdefault(str(hcp), {})[kind] = [
            {
                k: (None if pd.isna(v) else (round(float(v), 4) if k == "value" else v))
                for k, v in row.items()
            }
            for row in items.to_dict("records")
        ]


def old_congress_graph(
    presentations: pd.DataFrame, params: ScoringParams, *, nodes: Iterable[str] = ()
) -> nx.Graph[str]:
    """HCPs sharing congress sessions, plus chair -> speaker ties, built edge by edge."""
    chairs_roles = ("chair", "moderator")
    graph: nx.Graph[str] = nx.Graph()
    graph.add_nodes_from(nodes)
    for _, group in presentations.groupby("session", sort=True):
        roles = group.drop_duplicates("hcp").set_index("hcp")["role"].to_dict()
        members = sorted(roles)
        if len(members) < 2:
            continue
        chairs = [m for m in members if roles[m] in chairs_roles]
        shared = 1.0 / (len(members) - 1) if len(members) <= params.max_session_size else 0.0
        for i, u in enumerate(members):
            for v in members[i + 1 :]:
                bonus = params.chair_tie if (u in chairs) != (v in chairs) else 0.0
                if shared == 0.0 and bonus == 0.0:
                    continue
                data = graph.get_edge_data(u, v, {"weight": 0.0, "sessions": 0, "chaired_by": []})
                chaired = list(data["chaired_by"]) + ([u if u in chairs else v] if bonus else [])
                graph.add_edge(
                    u,
                    v,
                    weight=data["weight"] + shared + bonus,
                    sessions=data["sessions"] + 1,
                    chaired_by=sorted(set(chaired)),
                )
    return graph


def old_arrays_in_order(graph: nx.Graph[str], nodes: list[str]) -> tuple[np.ndarray, ...]:
    """``src``, ``dst``, ``weight`` of ``graph``'s edges in its own order, as scoring took them."""
    index = {n: i for i, n in enumerate(nodes)}
    edges = [
        (index[u], index[v], float(w))
        for u, v, w in graph.edges(data="weight", default=1.0)
        if u in index and v in index
    ]
    return (
        np.asarray([e[0] for e in edges], dtype=np.int64),
        np.asarray([e[1] for e in edges], dtype=np.int64),
        np.asarray([e[2] for e in edges], dtype=np.float64),
    )


def old_ties(graphs: Mapping[str, nx.Graph[str]], hcp: str, top: int = 5) -> list[dict[str, Any]]:
    """An HCP's strongest ties read from NetworkX layers, one neighbour at a time."""

    def num(value: float) -> float:
        return round(float(value), 6)

    combined = graphs["combined"]
    if hcp not in combined:
        return []
    ranked = sorted(combined[hcp].items(), key=lambda item: (-round(item[1]["weight"], 9), item[0]))
    ties = []
    for other, data in ranked[:top]:
        tie: dict[str, Any] = {"hcp": other, "weight": num(data["weight"])}
        for layer in ("coauthorship", "referral", "congress"):
            if layer in data:
                tie[layer] = num(data[layer])
        co = graphs["coauthorship"].get_edge_data(hcp, other)
        if co:
            tie["papers"] = co["papers"]
            tie["pmids"] = co["pmids"]
        for u, v in ((hcp, other), (other, hcp)):
            ref = graphs["referral"].get_edge_data(u, v)
            if ref:
                tie[f"referrals_{'out' if u == hcp else 'in'}"] = {
                    "pair_count": ref["pair_count"],
                    "bene_count": ref["bene_count"],
                }
        con = graphs["congress"].get_edge_data(hcp, other)
        if con:
            tie["shared_sessions"] = con["sessions"]
            if con["chaired_by"]:
                tie["chaired_by"] = con["chaired_by"]
        ties.append(tie)
    return ties


def old_graphs(layers: Any, params: ScoringParams) -> dict[str, nx.Graph[str]]:
    """The NetworkX layers the projection built before it kept tie tables (same data)."""
    data, nodes = layers.data, layers.nodes
    keep = set(nodes)
    refs = data.referrals[data.referrals["src"].isin(keep) & data.referrals["dst"].isin(keep)]
    graphs: dict[str, nx.Graph[str]] = {
        "coauthorship": old_coauthorship_graph(
            data.authorships, params, reference=layers.reference_year, nodes=nodes
        ),
        "referral": old_referral_graph(refs, params, nodes=nodes),
        "congress": old_congress_graph(data.presentations, params, nodes=nodes),
    }
    graphs["combined"] = old_combined_graph(graphs, params.layer_weights)
    graphs["combined"].add_nodes_from(nodes)
    return graphs
