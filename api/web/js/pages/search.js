// Find KOLs: GET /hcps with the filters, ranked by a score, paged by the API's cursors.
import { api, messageOf } from "../api.js";
import { announce, fill, fmt, h } from "../dom.js";
import { COMPONENTS, communityName, whyOf } from "../labels.js";
import { download, toCsv } from "../csv.js";
import { profileHref } from "../period.js";

const PAGE = 20;
const FILTERS = ["q", "topic", "specialty", "institution", "state", "country", "tier", "segment",
  "community", "rising_star"];
const EXPORT_PAGE = 200;
const EXPORT_CAP = 10000;
const SORTABLE = [
  { key: "influence", label: "Influence" },
  { key: "scientific", label: "Publications" },
  { key: "congress", label: "Congress" },
  { key: "network", label: "Network" },
];

function text(id, label, value, hint = null) {
  return h("div", { class: "field" },
    h("label", { for: id }, label, hint ? h("span", { class: "hint" }, ` ${hint}`) : null),
    h("input", { id, name: id, type: "search", value: value || "", autocomplete: "off" }));
}

function select(id, label, value, options) {
  return h("div", { class: "field" },
    h("label", { for: id }, label),
    h("select", { id, name: id },
      options.map(([v, name]) => h("option", { value: v, selected: v === (value || "") }, name))));
}

function hashFor(params) {
  const kept = new URLSearchParams();
  for (const [k, v] of params) if (v) kept.set(k, v);
  const q = kept.toString();
  return `#/search${q ? `?${q}` : ""}`;
}

export async function searchPage({ main, params, current, navigate }) {
  const sort = params.get("sort") || "influence";
  const order = params.get("order") === "asc" ? "asc" : "desc";
  const form = h("form", { class: "card", role: "search", "aria-label": "Find KOLs" },
    h("div", { class: "filters" },
      h("div", { class: "field wide" },
        h("label", { for: "q" }, "Name"),
        h("input", { id: "q", name: "q", type: "search", value: params.get("q") || "",
          autocomplete: "off", placeholder: "e.g. Smith" })),
      text("topic", "Therapeutic area or topic", params.get("topic")),
      text("specialty", "Specialty", params.get("specialty")),
      text("institution", "Institution", params.get("institution")),
      text("state", "Region", params.get("state"), "(state code)"),
      text("country", "Country", params.get("country"), "(code, e.g. US)"),
      select("tier", "Tier", params.get("tier"),
        [["", "Any tier"], ["strategic", "Strategic"], ["potential", "Potential"], ["basic", "Basic"]]),
      select("segment", "Segment", params.get("segment"),
        [["", "Any segment"], ["A", "A"], ["B", "B"], ["C", "C"]]),
      text("community", "Community", params.get("community")),
      select("rising_star", "Rising star", params.get("rising_star"),
        [["", "Any"], ["true", "Rising stars only"], ["false", "Not rising stars"]]),
      h("div", { class: "actions" },
        h("button", { type: "submit" }, "Search"),
        h("button", { type: "button", class: "secondary", id: "clear-filters" }, "Clear"))));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const next = new URLSearchParams();
    for (const name of FILTERS) {
      const value = form.elements[name].value.trim();
      if (value) next.set(name, value);
    }
    if (sort !== "influence") next.set("sort", sort);
    if (order !== "desc") next.set("order", order);
    const target = hashFor(next);
    if (target === window.location.hash) results.load([]);
    else navigate(target);
  });
  form.querySelector("#clear-filters").addEventListener("click", () => navigate("#/search"));

  const region = h("section", { "aria-labelledby": "results-title", class: "card" });
  fill(main, h("h1", {}, "Find KOLs"), form, region);

  const query = {};
  for (const name of FILTERS) if (params.get(name)) query[name] = params.get(name);
  const names = new Map();
  const nameCommunities = async (items) => {
    const ids = [...new Set(items.map((i) => i.community).filter((c) => c !== null && c !== undefined)
      .map(String))].filter((c) => !names.has(c));
    if (!ids.length) return;
    try {
      for (const c of await api("/communities", { ids })) names.set(c.id, c.label);
    } catch {
      // names are a nicety: rows keep the community number
    }
  };
  const exportCsv = async (button, status) => {
    button.disabled = true;
    status.textContent = "Preparing the CSV…";
    try {
      const rows = [];
      let cursor = null;
      do {
        const page = await api("/hcps", { ...query, sort, order, limit: EXPORT_PAGE, cursor });
        rows.push(...page.items);
        cursor = page.next_cursor;
      } while (cursor && rows.length < EXPORT_CAP);
      await nameCommunities(rows);
      const columns = [
        { name: "rank", value: (r, i) => i + 1 },
        { name: "id", value: (r) => r.id }, { name: "name", value: (r) => r.name },
        { name: "specialty", value: (r) => r.specialty },
        { name: "areas", value: (r) => (r.areas || []).map((a) => a.name).join("; ") || null },
        { name: "institution", value: (r) => r.institution },
        { name: "city", value: (r) => r.city }, { name: "state", value: (r) => r.state },
        { name: "country", value: (r) => r.country }, { name: "npi", value: (r) => r.npi },
        { name: "crm_id", value: (r) => r.crm_id }, { name: "influence", value: (r) => r.influence },
        ...Object.keys(COMPONENTS).map((c) => ({ name: c, value: (r) => r[c] })),
        { name: "tier", value: (r) => r.tier }, { name: "segment", value: (r) => r.segment },
        { name: "scope", value: (r) => r.scope }, { name: "community", value: (r) => r.community },
        { name: "community_name", value: (r) => (r.community === null || r.community === undefined
          ? null : communityName(r.community, names)) },
        { name: "rising_star", value: (r) => r.rising_star ?? null },
        { name: "why", value: (r) => whyOf(r, names) },
      ];
      download("kols.csv", toCsv(columns, rows));
      status.textContent = `${rows.length} KOL${rows.length === 1 ? "" : "s"} exported`
        + `${cursor ? ` (the first ${EXPORT_CAP}; narrow the filters for the rest)` : ""}.`;
    } catch (error) {
      status.textContent = messageOf(error);
    } finally {
      button.disabled = false;
    }
  };

  const results = {
    async load(cursors) {
      fill(region, h("h2", { id: "results-title" }, "Results"),
        h("p", { class: "loading", role: "status" }, "Searching…"));
      let page;
      try {
        page = await api("/hcps", { ...query, sort, order, limit: PAGE, cursor: cursors.at(-1) });
      } catch (error) {
        if (!current()) return;
        fill(region, h("h2", { id: "results-title" }, "Results"),
          h("p", { class: "notice error", role: "alert" }, messageOf(error)));
        return;
      }
      if (!current()) return;
      await nameCommunities(page.items);
      if (!current()) return;
      const start = cursors.length * PAGE;
      const headers = [
        h("th", { scope: "col", class: "num" }, "Rank"),
        h("th", { scope: "col" }, "Name"),
        h("th", { scope: "col" }, "Specialty"),
        h("th", { scope: "col" }, "Location"),
        ...SORTABLE.map(({ key, label }) => {
          const active = key === sort;
          const nextOrder = active && order === "desc" ? "asc" : "desc";
          const button = h("button", {
            type: "button", class: "sort",
            "aria-label": `Sort by ${label.toLowerCase()}, ${nextOrder === "desc" ? "highest" : "lowest"} first`,
          }, label);
          button.addEventListener("click", () => {
            const next = new URLSearchParams(query);
            next.set("sort", key);
            next.set("order", nextOrder);
            navigate(hashFor(next));
          });
          return h("th", {
            scope: "col", class: key === "influence" ? "num" : "num col-score",
            "aria-sort": active ? (order === "desc" ? "descending" : "ascending") : null,
          }, button);
        }),
        h("th", { scope: "col" }, "Tier"),
        h("th", { scope: "col", class: "col-scope" }, "Scope"),
        h("th", { scope: "col" }, "Why"),
      ];
      const rows = page.items.map((hcp, i) => h("tr", { dataset: { id: hcp.id } },
        h("td", { class: "num" }, String(start + i + 1)),
        h("th", { scope: "row" },
          h("a", { href: profileHref(hcp.id), class: "hcp-link" }, hcp.name || hcp.id)),
        h("td", {}, fmt.text(hcp.specialty)),
        h("td", {}, [hcp.city, hcp.state].filter(Boolean).join(", ") || "–"),
        h("td", { class: "num" }, fmt.num(hcp.influence)),
        h("td", { class: "num col-score" }, fmt.num(hcp.scientific, 2)),
        h("td", { class: "num col-score" }, fmt.num(hcp.congress, 2)),
        h("td", { class: "num col-score" }, fmt.num(hcp.network, 2)),
        h("td", {}, hcp.tier ? h("span", { class: `badge tier-${hcp.tier}` }, hcp.tier) : "–",
          hcp.segment ? ` ${hcp.segment}` : ""),
        h("td", { class: "col-scope" }, fmt.text(hcp.scope)),
        h("td", { class: "why" }, whyOf(hcp, names), hcp.rising_star ? " " : "",
          hcp.rising_star ? h("span", { class: "badge rising" }, "rising") : null)));
      const prev = h("button", { type: "button", class: "secondary", disabled: cursors.length === 0 },
        "Previous page");
      const next = h("button", { type: "button", class: "secondary", disabled: !page.next_cursor },
        "Next page");
      const turn = async (to) => {
        await results.load(to);
        region.querySelector("#results-summary")?.focus(); // keep keyboard users in the results
      };
      prev.addEventListener("click", () => turn(cursors.slice(0, -1)));
      next.addEventListener("click", () => turn([...cursors, page.next_cursor]));
      const shown = page.items.length
        ? `KOLs ${start + 1}–${start + page.items.length}${page.next_cursor ? "" : " (last page)"}`
        : "No KOL matches these filters.";
      const exportButton = h("button", { type: "button", class: "secondary", id: "export-csv" },
        "Export the list as CSV");
      const exportStatus = h("span", { class: "hint", id: "export-status", "aria-live": "polite" });
      exportButton.addEventListener("click", () => exportCsv(exportButton, exportStatus));
      fill(region,
        h("h2", { id: "results-title" }, "Results"),
        h("div", { class: "results-head" },
          h("p", { id: "results-summary", tabindex: "-1" }, shown),
          page.items.length ? h("div", { class: "export" }, exportButton, exportStatus) : null),
        h("div", { class: "table-wrap" }, h("table", { id: "results" },
          h("caption", { class: "visually-hidden" },
            `KOLs ranked by ${sort}, ${order === "desc" ? "highest" : "lowest"} first`),
          h("thead", {}, h("tr", {}, headers)),
          h("tbody", {}, rows))),
        h("nav", { class: "pager", "aria-label": "Result pages" }, prev,
          h("span", {}, `Page ${cursors.length + 1}`), next));
      announce(shown);
    },
  };
  await results.load([]);
}
