"""Project the store into NetworkX layers: co-authorship, referral, congress, combined.

* **co-authorship** (undirected): for every joint paper a tie gains
  ``recency x (w_u + w_v) / 2`` where ``w`` is each author's position weight
  (first/last/single 1.0, middle 0.5), so first-last ties count double middle-middle
  ties. Papers with more than ``max_coauthors`` authors add no ties. Edge attributes:
  ``weight``, ``papers``, ``pmids`` (latest five).
* **referral** (directed ``u -> v``): ``weight`` is the tie's ``pair_count`` (or
  ``bene_count``); both counts are kept as attributes.
* **congress** (undirected): HCPs sharing a session gain ``1 / (size - 1)`` per session
  (sessions above ``max_session_size`` are skipped), and a chair or moderator gains
  ``chair_tie`` towards each speaker of the session (attribute ``chaired_by``).
* **combined** (undirected): the sum of the layers, each first divided by its mean tie
  weight (so counts and decayed paper weights are comparable) and then multiplied by
  its ``layer_weights`` entry.

Every layer has every HCP of the population as a node, isolated or not.

Examples
--------
>>> import pandas as pd
>>> from kolgraph.scoring.params import ScoringParams
>>> refs = pd.DataFrame({"src": ["a"], "dst": ["b"], "pair_count": [12], "bene_count": [30]})
>>> g = referral_graph(refs, ScoringParams(), nodes=["a", "b", "c"])
>>> g["a"]["b"]["weight"], g.number_of_nodes()
(12.0, 3)
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd

from kolgraph.scoring.activity import paper_weights, reference_year
from kolgraph.scoring.inputs import ScoringData, load_scoring_data, restrict
from kolgraph.scoring.params import ScoringParams
from kolgraph.store import GraphStore

logger = logging.getLogger(__name__)

__all__ = [
    "Layers",
    "coauthorship_graph",
    "combined_graph",
    "congress_graph",
    "project_layers",
    "referral_graph",
]

LAYERS = ("coauthorship", "referral", "congress")
_CHAIRS = ("chair", "moderator")


def coauthorship_graph(
    authorships: pd.DataFrame, params: ScoringParams, *, reference: int, nodes: Iterable[str] = ()
) -> nx.Graph[str]:
    """HCPs linked by joint papers, weighted by recency and authorship position."""
    graph: nx.Graph[str] = nx.Graph()
    graph.add_nodes_from(nodes)
    if authorships.empty:
        return graph
    papers = paper_weights(authorships, params, reference)
    papers = papers[papers["n_authors"] <= params.max_coauthors]
    cols = ["pub", "hcp", "position_weight", "recency", "year", "pmid"]
    pairs = papers[cols].merge(
        papers[["pub", "hcp", "position_weight"]], on="pub", suffixes=("", "_b")
    )
    pairs = pairs[pairs["hcp"] < pairs["hcp_b"]]
    pairs = pairs.assign(
        w=pairs["recency"] * (pairs["position_weight"] + pairs["position_weight_b"]) / 2.0
    )
    pairs = pairs.sort_values(["hcp", "hcp_b", "year", "pub"], ascending=[True, True, False, True])
    for (u, v), group in pairs.groupby(["hcp", "hcp_b"], sort=True):
        pmids = [p for p in group["pmid"].head(5).tolist() if isinstance(p, str) and p]
        graph.add_edge(u, v, weight=float(group["w"].sum()), papers=int(len(group)), pmids=pmids)
    return graph


def referral_graph(
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


def congress_graph(
    presentations: pd.DataFrame, params: ScoringParams, *, nodes: Iterable[str] = ()
) -> nx.Graph[str]:
    """HCPs sharing congress sessions, plus chair -> speaker ties."""
    graph: nx.Graph[str] = nx.Graph()
    graph.add_nodes_from(nodes)
    for _, group in presentations.groupby("session", sort=True):
        roles = group.drop_duplicates("hcp").set_index("hcp")["role"].to_dict()
        members = sorted(roles)
        if len(members) < 2:
            continue
        chairs = [m for m in members if roles[m] in _CHAIRS]
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


def combined_graph(
    layers: Mapping[str, nx.Graph[str]], weights: Mapping[str, float]
) -> nx.Graph[str]:
    """Weighted sum of layers (directed ones read as undirected), each scaled by its mean weight.

    Examples
    --------
    >>> a = nx.Graph([("x", "y", {"weight": 2.0})])
    >>> b = nx.DiGraph([("y", "x", {"weight": 5.0}), ("x", "z", {"weight": 15.0})])
    >>> g = combined_graph({"coauthorship": a, "referral": b}, {"coauthorship": 1, "referral": 1})
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


@dataclass(frozen=True)
class Layers:
    """The projected layers of one run, their population and the data behind them."""

    nodes: list[str]
    coauthorship: nx.Graph[str]
    referral: nx.DiGraph[str]
    congress: nx.Graph[str]
    combined: nx.Graph[str]
    data: ScoringData
    reference_year: int

    def layer(self, name: str) -> nx.Graph[str]:
        """One layer by name (``coauthorship``, ``referral``, ``congress``, ``combined``)."""
        return getattr(self, name)


def population(data: ScoringData, area: str | None) -> list[str]:
    """HCPs scored: all of them, or with an area only those with evidence in it."""
    if not area:
        return sorted(str(i) for i in data.hcps["id"])
    ids: set[Any] = (
        set(data.authorships["hcp"])
        | set(data.presentations["hcp"])
        | set(data.investigators["hcp"])
    )
    return sorted(str(i) for i in ids)


def project_layers(source: GraphStore | ScoringData, params: ScoringParams) -> Layers:
    """Read (or take) the data, restrict it to area and window, and build every layer."""
    data = source if isinstance(source, ScoringData) else load_scoring_data(source)
    data = restrict(data, area=params.area, since=params.since, until=params.until)
    nodes = population(data, params.area)
    keep = set(nodes)
    refs = data.referrals[data.referrals["src"].isin(keep) & data.referrals["dst"].isin(keep)]
    reference = reference_year(params, data.authorships, data.presentations, data.investigators)
    co = coauthorship_graph(data.authorships, params, reference=reference, nodes=nodes)
    ref = referral_graph(refs, params, nodes=nodes)
    con = congress_graph(data.presentations, params, nodes=nodes)
    combined = combined_graph(
        {"coauthorship": co, "referral": ref, "congress": con}, params.layer_weights
    )
    combined.add_nodes_from(nodes)
    logger.info(
        "projected %d HCPs: %d co-authorship, %d referral, %d congress ties",
        len(nodes),
        co.number_of_edges(),
        ref.number_of_edges(),
        con.number_of_edges(),
    )
    return Layers(nodes, co, ref, con, combined, data, reference)
