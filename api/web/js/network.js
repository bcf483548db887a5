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

/**
 * The nodes and edges visible on `layer` ("all" or one layer) and `community` ("all" or an
 * id); the centre always shows.
 */
export function visible(network, layer, community = "all") {
  const inCommunity = (n) => community === "all" || n.id === network.center
    || String(n.community) === String(community);
  const allowed = new Set(network.nodes.filter(inCommunity).map((n) => n.id));
  const edges = network.edges.filter((e) => (layer === "all" || e.layer === layer)
    && allowed.has(e.source) && allowed.has(e.target));
  const keep = new Set([network.center]);
  for (const e of edges) { keep.add(e.source); keep.add(e.target); }
  const nodes = network.nodes.filter((n) => allowed.has(n.id)
    && (layer === "all" && community === "all" ? true : keep.has(n.id)));
  return { nodes, edges };
}

/**
 * Who gets a name on the drawing: the centre, the most influential people (`top`), and at
 * 2 hops the people through whom the centre reaches them (their shortest paths).
 */
export function labelledIds(network, nodes, edges, top = 5) {
  const ids = new Set(nodes.map((n) => n.id));
  const ranked = nodes.filter((n) => n.id !== network.center)
    .sort((a, b) => (Number(b.influence) || 0) - (Number(a.influence) || 0) || a.id.localeCompare(b.id));
  const chosen = new Set([network.center, ...ranked.slice(0, top).map((n) => n.id)]);
  const hop = new Map(nodes.map((n) => [n.id, n.hop]));
  const influence = new Map(nodes.map((n) => [n.id, Number(n.influence) || 0]));
  for (const id of [...chosen]) {
    if (hop.get(id) !== 2) continue;
    const via = edges.filter((e) => (e.source === id || e.target === id))
      .map((e) => (e.source === id ? e.target : e.source))
      .filter((other) => ids.has(other) && hop.get(other) === 1)
      .sort((a, b) => influence.get(b) - influence.get(a))[0];
    if (via) chosen.add(via);
  }
  return chosen;
}

function overlaps(a, b) {
  return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

/**
 * Place each label beside its circle where it overlaps no circle and no other label
 * (right, left, above, below); a label with no free place is left out (the name stays in
 * the node's tooltip, its accessible name and the list).
 */
export function placeLabels(items, circles, width, height) {
  const placed = [];
  for (const item of items) {
    const w = Math.min(28, item.text.length) * 7.6 + 4;
    const h = 17;
    const { x, y, r } = item;
    const options = [
      { x: x + r + 3, y: y - h / 2, anchor: "start" },
      { x: x - r - 3 - w, y: y - h / 2, anchor: "end" },
      { x: x - w / 2, y: y - r - 3 - h, anchor: "middle" },
      { x: x - w / 2, y: y + r + 3, anchor: "middle" },
    ];
    for (const o of options) {
      const box = { x: o.x, y: o.y, w, h };
      if (box.x < 0 || box.y < 0 || box.x + w > width || box.y + h > height) continue;
      const hitsCircle = circles.some((c) => overlaps(box, { x: c.x - c.r, y: c.y - c.r, w: 2 * c.r, h: 2 * c.r }));
      if (hitsCircle || placed.some((p) => overlaps(box, p.box))) continue;
      placed.push({ id: item.id, text: item.text, box, anchor: o.anchor });
      break;
    }
  }
  return placed;
}

function radius(influence, maxInfluence) {
  if (typeof influence !== "number" || maxInfluence <= 0) return 6;
  return 6 + 14 * Math.sqrt(Math.max(0, influence) / maxInfluence);
}

/**
 * Draw `network` into `figure` for `layer`; `onOpen(id)` opens a node's profile.
 * Returns the number of nodes drawn.
 */
export function drawNetwork(figure, network, layer, onOpen, community = "all", communityNames = new Map()) {
  const { nodes, edges } = visible(network, layer, community);
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
  const labelled = labelledIds(network, nodes, edges, network.hops > 1 ? 6 : 5);
  // the centre last, so that no other circle covers it
  const order = [...nodes.filter((n) => n.id !== network.center), ...nodes.filter((n) => n.id === network.center)];
  const circles = nodes.map((n) => ({ id: n.id, x: px(n.x), y: py(n.y), r: radius(n.influence, maxInfluence) }));
  const labelItems = [...labelled].map((id) => at.get(id)).filter(Boolean)
    .sort((a, b) => (a.id === network.center ? -1 : b.id === network.center ? 1
      : (Number(b.influence) || 0) - (Number(a.influence) || 0)))
    .map((n) => ({ id: n.id, text: String(n.name || n.id).slice(0, 28), x: px(n.x), y: py(n.y),
      r: radius(n.influence, maxInfluence) }));
  const labels = new Map(placeLabels(labelItems, circles, WIDTH, HEIGHT).map((l) => [l.id, l]));
  for (const n of order) {
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
    const placed = labels.get(n.id);
    if (placed) {
      const { box } = placed;
      const x = placed.anchor === "start" ? box.x : placed.anchor === "end" ? box.x + box.w : box.x + box.w / 2;
      group.append(s("text", {
        class: `label${n.id === network.center ? " center-label" : ""}`, x: x.toFixed(1),
        y: (box.y + box.h - 4).toFixed(1), "text-anchor": placed.anchor,
        dataset: { box: [box.x, box.y, box.w, box.h].map((v) => v.toFixed(1)).join(",") },
      }, placed.text));
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
      return h("li", {}, sw, communityNames.get(id) || `Community ${id}`);
    }),
    Object.entries(LAYERS).map(([code, name]) => h("li", {},
      s("svg", { class: "line-swatch", viewBox: "0 0 24 8", "aria-hidden": "true" },
        s("line", { class: `edge ${code}`, x1: 0, y1: 4, x2: 24, y2: 4 })),
      name)),
    h("li", {}, "Larger circle = higher influence"));
  figure.replaceChildren(svg, legend);
  return nodes.length;
}
