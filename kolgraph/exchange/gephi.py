"""GraphML and GEXF files for Gephi (and any NetworkX reader) from the property graph.

Every node carries ``label`` (a display name), ``type`` (its kolgraph label) and, for
HCPs, ``influence``, ``tier``, ``segment`` and ``community``; every edge ``label`` and
``rel_type`` (its relationship type) and a ``weight``. Other properties follow as
attributes. The formats only hold scalars, so lists become ``"; "``-joined text, maps
JSON, ``None`` is left out, and an attribute with mixed types across the graph is
written as text (mixed ints and floats as floats). Properties whose names the formats
reserve are renamed ``prop_<name>``.

Examples
--------
>>> g = nx.MultiDiGraph()
>>> g.add_node("npi:1", type="HCP", label="Ada Bo", topics=["a", "b"], influence=80, skip=None)
>>> g.add_node("npi:2", type="HCP", label="Cy Di", influence=12.5)
>>> flat = gephi_ready(g)
>>> flat.nodes["npi:1"]["topics"], flat.nodes["npi:1"]["influence"], "skip" in flat.nodes["npi:1"]
('a; b', 80.0, False)
"""

from __future__ import annotations

import json
import logging
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Literal

import networkx as nx

from kolgraph import schema
from kolgraph.errors import ExchangeError
from kolgraph.exchange.snapshot import iter_nodes, iter_relationships, rel_keys
from kolgraph.store import GraphStore

logger = logging.getLogger(__name__)

GraphFormat = Literal["graphml", "gexf"]
NODE_RESERVED = frozenset(
    {"id", "label", "type", "pid", "start", "end", "viz", "parents", "slices", "spells"}
)
EDGE_RESERVED = frozenset(
    {
        "id",
        "label",
        "type",
        "rel_type",
        "weight",
        "start",
        "end",
        "slices",
        "spells",
        "key",
        "networkx_key",
    }
)
_DISPLAY = ("name", "title", "session_code", "nct_id", "action", "key_id")


def display_name(label: str, props: dict[str, Any]) -> str:
    """What Gephi shows for a node: its name or title, else its id.

    Examples
    --------
    >>> display_name("Publication", {"id": "pmid:1", "title": "On KOLs"})
    'On KOLs'
    """
    for key in _DISPLAY:
        if props.get(key):
            return str(props[key])
    return str(props.get("id", label))


def _renamed(props: dict[str, Any], reserved: frozenset[str]) -> dict[str, Any]:
    return {(f"prop_{k}" if k in reserved else k): v for k, v in props.items() if k != "id"}


def property_graph(store: GraphStore, *, labels: Iterable[str] | None = None) -> nx.MultiDiGraph:
    """The stored graph as a NetworkX multigraph: kolgraph ids as nodes, one edge per tie.

    Parameters
    ----------
    store : GraphStore
        Any kolgraph store.
    labels : iterable of str, optional
        Only these node labels (and the relationships among them); all by default.
    """
    wanted = [schema.check_label(label) for label in labels] if labels else list(schema.NODE_LABELS)
    graph = nx.MultiDiGraph()
    for label in wanted:
        for props in iter_nodes(store, label):
            attrs = _renamed(props, NODE_RESERVED)
            graph.add_node(props["id"], label=display_name(label, props), type=label, **attrs)
    for key in rel_keys(wanted):
        for start, end, props in iter_relationships(store, key):
            attrs = _renamed(props, EDGE_RESERVED)
            weight = props.get("pair_count") or props.get("weight") or 1.0
            graph.add_edge(
                start,
                end,
                key=key.type,
                label=key.type,
                rel_type=key.type,
                weight=float(weight),
                **attrs,
            )
    return graph


def _flat(value: Any) -> Any:
    if isinstance(value, list | tuple | set):
        return "; ".join(str(_flat(v)) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, sort_keys=True, default=str)
    return value


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int"
    if isinstance(value, float):
        return "float"
    return "str"


def _unify(items: list[dict[str, Any]]) -> None:
    kinds: dict[str, set[str]] = defaultdict(set)
    for data in items:
        for key, value in list(data.items()):
            if value is None:
                del data[key]
                continue
            data[key] = _flat(value)
            kinds[key].add(_kind(data[key]))
    for key, found in kinds.items():
        if len(found) == 1:
            continue
        cast: type = float if found <= {"int", "float"} else str
        for data in items:
            if key in data:
                data[key] = cast(data[key])


def gephi_ready(graph: nx.Graph) -> nx.Graph:
    """A copy whose attributes GraphML and GEXF writers accept, one type per attribute."""
    out = graph.copy()
    _unify([data for _, data in out.nodes(data=True)])
    for _, data in out.nodes(data=True):
        if "community" in data:
            data["community"] = str(data["community"])
        if isinstance(data.get("influence"), int):
            data["influence"] = float(data["influence"])
    _unify([data for *_, data in out.edges(data=True)])
    return out


def write_graph(graph: nx.Graph, path: Path, fmt: GraphFormat) -> Path:
    """Write ``graph`` as GraphML or GEXF (1.2) at ``path``; return the path.

    Raises
    ------
    ExchangeError
        If the format is unknown or the file cannot be written.
    """
    ready = gephi_ready(graph)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        if fmt == "graphml":
            nx.write_graphml(ready, path, named_key_ids=True)
        elif fmt == "gexf":
            nx.write_gexf(ready, path, version="1.2draft")
        else:
            raise ExchangeError(f"unknown graph format {fmt!r}; use graphml or gexf")
    except OSError as exc:
        raise ExchangeError(f"cannot write {path}: {exc}") from exc
    logger.info(
        "wrote %d nodes and %d edges to %s", ready.number_of_nodes(), ready.number_of_edges(), path
    )
    return path


def hcp_subgraph(
    graph: nx.MultiDiGraph,
    *,
    tiers: Iterable[str] | None = None,
    segments: Iterable[str] | None = None,
    communities: Iterable[str] | None = None,
    min_influence: float | None = None,
    neighbours: bool = True,
) -> nx.MultiDiGraph:
    """The HCPs that pass every given filter, with (by default) their non-HCP neighbours.

    Parameters
    ----------
    graph : networkx.MultiDiGraph
        From :func:`property_graph`.
    tiers, segments, communities : iterable of str, optional
        Keep HCPs whose ``tier``/``segment``/``community`` is one of these.
    min_influence : float, optional
        Keep HCPs with ``influence`` at least this.
    neighbours : bool, default True
        Also keep the papers, sessions, trials, engagements ... tied to a kept HCP (other
        HCPs only when they pass the filters themselves).

    Examples
    --------
    >>> g = nx.MultiDiGraph()
    >>> g.add_node("a", type="HCP", tier="strategic", influence=90.0)
    >>> g.add_node("b", type="HCP", tier="basic", influence=10.0)
    >>> g.add_node("p", type="Publication")
    >>> _ = g.add_edge("a", "p", key="AUTHORED"); _ = g.add_edge("b", "p", key="AUTHORED")
    >>> sorted(hcp_subgraph(g, tiers=["strategic"]).nodes)
    ['a', 'p']
    """
    tiers, segments = _set(tiers), _set(segments)
    communities = _set(communities)

    def passes(data: dict[str, Any]) -> bool:
        influence = data.get("influence")
        return (
            (tiers is None or data.get("tier") in tiers)
            and (segments is None or data.get("segment") in segments)
            and (communities is None or str(data.get("community")) in communities)
            and (min_influence is None or (influence is not None and influence >= min_influence))
        )

    kept = {n for n, d in graph.nodes(data=True) if d.get("type") == "HCP" and passes(d)}
    keep = set(kept)
    if neighbours:
        for node in kept:
            for other in (*graph.successors(node), *graph.predecessors(node)):
                if graph.nodes[other].get("type") != "HCP":
                    keep.add(other)
    return graph.subgraph(keep).copy()


def _set(values: Iterable[str] | None) -> set[str] | None:
    return None if values is None else {str(v) for v in values}
