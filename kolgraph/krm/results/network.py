"""What :mod:`kolgraph.krm.network` and :mod:`kolgraph.krm.communities` return.

>>> edge = NetworkEdge(source="npi:1", target="npi:2", layer="coauthor", weight=2)
>>> edge.weight
2.0
"""

from __future__ import annotations

from pydantic import BaseModel

from kolgraph.krm.results.base import Open, Scalar


class NetworkNode(Open):
    id: str
    hop: int
    name: Scalar = None
    influence: float | None = None
    community: Scalar = None


class NetworkEdge(BaseModel):
    source: str
    target: str
    layer: str
    weight: float


class Network(BaseModel):
    center: str
    hops: int
    layers: list[str]
    nodes: list[NetworkNode]
    edges: list[NetworkEdge]
    truncated: bool


class Community(BaseModel):
    community: str
    size: int
    members: list[Open]
    hubs: list[Open]
    bridges: list[Open]
    truncated: bool


class CommunityName(BaseModel):
    id: str
    size: int
    top_topics: list[str]
    top_institutions: list[str]
    label: str
