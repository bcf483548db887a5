"""Project the store into NetworkX layers: co-authorship, referral, congress, combined.

* **co-authorship** (undirected): for every joint paper of ``n`` authors a tie gains
  ``recency x (w_u + w_v) / 2 / (n - 1)`` where ``w`` is each author's position weight
  (first/last/single 1.0, middle 0.5), so first-last ties count double middle-middle
  ties, and one paper adds at most ``recency`` to an author's strength however large its
  team (Newman's collaboration weight, M. E. J. Newman, *Phys. Rev. E* 64, 016132, 2001).
  ``n`` is the paper's author count as published (or its authors in the store, if more).
  ``coauthor_ties="full"`` gives the earlier weights: no ``1 / (n - 1)``, middle authors
  of crowded papers shrunk by ``min(1, crowded_paper / n)``. Papers with more than
  ``max_coauthors`` authors add no ties. Edge attributes: ``weight``, ``papers``,
  ``pmids`` (latest five).
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
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, cast

import networkx as nx
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from kolgraph.scoring.activity import paper_weights, reference_year
from kolgraph.scoring.edges import EdgeArrays
from kolgraph.scoring.inputs import ScoringData, load_scoring_data, restrict
from kolgraph.scoring.params import ScoringParams
from kolgraph.store import GraphStore

logger = logging.getLogger(__name__)

__all__ = [
    "Layers",
    "coauthorship_graph",
    "coauthorship_ties",
    "combined_graph",
    "combined_ties",
    "congress_graph",
    "congress_ties",
    "project_layers",
    "referral_edges",
    "referral_graph",
]

LAYERS = ("coauthorship", "referral", "congress")
_CHAIRS = ("chair", "moderator")
EVIDENCE_PMIDS = 5


def _codes(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Sorted distinct values (as strings) and each value's position among them.

    >>> distinct, codes = _codes(pd.Series(["b", "a", "b", 3]))
    >>> distinct.tolist(), codes.tolist()
    (['3', 'a', 'b'], [2, 1, 2, 0])
    """
    codes, distinct = pd.factorize(values.astype(str), sort=True, use_na_sentinel=False)
    return np.asarray(distinct, dtype=object), np.asarray(codes, dtype=np.int64)


def coauthorship_ties(
    authorships: pd.DataFrame, params: ScoringParams, *, reference: int
) -> pd.DataFrame:
    """One row per co-author pair ``u < v``: ``weight``, ``papers`` and ``pmids`` (latest five).

    A pair gains ``recency x (w_u + w_v) / 2 / (n - 1)`` per joint paper of ``n`` authors
    (``1 / (n - 1)`` left out with ``coauthor_ties="full"``); see the module docstring.

    A vectorised self-join on the paper: every pair of authorships of one paper is a row
    (``sum n_p^2`` rows, papers above ``max_coauthors`` skipped), sorted by pair, year
    (latest first) and paper, then summed per pair with ``np.bincount``; no Python loop
    per pair or per paper. Rows come sorted by ``(u, v)``.

    Examples
    --------
    >>> rows = pd.DataFrame({"hcp": ["a", "b", "c"], "pub": ["p1", "p1", "p1"],
    ...                      "pmid": ["1", "1", "1"], "year": [2020.0] * 3,
    ...                      "position": [1, 2, 3], "role": [None] * 3, "n_authors": [3] * 3,
    ...                      "cited_by": [0] * 3})
    >>> ties = coauthorship_ties(rows, ScoringParams(), reference=2020)
    >>> ties[["u", "v", "weight", "papers"]].to_dict("records")[0]
    {'u': 'a', 'v': 'b', 'weight': 0.375, 'papers': 1}
    >>> full = coauthorship_ties(rows, ScoringParams(coauthor_ties="full"), reference=2020)
    >>> float(full["weight"].iloc[0])
    0.75
    """
    columns = ["u", "v", "weight", "papers", "pmids"]
    if authorships.empty:
        return pd.DataFrame(columns=columns)
    papers = paper_weights(authorships, params, reference)
    papers = papers[papers["n_authors"] <= params.max_coauthors]
    if papers.empty:
        return pd.DataFrame(columns=columns)
    hcp_names, hcp = _codes(papers["hcp"])
    _, pub = _codes(papers["pub"])
    order = np.argsort(pub, kind="stable")
    pub, hcp = pub[order], hcp[order]
    pw = papers["position_weight"].to_numpy(dtype=float)[order]
    rec = papers["recency"].to_numpy(dtype=float)[order]
    if params.coauthor_ties == "newman":  # a paper adds at most one unit per author
        rec = rec / np.maximum(papers["n_authors"].to_numpy(dtype=float)[order] - 1.0, 1.0)
    year = papers["year"].to_numpy(dtype=float)[order]
    pmid = papers["pmid"].to_numpy(dtype=object)[order]
    # every ordered pair of authorships sharing a paper: rows i (first) and j (second)
    starts = np.flatnonzero(np.r_[True, pub[1:] != pub[:-1]])
    sizes = np.diff(np.r_[starts, len(pub)])
    first = np.repeat(np.arange(len(pub)), np.repeat(sizes, sizes))
    offsets = np.arange(len(first)) - np.repeat(
        np.cumsum(sizes * sizes) - sizes * sizes, sizes * sizes
    )
    second = np.repeat(starts, sizes * sizes) + offsets % np.repeat(sizes, sizes * sizes)
    keep = hcp[first] < hcp[second]
    first, second = first[keep], second[keep]
    u, v = hcp[first], hcp[second]
    weight = rec[first] * (pw[first] + pw[second]) / 2.0
    latest = np.where(np.isnan(year[first]), np.inf, -year[first])
    rank = np.lexsort((pub[first], latest, v, u))
    u, v, weight, row = u[rank], v[rank], weight[rank], first[rank]
    new_pair = np.r_[True, (u[1:] != u[:-1]) | (v[1:] != v[:-1])]
    group = np.cumsum(new_pair) - 1
    heads = np.flatnonzero(new_pair)
    n_pairs = len(heads)
    within = np.arange(len(u)) - heads[group]
    sums = np.bincount(group, weights=weight, minlength=n_pairs)
    counts = np.bincount(group, minlength=n_pairs)
    shown = pmid[row]
    listed = (within < EVIDENCE_PMIDS) & np.fromiter(
        (isinstance(p, str) and bool(p) for p in shown), dtype=bool, count=len(shown)
    )
    pmids: list[list[str]] = [[] for _ in range(n_pairs)]
    for g, p in zip(group[listed].tolist(), shown[listed].tolist(), strict=True):
        pmids[g].append(p)
    return pd.DataFrame(
        {
            "u": hcp_names[u[heads]],
            "v": hcp_names[v[heads]],
            "weight": sums,
            "papers": counts.astype(np.int64),
            "pmids": pmids,
        }
    )


def coauthorship_graph(
    authorships: pd.DataFrame, params: ScoringParams, *, reference: int, nodes: Iterable[str] = ()
) -> nx.Graph[str]:
    """HCPs linked by joint papers, weighted by recency, position and team size."""
    graph: nx.Graph[str] = nx.Graph()
    graph.add_nodes_from(nodes)
    ties = coauthorship_ties(authorships, params, reference=reference)
    graph.add_edges_from(
        (u, v, {"weight": float(w), "papers": int(n), "pmids": p})
        for u, v, w, n, p in zip(
            ties["u"].tolist(),
            ties["v"].tolist(),
            ties["weight"].tolist(),
            ties["papers"].tolist(),
            ties["pmids"].tolist(),
            strict=True,
        )
    )
    return graph


def referral_edges(referrals: pd.DataFrame, params: ScoringParams) -> pd.DataFrame:
    """One row per directed pair ``src -> dst`` (self-referrals dropped), in first-seen order.

    ``weight`` sums each row's ``referral_weight`` count (the other count when it is
    missing, 1 when neither is a positive number); ``pair_count`` and ``bene_count`` sum
    the counts given. Column operations and one group-by, no loop per row.

    Examples
    --------
    >>> refs = pd.DataFrame({"src": ["a", "a", "b"], "dst": ["b", "b", "b"],
    ...                      "pair_count": [3, None, 5], "bene_count": [2, 4, 1]})
    >>> referral_edges(refs, ScoringParams()).to_dict("records")
    [{'src': 'a', 'dst': 'b', 'weight': 7.0, 'pair_count': 3, 'bene_count': 6}]
    """
    loops = (referrals["src"] == referrals["dst"]).to_numpy(dtype=bool)
    frame = referrals[~loops] if loops.any() else referrals
    pair = pd.to_numeric(frame["pair_count"], errors="coerce").astype(float)
    bene = pd.to_numeric(frame["bene_count"], errors="coerce").astype(float)
    first, other = (pair, bene) if params.referral_weight == "pair_count" else (bene, pair)
    weight = first.where(first.notna(), other)
    weight = weight.where(weight.notna() & (weight > 0), 1.0)
    rows = pd.DataFrame(
        {
            "src": frame["src"].array,  # as read (pandas strings, not an object per id)
            "dst": frame["dst"].array,
            "weight": weight.to_numpy(dtype=float),
            "pair_count": pair.fillna(0).to_numpy().astype(np.int64),
            "bene_count": bene.fillna(0).to_numpy().astype(np.int64),
        }
    )
    if rows.empty:
        return rows
    keys = ["src", "dst"]
    if not rows.duplicated(keys).any():
        return rows.reset_index(drop=True)
    return rows.groupby(keys, sort=False, as_index=False).agg(
        weight=("weight", "sum"), pair_count=("pair_count", "sum"), bene_count=("bene_count", "sum")
    )


def referral_graph(
    referrals: pd.DataFrame, params: ScoringParams, *, nodes: Iterable[str] = ()
) -> nx.DiGraph[str]:
    """Directed referral ties weighted by ``pair_count`` or ``bene_count`` (or the other)."""
    graph: nx.DiGraph[str] = nx.DiGraph()
    graph.add_nodes_from(nodes)
    edges = referral_edges(referrals, params)
    graph.add_edges_from(
        (u, v, {"weight": float(w), "pair_count": int(pc), "bene_count": int(bc)})
        for u, v, w, pc, bc in zip(
            edges["src"].tolist(),
            edges["dst"].tolist(),
            edges["weight"].tolist(),
            edges["pair_count"].tolist(),
            edges["bene_count"].tolist(),
            strict=True,
        )
    )
    return graph


def congress_ties(presentations: pd.DataFrame, params: ScoringParams) -> pd.DataFrame:
    """One row per pair ``u < v`` sharing sessions: ``weight``, ``sessions``, ``chaired_by``.

    Rows come in the order the pairs first met (sessions by id, members by id).

    Examples
    --------
    >>> rows = pd.DataFrame({"session": ["s1"] * 3, "hcp": ["a", "b", "c"],
    ...                      "role": ["chair", "speaker", "speaker"]})
    >>> congress_ties(rows, ScoringParams(chair_tie=1.0)).to_dict("records")[0]
    {'u': 'a', 'v': 'b', 'weight': 1.5, 'sessions': 1, 'chaired_by': ['a']}
    """
    ties: dict[tuple[str, str], dict[str, Any]] = {}
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
                tie = ties.setdefault((u, v), {"weight": 0.0, "sessions": 0, "chaired_by": []})
                tie["weight"] += shared + bonus
                tie["sessions"] += 1
                if bonus:
                    tie["chaired_by"] = sorted({*tie["chaired_by"], u if u in chairs else v})
    return pd.DataFrame(
        [{"u": u, "v": v, **tie} for (u, v), tie in ties.items()],
        columns=["u", "v", "weight", "sessions", "chaired_by"],
    )


def congress_graph(
    presentations: pd.DataFrame, params: ScoringParams, *, nodes: Iterable[str] = ()
) -> nx.Graph[str]:
    """HCPs sharing congress sessions, plus chair -> speaker ties."""
    graph: nx.Graph[str] = nx.Graph()
    graph.add_nodes_from(nodes)
    ties = congress_ties(presentations, params)
    graph.add_edges_from(
        (u, v, {"weight": w, "sessions": int(n), "chaired_by": list(c)})
        for u, v, w, n, c in zip(
            ties["u"].tolist(),
            ties["v"].tolist(),
            ties["weight"].tolist(),
            ties["sessions"].tolist(),
            ties["chaired_by"].tolist(),
            strict=True,
        )
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
    for layer in layers.values():
        combined.add_nodes_from(layer.nodes)
    code = {node: i for i, node in enumerate(combined.nodes)}
    names, us, vs, raws, parts = [], [], [], [], []
    for name, layer in layers.items():
        factor = float(weights.get(name, 0.0))
        if layer.number_of_edges() == 0 or factor == 0:
            continue
        u, v, w = zip(*layer.edges(data="weight", default=1.0), strict=True)
        raw = np.asarray(w, dtype=float)
        mean = float(np.mean(raw)) or 1.0
        names.append(name)
        us.append(np.asarray(u, dtype=object))
        vs.append(np.asarray(v, dtype=object))
        raws.append(raw)
        parts.append(factor * raw / mean)
    if not names:
        return combined
    u_all, v_all = np.concatenate(us), np.concatenate(vs)
    cu = np.fromiter((code[x] for x in u_all), dtype=np.int64, count=len(u_all))
    cv = np.fromiter((code[x] for x in v_all), dtype=np.int64, count=len(v_all))
    key = np.minimum(cu, cv) * len(code) + np.maximum(cu, cv)
    tie, _ = pd.factorize(key)  # ties numbered in order of first appearance
    n_ties = int(tie.max()) + 1
    weight = np.zeros(n_ties)
    np.add.at(weight, tie, np.concatenate(parts))  # in row order, as edge-by-edge sums
    first = np.full(n_ties, len(tie))
    np.minimum.at(first, tie, np.arange(len(tie)))
    layer_of = np.repeat(np.arange(len(names)), [len(r) for r in raws])
    raw_all = np.concatenate(raws)
    per_layer = []
    for i, name in enumerate(names):
        mine = layer_of == i
        sums = np.zeros(n_ties)
        np.add.at(sums, tie[mine], raw_all[mine])
        present = np.zeros(n_ties, dtype=bool)
        present[tie[mine]] = True
        per_layer.append((name, sums.tolist(), present.tolist()))
    weights_list = weight.tolist()
    combined.add_edges_from(
        (
            u_all[first[t]],
            v_all[first[t]],
            {
                "weight": weights_list[t],
                **{name: sums[t] for name, sums, present in per_layer if present[t]},
            },
        )
        for t in range(n_ties)
    )
    return combined


def _positions(index: pd.Index, values: pd.Series | np.ndarray) -> np.ndarray:
    """Each of ``values``' position in ``index`` (-1 where absent), found by Arrow's hash
    lookup (about five times pandas' for millions of ids held as Arrow strings).

    >>> _positions(pd.Index(["a", "b", "c"]), pd.Series(["c", "x", None, "a"])).tolist()
    [2, -1, -1, 0]
    """
    try:
        keys, table = pa.array(values), pa.array(index)
        if keys.type != table.type:
            keys = keys.cast(table.type)
        found = pc.index_in(keys, value_set=table)
    except (pa.ArrowException, TypeError):  # ids of mixed or other types: pandas' lookup
        if isinstance(values, pd.Series) and values.dtype == index.dtype:
            return index.get_indexer(values)
        return index.get_indexer(pd.Index(np.asarray(values, dtype=object)))
    return found.fill_null(-1).to_numpy().astype(np.int64)


def _in_graph_order(frame: pd.DataFrame, a: np.ndarray, b: np.ndarray) -> pd.DataFrame:
    """``frame`` with position columns ``a``/``b``, ties outside the population dropped, in
    the order a NetworkX graph built from its rows lists its edges (by ``a``, then row)."""
    keep = (a >= 0) & (b >= 0)
    out = frame.loc[keep].assign(a=a[keep], b=b[keep])
    return out.iloc[np.argsort(out["a"].to_numpy(), kind="stable")].reset_index(drop=True)


def combined_ties(
    tables: Mapping[str, pd.DataFrame], weights: Mapping[str, float], n_nodes: int
) -> pd.DataFrame:
    """The combined layer from per-layer ties with positions ``a``/``b`` (undirected).

    Each layer's weights are divided by their mean and multiplied by the layer's weight;
    a tie's ``weight`` is the sum over layers, and one column per layer holds the raw sum
    it came from (NaN when the tie is not in that layer). Rows have ``a < b`` in the order
    :func:`combined_graph` lists its edges, so both give identical edge arrays.

    Examples
    --------
    >>> co = pd.DataFrame({"a": [0], "b": [1], "weight": [2.0]})
    >>> ref = pd.DataFrame({"a": [1, 0], "b": [0, 2], "weight": [5.0, 15.0]})
    >>> ties = combined_ties({"coauthorship": co, "referral": ref},
    ...                      {"coauthorship": 1, "referral": 1}, 3)
    >>> ties[["a", "b", "weight", "coauthorship", "referral"]].to_dict("records")[1]
    {'a': 0, 'b': 2, 'weight': 1.5, 'coauthorship': nan, 'referral': 15.0}
    """
    used = [
        (name, table)
        for name, table in tables.items()
        if not table.empty and float(weights.get(name, 0.0)) != 0
    ]
    columns = ["a", "b", "weight", *LAYERS]
    if not used:
        return pd.DataFrame({c: pd.Series(dtype=float) for c in columns}).astype(
            {"a": np.int64, "b": np.int64}
        )
    # Every row's ends, smaller first, as positions (32-bit below 2**31 HCPs): the work
    # here is on tie ids and row numbers, never on a second copy of the whole table.
    ends = np.int32 if n_nodes < np.iinfo(np.int32).max else np.int64
    lo = np.concatenate([t["a"].to_numpy(dtype=ends) for _, t in used])
    hi = np.concatenate([t["b"].to_numpy(dtype=ends) for _, t in used])
    swap = lo > hi
    lo[swap], hi[swap] = hi[swap], lo[swap]
    del swap
    tie, _ = pd.factorize(lo.astype(np.int64) * max(n_nodes, 1) + hi)  # by first appearance
    n_ties = int(tie.max()) + 1
    first = np.full(n_ties, len(tie))
    np.minimum.at(first, tie, np.arange(len(tie)))
    # a graph lists a node's new neighbours in the order their ties were added
    order = np.argsort(lo[first], kind="stable")
    first = first[order]
    row_of = np.empty(n_ties, dtype=np.int64)
    row_of[order] = np.arange(n_ties)
    del order
    row = row_of[tie]  # each input row's row in the result
    del tie, row_of
    out = pd.DataFrame({"a": lo[first].astype(np.int64), "b": hi[first].astype(np.int64)})
    del lo, hi, first
    weight = np.zeros(n_ties)
    start = 0
    sums_of: dict[str, np.ndarray] = {}
    for name, table in used:  # in row order, as edge-by-edge sums
        raw = table["weight"].to_numpy(dtype=float)
        mean = float(np.mean(raw)) or 1.0
        mine = row[start : start + len(raw)]
        np.add.at(weight, mine, float(weights[name]) * raw / mean)
        present = np.zeros(n_ties, dtype=bool)
        present[mine] = True
        sums = np.where(present, 0.0, np.nan)
        del present
        np.add.at(sums, mine, raw)
        sums_of[name] = sums
        start += len(raw)
    out["weight"] = weight
    for layer in LAYERS:
        out[layer] = sums_of.pop(layer, np.nan)
    return out


@dataclass
class Layers:
    """The projected layers of one run as tie tables, their population and the data behind them.

    Every table has the positions ``a``/``b`` of its ends in ``nodes`` and lists ties in
    the order NetworkX would: ``coauthorship`` (``u < v``, ``weight``, ``papers``,
    ``pmids``), ``referral`` (directed ``src -> dst``, ``weight``, ``pair_count``,
    ``bene_count``), ``congress`` (``u < v``, ``weight``, ``sessions``, ``chaired_by``) and
    ``combined`` (``a < b``, ``weight`` and each layer's raw sum). :meth:`arrays` gives
    the edge arrays scoring runs on; :meth:`graph` builds a NetworkX graph when wanted.
    """

    nodes: list[str]
    coauthorship: pd.DataFrame
    referral: pd.DataFrame
    congress: pd.DataFrame
    combined: pd.DataFrame
    data: ScoringData
    reference_year: int
    cache: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)
    """Values worked out once from the tables (such as every HCP's strongest ties)."""

    def table(self, name: str) -> pd.DataFrame:
        """One layer's ties by name (``coauthorship``, ``referral``, ``congress``, ``combined``)."""
        if name not in (*LAYERS, "combined"):
            raise ValueError(f"unknown layer {name!r}; one of {', '.join(LAYERS)}, combined")
        return cast(pd.DataFrame, getattr(self, name))

    def arrays(self, name: str) -> EdgeArrays:
        """The layer as :class:`EdgeArrays` over ``nodes`` (referrals directed).

        The ends are 32-bit positions (64-bit beyond 2**31 HCPs) and the weights, copied
        out of the table, which can then go while the arrays stay (10M ties: 80 MB of ends
        instead of 160 MB, in this process and in the distance worker; a view of the
        weights would keep every float column of the table).
        """
        table = self.table(name)
        ends = np.int32 if len(self.nodes) < np.iinfo(np.int32).max else np.int64
        return EdgeArrays(
            self.nodes,
            table["a"].to_numpy(dtype=ends, copy=True),
            table["b"].to_numpy(dtype=ends, copy=True),
            table["weight"].to_numpy(dtype=np.float64, copy=True),
            directed=name == "referral",
        )

    def graph(self, name: str) -> nx.Graph[str]:
        """The layer as a NetworkX graph with every HCP as a node and the tables' columns as
        edge attributes (a ``DiGraph`` for referrals)."""
        table = self.table(name)
        graph: nx.Graph[str] = nx.DiGraph() if name == "referral" else nx.Graph()
        graph.add_nodes_from(self.nodes)
        attrs = [c for c in table.columns if c not in ("a", "b", "u", "v", "src", "dst")]
        ends = self.nodes
        graph.add_edges_from(
            (ends[a], ends[b], {k: v for k, v in zip(attrs, rest, strict=True) if _present(v)})
            for a, b, *rest in zip(
                table["a"].tolist(),
                table["b"].tolist(),
                *(table[c].tolist() for c in attrs),
                strict=True,
            )
        )
        return graph


def _present(value: Any) -> bool:
    return not (isinstance(value, float) and math.isnan(value))


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
    index = pd.Index(nodes)
    inside = (_positions(index, data.referrals["src"]) >= 0) & (
        _positions(index, data.referrals["dst"]) >= 0
    )
    refs = data.referrals if inside.all() else data.referrals[inside]
    reference = reference_year(params, data.authorships, data.presentations, data.investigators)
    co = coauthorship_ties(data.authorships, params, reference=reference)
    co = _in_graph_order(co, _positions(index, co["u"]), _positions(index, co["v"]))
    ref = referral_edges(refs, params)
    ref = _in_graph_order(ref, _positions(index, ref["src"]), _positions(index, ref["dst"]))
    con = congress_ties(data.presentations, params)
    con = _in_graph_order(con, _positions(index, con["u"]), _positions(index, con["v"]))
    combined = combined_ties(
        {"coauthorship": co, "referral": ref, "congress": con}, params.layer_weights, len(nodes)
    )
    logger.info(
        "projected %d HCPs: %d co-authorship, %d referral, %d congress ties",
        len(nodes),
        len(co),
        len(ref),
        len(con),
    )
    return Layers(nodes, co, ref, con, combined, data, reference)
