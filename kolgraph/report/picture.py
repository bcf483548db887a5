"""The ego-network picture: the KOL in the centre, ties by layer, size by influence.

Drawn on a matplotlib :class:`~matplotlib.figure.Figure` of its own (no pyplot, no
display and no global backend choice needed) and returned as SVG text that can sit inline
in HTML, or saved as PNG.

Examples
--------
>>> net = {"center": "a", "nodes": [
...     {"id": "a", "name": "Ada", "x": 0.0, "y": 0.0, "influence": 90, "community": "1"},
...     {"id": "b", "name": "Bo", "x": 1.0, "y": 0.5, "influence": 10, "community": "2"}],
...     "edges": [{"source": "a", "target": "b", "layer": "coauthor", "weight": 2.0}]}
>>> svg = network_svg(net)
>>> svg.startswith("<svg") and "Ada" in svg
True
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kolgraph.errors import ExchangeError
from kolgraph.krm.results.network import Network

if TYPE_CHECKING:
    from matplotlib.figure import Figure

LAYER_COLOURS = {
    "coauthor": "#4c72b0",
    "referral": "#dd8452",
    "congress": "#55a868",
    "trial": "#c44e52",
}
MATPLOTLIB_MISSING = (
    "the report's network picture needs matplotlib: pip install 'kolgraph[report]' (in a "
    "kolgraph checkout: pip install -e '.[report]')"
)


def _require_matplotlib() -> None:
    """Import matplotlib (an optional dependency) or say how to install it.

    Raises
    ------
    ExchangeError
        When matplotlib is not installed.
    """
    try:
        import matplotlib  # noqa: F401
    except ImportError as exc:
        raise ExchangeError(MATPLOTLIB_MISSING) from exc


def community_colour(community: Any, order: list[Any]) -> Any:
    """A stable colour per community (grey when there is none).

    >>> community_colour(None, [])
    '#b0b0b0'
    """
    if community is None:
        return "#b0b0b0"
    _require_matplotlib()
    import matplotlib

    return matplotlib.colormaps["tab10"](order.index(community) % 10)


def network_figure(
    network: Network | dict[str, Any], *, size: tuple[float, float] = (5.2, 4.2)
) -> Figure:
    """A matplotlib figure of an ego network from :func:`kolgraph.krm.network.ego_network`
    (or its JSON form, as the API answers it).

    Raises
    ------
    ExchangeError
        When matplotlib (the ``report`` extra) is not installed.
    """
    _require_matplotlib()
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D

    if isinstance(network, Network):
        network = network.model_dump()
    fig = Figure(figsize=size)
    ax = fig.subplots()
    nodes = {n["id"]: n for n in network["nodes"]}
    for edge in network["edges"]:
        a, b = nodes.get(edge["source"]), nodes.get(edge["target"])
        if a is None or b is None:
            continue
        ax.plot(
            [a["x"], b["x"]],
            [a["y"], b["y"]],
            color=LAYER_COLOURS.get(edge["layer"], "#999"),
            linewidth=0.6 + min(float(edge.get("weight") or 1.0), 5.0) * 0.4,
            alpha=0.6,
            zorder=1,
        )
    order = sorted(
        {n.get("community") for n in nodes.values() if n.get("community") is not None}, key=str
    )
    for node in nodes.values():
        centre = node["id"] == network["center"]
        influence = float(node.get("influence") or 0.0)
        ax.scatter(
            [node["x"]],
            [node["y"]],
            s=40 + influence * 6 + (200 if centre else 0),
            color=community_colour(node.get("community"), order),
            edgecolors="black" if centre else "white",
            linewidths=2 if centre else 0.8,
            zorder=3,
        )
        if centre or influence >= 50 or len(nodes) <= 12:
            ax.annotate(
                str(node.get("name") or node["id"]),
                (node["x"], node["y"]),
                textcoords="offset points",
                xytext=(0, 9),
                ha="center",
                fontsize=8 if centre else 6.5,
                zorder=4,
                fontweight="bold" if centre else "normal",
            )
    layers = sorted({e["layer"] for e in network["edges"]})
    if layers:
        ax.legend(
            handles=[Line2D([0], [0], color=LAYER_COLOURS.get(x, "#999"), label=x) for x in layers],
            loc="best",
            fontsize=7,
            frameon=False,
        )
    if len(nodes) <= 1:
        ax.text(0.5, 0.2, "no ties recorded yet", transform=ax.transAxes, ha="center", color="#777")
    ax.set_axis_off()
    ax.margins(0.15)
    fig.tight_layout()
    return fig


def network_svg(network: Network | dict[str, Any]) -> str:
    """The picture as an inline ``<svg>`` element (no XML prolog)."""
    fig = network_figure(network)
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg")
    text = buffer.getvalue()
    return text[text.index("<svg") :]


def save_network_png(network: Network | dict[str, Any], path: Path, *, dpi: int = 150) -> Path:
    """The picture as a PNG file."""
    fig = network_figure(network)
    fig.savefig(path, format="png", dpi=dpi)
    return path
