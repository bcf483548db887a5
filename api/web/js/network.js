// The ego network as SVG: positions come from the API (seeded spring layout), colour is the
// community, size is influence; edges are styled per layer so colour is never the only cue.
import { h, s } from "./dom.js";
import { LAYERS } from "./labels.js";

const PALETTE = ["#1f77b4", "#e6550d", "#2ca25f", "#8c6bb1", "#d6604d", "#17becf",
  "#bcbd22", "#7f7f7f", "#e377c2", "#8c564b"];
const NO_COMMUNITY = "#b8c0c8";
const WIDTH = 720;
const HEIGHT = 480;
const PAD = 36;

/** Community id -> colour, stable for one network (sorted ids). */
export function communityColours(nodes) {
  const ids = [...new Set(nodes.map((n) => n.community).filter((c) => c !== null && c !== undefined)
    .map(String))].sort((a, b) => a.localeCompare(b, "en", { numeric: true }));
  return new Map(ids.map((id, i) => [id, PALETTE[i % PALETTE.length]]));
}

/** The nodes and edges visible on `layer` ("all" or one layer); the centre always shows. */
export function visible(network, layer) {
  const edges = network.edges.filter((e) => layer === "all" || e.layer === layer);
  const keep = new Set([network.center]);
  for (const e of edges) { keep.add(e.source); keep.add(e.target); }
  const nodes = layer === "all" ? network.nodes : network.nodes.filter((n) => keep.has(n.id));
  return { nodes, edges };
}

function radius(influence, maxInfluence) {
  if (typeof influence !== "number" || maxInfluence <= 0) return 6;
  return 6 + 14 * Math.sqrt(Math.max(0, influence) / maxInfluence);
}

/**
 * Draw `network` into `figure` for `layer`; `onOpen(id)` opens a node's profile.
 * Returns the number of nodes drawn.
 */
export function drawNetwork(figure, network, layer, onOpen) {
  const { nodes, edges } = visible(network, layer);
  const colours = communityColours(network.nodes);
  const maxInfluence = Math.max(0, ...network.nodes.map((n) => Number(n.influence) || 0));
  const px = (x) => PAD + ((Number(x) || 0) + 1) / 2 * (WIDTH - 2 * PAD);
  const py = (y) => PAD + ((Number(y) || 0) + 1) / 2 * (HEIGHT - 2 * PAD);
  const at = new Map(nodes.map((n) => [n.id, n]));
  const neighbours = new Map(nodes.map((n) => [n.id, new Set([n.id])]));
  for (const e of edges) {
    neighbours.get(e.source)?.add(e.target);
    neighbours.get(e.target)?.add(e.source);
  }
  const layerName = layer === "all" ? "all layers" : LAYERS[layer].toLowerCase();
  const svg = s("svg", {
    class: "network", viewBox: `0 0 ${WIDTH} ${HEIGHT}`, role: "group",
    "aria-label": `Ego network, ${layerName}: ${nodes.length} people, ${edges.length} ties. `
      + "Tab to a person, Enter opens the profile.",
    dataset: { nodes: String(nodes.length), edges: String(edges.length), layer },
  });
  svg.append(s("defs", {}, s("marker", {
    id: "arrow", viewBox: "0 0 10 10", refX: "10", refY: "5", markerWidth: "7",
    markerHeight: "7", orient: "auto-start-reverse",
  }, s("path", { d: "M 0 0 L 10 5 L 0 10 z", fill: "#b5542f" }))));
  const edgeGroup = s("g", { class: "edges", "aria-hidden": "true" });
  for (const e of edges) {
    const a = at.get(e.source);
    const b = at.get(e.target);
    if (!a || !b) continue;
    const line = s("line", {
      class: `edge ${e.layer}`, x1: px(a.x), y1: py(a.y), x2: px(b.x), y2: py(b.y),
      "marker-end": e.layer === "referral" ? "url(#arrow)" : null,
      dataset: { source: e.source, target: e.target },
    });
    edgeGroup.append(line);
  }
  svg.append(edgeGroup);
  const nodeGroup = s("g", { class: "nodes" });
  const ranked = [...nodes].sort((a, b) => (Number(b.influence) || 0) - (Number(a.influence) || 0));
  const labelled = new Set([network.center, ...ranked.slice(0, 6).map((n) => n.id)]);
  for (const n of nodes) {
    const r = radius(n.influence, maxInfluence);
    const colour = n.community === null || n.community === undefined
      ? NO_COMMUNITY : colours.get(String(n.community));
    const name = n.name || n.id;
    const label = `${name}${n.id === network.center ? " (this KOL)" : ""}, `
      + `${n.hop === 0 ? "centre" : `${n.hop} hop${n.hop > 1 ? "s" : ""} away`}, `
      + `community ${n.community ?? "none"}, influence ${n.influence ?? "not scored"}`;
    const group = s("g", {
      class: `node${n.id === network.center ? " center" : ""}`,
      tabindex: "0", role: "link", "aria-label": label, dataset: { id: n.id },
    },
    s("title", {}, label),
    s("circle", { class: "node", cx: px(n.x), cy: py(n.y), r: r.toFixed(1), fill: colour }));
    if (labelled.has(n.id)) {
      const right = px(n.x) > WIDTH * 0.7;
      group.append(s("text", {
        class: "label", x: right ? px(n.x) - r - 3 : px(n.x) + r + 3, y: py(n.y) + 4,
        "text-anchor": right ? "end" : "start",
      }, String(name).slice(0, 28)));
    }
    const open = () => { if (n.id !== network.center) onOpen(n.id); };
    group.addEventListener("click", open);
    group.addEventListener("keydown", (event) => {
      if (event.key === "Enter" || event.key === " ") { event.preventDefault(); open(); }
    });
    const highlight = (on) => {
      svg.classList.toggle("dim", on);
      const near = neighbours.get(n.id) || new Set();
      for (const g of nodeGroup.children) g.classList.toggle("near", on && near.has(g.dataset.id));
      for (const l of edgeGroup.children) {
        l.classList.toggle("near", on && (l.dataset.source === n.id || l.dataset.target === n.id));
      }
    };
    group.addEventListener("mouseenter", () => highlight(true));
    group.addEventListener("mouseleave", () => highlight(false));
    group.addEventListener("focus", () => highlight(true));
    group.addEventListener("blur", () => highlight(false));
    nodeGroup.append(group);
  }
  svg.append(nodeGroup);

  const legend = h("ul", { class: "legend", "aria-label": "Legend" },
    [...colours.entries()].map(([id, colour]) => {
      const sw = h("span", { class: "swatch", "aria-hidden": "true" });
      sw.style.background = colour;
      return h("li", {}, sw, `Community ${id}`);
    }),
    Object.entries(LAYERS).map(([code, name]) => h("li", {},
      s("svg", { class: "line-swatch", viewBox: "0 0 24 8", "aria-hidden": "true" },
        s("line", { class: `edge ${code}`, x1: 0, y1: 4, x2: 24, y2: 4 })),
      name)),
    h("li", {}, "Larger circle = higher influence"));
  figure.replaceChildren(svg, legend);
  return nodes.length;
}
