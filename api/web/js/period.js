// The period every page shares: ?from=YYYY-MM-DD&to=YYYY-MM-DD in the address, kept for the
// tab so that going from the dashboard to a profile keeps the same dates.
import { h } from "./dom.js";

const KEY = "kolgraph.period";
const DAY = 86400000;
const ISO = /^\d{4}-\d{2}-\d{2}$/;

/** A Date as YYYY-MM-DD (UTC). */
export function iso(d) {
  return d.toISOString().slice(0, 10);
}

/** The 12 months up to today: {from, to}. */
export function defaultPeriod(today = new Date()) {
  return { from: iso(new Date(today.getTime() - 365 * DAY)), to: iso(today) };
}

function valid(p) {
  return p && ISO.test(p.from || "") && ISO.test(p.to || "") && p.from <= p.to;
}

/**
 * The period for this page: the address's from/to, else the tab's last one, else the last
 * 12 months. `explicit` says whether the dates came from the address or the tab.
 */
export function periodOf(params) {
  const fromUrl = { from: params.get("from"), to: params.get("to") };
  if (valid(fromUrl)) {
    sessionStorage.setItem(KEY, JSON.stringify(fromUrl));
    return { ...fromUrl, explicit: true };
  }
  const kept = JSON.parse(sessionStorage.getItem(KEY) || "null");
  if (valid(kept)) return { from: kept.from, to: kept.to, explicit: true };
  return { ...defaultPeriod(), explicit: false };
}

/** Days the period covers, counting both ends: 2025-01-01..2025-01-31 -> 31. */
export function periodDays(period) {
  return Math.max(1, Math.round((Date.parse(period.to) - Date.parse(period.from)) / DAY) + 1);
}

/** The API's view of the period for contacts and the portfolio: as_of and lookback_days. */
export function asOfParams(period) {
  return { as_of: period.to, lookback_days: Math.min(3660, Math.max(1, periodDays(period) - 1)) };
}

/** A profile's address, carrying the period when one was chosen. */
export function profileHref(id) {
  const kept = JSON.parse(sessionStorage.getItem(KEY) || "null");
  const base = `#/hcp/${encodeURIComponent(id)}`;
  return valid(kept) ? `${base}?${new URLSearchParams({ from: kept.from, to: kept.to })}` : base;
}

/** The From and To fields (ids `from` and `to`), for a page's own form. */
export function periodFields(period) {
  return [
    h("div", { class: "field" }, h("label", { for: "from" }, "From"),
      h("input", { id: "from", name: "from", type: "date", value: period.from, required: true })),
    h("div", { class: "field" }, h("label", { for: "to" }, "To"),
      h("input", { id: "to", name: "to", type: "date", value: period.to, required: true })),
  ];
}

/** The period a form's From/To fields hold, or an error message naming the field. */
export function periodFromForm(form) {
  const from = form.elements.from.value;
  const to = form.elements.to.value;
  if (!ISO.test(from)) return { error: "From: enter a date." };
  if (!ISO.test(to)) return { error: "To: enter a date." };
  if (from > to) return { error: "From: the period starts after it ends." };
  return { from, to };
}

/** A small form with the period alone; `onApply({from, to})` runs on submit. */
export function periodForm(period, onApply, label = "Period") {
  const error = h("p", { class: "notice error", role: "alert", hidden: true });
  const form = h("form", { class: "card filters period", "aria-label": label },
    ...periodFields(period),
    h("div", { class: "actions" }, h("button", { type: "submit" }, "Apply period")), error);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const next = periodFromForm(form);
    if (next.error) {
      error.textContent = next.error;
      error.hidden = false;
      return;
    }
    onApply(next);
  });
  return form;
}
