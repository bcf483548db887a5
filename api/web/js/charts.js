// Simple SVG bar charts: horizontal bars, a value on each, an optional cap line.
import { h, s } from "./dom.js";

/**
 * A labelled horizontal bar chart.
 * items: [{label, value, display, className}]; options: {max, cap, capLabel, id}.
 */
export function barChart(title, items, { max = null, cap = null, capLabel = "cap", id = null } = {}) {
  const width = 470;
  const labelWidth = 170;
  const valueWidth = 110;
  const row = 26;
  const top = cap === null ? 6 : 20;
  const height = top + Math.max(items.length, 1) * row + 6;
  const values = items.map((i) => Number(i.value) || 0);
  const scaleMax = Math.max(max ?? 0, cap ?? 0, ...values, 1e-9);
  const plot = width - labelWidth - valueWidth;
  const x = (v) => labelWidth + (Math.max(0, v) / scaleMax) * plot;
  const summary = items.length
    ? items.map((i) => `${i.label}: ${i.display ?? i.value}`).join("; ")
    : "no data";
  const svg = s("svg", {
    class: "bars", viewBox: `0 0 ${width} ${height}`, role: "img",
    "aria-label": `${title}. ${summary}${cap !== null ? `; ${capLabel} ${cap}` : ""}`,
  });
  items.forEach((item, n) => {
    const y = top + n * row;
    svg.append(
      s("text", { x: labelWidth - 8, y: y + 16, "text-anchor": "end" }, item.label),
      s("rect", {
        class: `bar ${item.className || ""}`.trim(), x: labelWidth, y: y + 4,
        width: Math.max(0, x(Number(item.value) || 0) - labelWidth), height: row - 9, rx: 2,
      }),
      s("text", { class: "value", x: x(Number(item.value) || 0) + 6, y: y + 16 },
        item.display ?? String(item.value)),
    );
  });
  if (!items.length) svg.append(s("text", { x: labelWidth, y: top + 16 }, "No data"));
  if (cap !== null) {
    svg.append(
      s("line", { class: "cap", x1: x(cap), x2: x(cap), y1: 14, y2: height - 2 }),
      s("text", { x: x(cap), y: 11, "text-anchor": "middle" }, capLabel),
    );
  }
  return h("figure", { class: "chart", id }, h("figcaption", {}, title), svg);
}

/** A horizontal bar (HTML) for a share in [0, 1], labelled for screen readers. */
export function meter(label, share, display) {
  const pct = Math.max(0, Math.min(1, Number(share) || 0)) * 100;
  const bar = h("div", { class: "bar-fill" });
  bar.style.width = `${pct.toFixed(1)}%`; // CSSOM, allowed by the page's style-src 'self'
  return h("div", { class: "bar-track", role: "img", "aria-label": `${label}: ${display}` }, bar);
}
