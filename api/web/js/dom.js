// Building DOM nodes without innerHTML: every value from the API lands as text.

const SVG_NS = "http://www.w3.org/2000/svg";

function apply(el, attrs) {
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name === "class") el.setAttribute("class", value);
    else if (name === "text") el.textContent = value;
    else if (name.startsWith("on") && typeof value === "function") {
      el.addEventListener(name.slice(2).toLowerCase(), value);
    } else if (name === "dataset") Object.assign(el.dataset, value);
    else el.setAttribute(name, value === true ? "" : String(value));
  }
}

function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** An HTML element: h("a", {href: "#"}, "text", otherNode). */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  apply(el, attrs);
  append(el, children);
  return el;
}

/** An SVG element, same calling convention as h(). */
export function s(tag, attrs = {}, ...children) {
  const el = document.createElementNS(SVG_NS, tag);
  apply(el, attrs);
  append(el, children);
  return el;
}

/** Replace everything inside `el` with `children`. */
export function fill(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

/** Say `message` to screen readers through the page's polite live region. */
export function announce(message) {
  const status = document.getElementById("status");
  if (!status) return;
  status.textContent = "";
  window.setTimeout(() => { status.textContent = message; }, 30);
}

const number = new Intl.NumberFormat("en-US", { maximumFractionDigits: 1 });
const money = new Intl.NumberFormat("en-US", { style: "currency", currency: "USD", maximumFractionDigits: 0 });

export const fmt = {
  num: (v, digits = 1) => (v === null || v === undefined || Number.isNaN(Number(v)))
    ? "–" : Number(v).toLocaleString("en-US", { maximumFractionDigits: digits }),
  int: (v) => (v === null || v === undefined) ? "–" : number.format(Math.round(Number(v))),
  pct: (v) => (v === null || v === undefined) ? "–" : `${number.format(Number(v) * 100)}%`,
  money: (v) => (v === null || v === undefined) ? "–" : money.format(Number(v)),
  date: (v) => v ? String(v).slice(0, 10) : "–",
  text: (v) => (v === null || v === undefined || v === "") ? "–" : String(v),
};

/** A table with a caption, column headers (scope=col) and rows of cells. */
export function table(caption, columns, rows, { className = "", id = null } = {}) {
  return h("div", { class: "table-wrap", id },
    h("table", { class: className },
      h("caption", {}, caption),
      h("thead", {}, h("tr", {}, columns.map((c) =>
        h("th", { scope: "col", class: c.num ? "num" : null }, c.label)))),
      h("tbody", {}, rows.length
        ? rows.map((r) => h("tr", {}, columns.map((c, i) => {
          const value = c.cell(r);
          return i === 0 && c.rowHeader
            ? h("th", { scope: "row" }, value)
            : h("td", { class: c.num ? "num" : null }, value);
        })))
        : h("tr", {}, h("td", { colspan: columns.length, class: "muted" }, "Nothing to show.")))));
}
