// One KOL whole: GET /hcps/{id}, /network, /engagements, /contacts, /plans, /plans/{id}/actual
// and /industry-payments.
import { ackButton, conflictKey, engagementForm, mayEditPlan, planForm } from "../actions.js";
import { api, apiOrForbidden, messageOf, session } from "../api.js";
import { barChart, meter } from "../charts.js";
import { announce, fill, fmt, h, table } from "../dom.js";
import { COMPONENTS, DEPARTMENTS, LAYERS, department, words } from "../labels.js";
import { drawNetwork } from "../network.js";
import { asOfParams, periodForm, periodOf, profileHref } from "../period.js";

const EVIDENCE_OF = { scientific: "papers", congress: "congress_roles", trials: "trials",
  network: "ties", referral: "ties" };
const TIMELINE_PAGE = 100;

/** Render the current page again (after a change saved from it). */
function reload(message) {
  announce(message);
  window.dispatchEvent(new HashChangeEvent("hashchange"));
}

function card(id, title, ...body) {
  return h("section", { class: "card", id, "aria-labelledby": `${id}-title` },
    h("h2", { id: `${id}-title` }, title), ...body);
}

function notice(text, kind = "") {
  return h("p", { class: `notice ${kind}`.trim() }, text);
}

function settled(result) {
  if (result.status === "fulfilled") return result.value;
  return { error: messageOf(result.reason) };
}

function unavailable(data) {
  if (data?.forbidden) return notice(`Your key's role may not see this: ${data.forbidden}`, "warn");
  if (data?.error) return notice(data.error, "error");
  return null;
}

function facts(pairs) {
  return h("dl", { class: "facts" }, pairs.filter(([, v]) => v !== null && v !== undefined && v !== "")
    .map(([k, v]) => [h("dt", {}, k), h("dd", {}, v)]));
}

function hcpLink(id, names) {
  return h("a", { href: profileHref(id) }, names.get(id) || id);
}

// ---------------------------------------------------------------- identity
function identityCard(profile) {
  const id = profile.identity;
  const affiliations = profile.affiliations || [];
  return card("identity", "Identity and affiliations",
    facts([
      ["Name", [id.name, id.credential].filter(Boolean).join(", ")],
      ["Specialty", id.specialty || id.taxonomy],
      ["Institution", id.institution],
      ["Location", [id.city, id.state, id.country].filter(Boolean).join(", ")],
      ["NPI", id.npi], ["ORCID", id.orcid], ["CRM id", id.crm_id], ["kolgraph id", id.id],
    ]),
    h("h3", {}, "Affiliations"),
    affiliations.length
      ? h("ul", {}, affiliations.map((a) => h("li", {}, a.name || a.id,
        a.year ? ` (${a.year})` : "", a.role ? `, ${words(a.role)}` : "")))
      : h("p", { class: "muted" }, "No affiliation on record."));
}

// ---------------------------------------------------------------- influence
function componentsOf(profile) {
  const ex = profile.explanation;
  if (ex && Array.isArray(ex.components)) return ex.components;
  const source = (ex && ex.components && typeof ex.components === "object") ? ex.components : profile.scores;
  return Object.keys(COMPONENTS).filter((c) => source[c] !== null && source[c] !== undefined)
    .map((c) => ({ component: c, scaled: Number(source[c]) }));
}

// papers of the open profile by PMID and id (GET /hcps/{id}/activity), for the evidence lists
const PAPERS = new Map();

function evidenceItem(kind, item, names) {
  if (kind === "papers") {
    const paper = PAPERS.get(String(item.pmid)) || PAPERS.get(String(item.pub)) || {};
    const title = item.title || paper.title;
    const label = title || (item.pmid ? `PMID ${item.pmid}` : (item.doi || item.pub || "paper"));
    const link = item.pmid
      ? h("a", { href: `https://pubmed.ncbi.nlm.nih.gov/${encodeURIComponent(item.pmid)}/`, rel: "noreferrer" }, label)
      : label;
    const cited = paper.cited_by ?? item.cited_by;
    return [link, ` (${[paper.journal, item.year || paper.year, item.role && `${words(item.role)} author`,
      cited !== null && cited !== undefined ? `cited ${fmt.int(cited)}` : null].filter(Boolean).join(", ")})`];
  }
  if (kind === "congress_roles") {
    return `${words(item.role)} at ${item.congress || item.session || "a congress"}`
      + `${item.year ? ` ${item.year}` : ""}${item.congress_scope ? ` (${item.congress_scope})` : ""}`;
  }
  if (kind === "trials") {
    return `${item.nct_id || item.trial}${item.role ? `, ${words(item.role)}` : ""}${item.year ? ` (${item.year})` : ""}`;
  }
  const layers = ["coauthorship", "referral", "congress"].filter((l) => item[l]).map(words);
  return [hcpLink(item.hcp, names), ` — tie weight ${fmt.num(item.weight, 2)}`,
    layers.length ? ` (${layers.join(", ")})` : "",
    item.papers ? `, ${item.papers} joint paper${item.papers > 1 ? "s" : ""}` : "",
    item.referrals_out ? `, refers ${item.referrals_out.pair_count} patients` : "",
    item.referrals_in ? `, receives ${item.referrals_in.pair_count} patients` : ""];
}

function influenceCard(profile, names) {
  const ex = profile.explanation || {};
  const evidence = ex.evidence || {};
  const components = componentsOf(profile);
  const influence = profile.scores.influence;
  const list = h("ul", { class: "components" }, components.map((c) => {
    const name = COMPONENTS[c.component] || words(c.component);
    const scaled = Math.max(0, Math.min(1, Number(c.scaled) || 0));
    const detail = [`scaled ${fmt.num(scaled, 2)}`,
      c.contribution !== undefined && c.contribution !== null ? `+${fmt.num(c.contribution)} points` : null,
      c.weight !== undefined && c.weight !== null ? `weight ${fmt.num(c.weight, 2)}` : null,
      c.rank ? `rank ${fmt.int(c.rank)}` : null].filter(Boolean).join(" · ");
    const kind = EVIDENCE_OF[c.component];
    let items = evidence[kind] || [];
    if (c.component === "referral") items = items.filter((t) => t.referrals_out || t.referrals_in);
    if (c.component === "network") items = items.slice(0, 5);
    return h("li", { dataset: { component: c.component } },
      h("div", { class: "bar-row" },
        h("span", {}, name), meter(name, scaled, detail), h("span", { class: "num" }, fmt.num(scaled, 2))),
      h("span", { class: "hint" }, detail),
      h("details", {},
        h("summary", {}, `Evidence for ${name.toLowerCase()} (${items.length})`),
        items.length
          ? h("ul", {}, items.map((item) => h("li", {}, evidenceItem(kind, item, names))))
          : h("p", { class: "muted" }, "No evidence items recorded for this component.")));
  }));
  return card("influence", "Influence and why",
    h("p", {}, h("strong", {}, `Influence ${fmt.num(influence)}`),
      ex.rank ? ` — rank ${fmt.int(ex.rank)}` : "",
      profile.score_run?.created_at ? h("span", { class: "hint" }, ` (score run of ${fmt.date(profile.score_run.created_at)})`) : ""),
    components.length ? list : notice("Not scored yet: run scoring to see the components."));
}

function reasonOf(part) {
  if (!part) return null;
  if (part.reason) return part.reason;
  if (Array.isArray(part.because)) return part.because.join("; ");
  return null;
}

function classificationCard(profile, communityLabel = null) {
  const c = profile.classification;
  const ex = profile.explanation || {};
  const scopeEvidence = ex.scope?.evidence
    ? Object.entries(ex.scope.evidence).map(([lv, n]) => `${lv} ${n}`).join(", ") : null;
  const rising = ex.rising;
  return card("classification", "Tier, segment and scope",
    facts([
      ["Tier", c.tier ? h("span", { class: `badge tier-${c.tier}` }, c.tier) : "–"],
      ["Why this tier", reasonOf(ex.tier)],
      ["Segment", c.segment],
      ["Why this segment", reasonOf(ex.segment)],
      ["Scope", c.scope],
      ["Scope evidence", scopeEvidence],
      ["Community", c.community !== null && c.community !== undefined
        ? `${communityLabel || `community ${c.community}`}${c.community_role ? ` (${words(c.community_role)})` : ""}` : null],
      ["Rising star", c.rising_star ? h("span", { class: "badge rising" }, "rising star") : "no"],
      ["Trend", rising ? `output slope ${fmt.num(rising.output_slope, 2)}, centrality slope ${fmt.num(rising.centrality_slope, 3)}` : null],
    ]));
}

// ---------------------------------------------------------------- network
function networkCard(hcpId, navigate) {
  const figure = h("figure", { class: "network-figure", id: "network-figure" },
    h("p", { class: "loading" }, "Loading the network…"));
  const summary = h("p", { id: "network-summary", "aria-live": "polite" });
  const hops = h("select", { id: "network-hops" },
    h("option", { value: "1", selected: true }, "1 hop"), h("option", { value: "2" }, "2 hops"));
  const layerNames = { all: "All layers", ...LAYERS };
  const radios = Object.entries(layerNames).map(([code, name]) => h("label", {},
    h("input", { type: "radio", name: "network-layer", value: code, checked: code === "all" }), name));
  const communitySelect = h("select", { id: "network-community" }, h("option", { value: "all" }, "All communities"));
  const fullscreen = h("button", { type: "button", class: "secondary", id: "network-fullscreen", "aria-pressed": "false" },
    "Full screen");
  const controls = h("div", { class: "network-controls" },
    h("div", { class: "field" }, h("label", { for: "network-hops" }, "Reach"), hops),
    h("div", { class: "field" }, h("label", { for: "network-community" }, "Community"), communitySelect),
    h("fieldset", {}, h("legend", {}, "Layer"), radios), fullscreen);
  const communityNames = new Map();
  const nodeList = h("details", {}, h("summary", {}, "The network as a list"), h("div"));
  let network = null;
  const layer = () => controls.querySelector("input[name=network-layer]:checked").value;
  const draw = () => {
    if (!network) return;
    const n = drawNetwork(figure, network, layer(), (id) => navigate(profileHref(id)),
      communitySelect.value, communityNames);
    const text = `${n} people shown (${layerNames[layer()].toLowerCase()}, ${network.hops} hop${network.hops > 1 ? "s" : ""})${network.truncated ? "; the network was cut at its size limit" : ""}.`;
    summary.textContent = text;
    fill(nodeList.lastChild, table("People in the network", [
      { label: "Name", rowHeader: true, cell: (r) => h("a", { href: profileHref(r.id) }, r.name || r.id) },
      { label: "Hops", num: true, cell: (r) => String(r.hop) },
      { label: "Community", cell: (r) => (r.community === null || r.community === undefined ? "–"
        : communityNames.get(String(r.community)) || String(r.community)) },
      { label: "Influence", num: true, cell: (r) => fmt.num(r.influence) },
    ], network.nodes));
  };
  const load = async () => {
    fill(figure, h("p", { class: "loading" }, "Loading the network…"));
    try {
      network = await api(`/hcps/${encodeURIComponent(hcpId)}/network`,
        { hops: hops.value, layers: Object.keys(LAYERS), max_nodes: 150 });
      const ids = [...new Set(network.nodes.map((n) => n.community).filter((c) => c !== null && c !== undefined).map(String))];
      if (ids.length) {
        try {
          for (const c of await api("/communities", { ids })) communityNames.set(c.id, c.label);
        } catch {
          // the legend keeps community numbers
        }
      }
      const chosen = communitySelect.value;
      communitySelect.replaceChildren(h("option", { value: "all" }, "All communities"),
        ...ids.sort((a, b) => a.localeCompare(b, "en", { numeric: true })).map((c) => h("option",
          { value: c, selected: c === chosen }, communityNames.get(c) || `Community ${c}`)));
      draw();
      return network;
    } catch (error) {
      fill(figure, notice(messageOf(error), "error"));
      return null;
    }
  };
  hops.addEventListener("change", load);
  communitySelect.addEventListener("change", draw);
  fullscreen.addEventListener("click", () => {
    const on = !section.classList.contains("fullscreen");
    section.classList.toggle("fullscreen", on);
    fullscreen.setAttribute("aria-pressed", String(on));
    fullscreen.textContent = on ? "Exit full screen" : "Full screen";
  });
  controls.addEventListener("change", (event) => { if (event.target.name === "network-layer") draw(); });
  const section = card("network", "Ego network",
    h("p", { class: "hint" }, "Colour: community. Size: influence. Line style: layer. Tab to a person and press Enter to open the profile."),
    controls, summary, figure, nodeList);
  return { section, load };
}

// ---------------------------------------------------------------- activity
function paperLink(p) {
  const label = p.title || (p.pmid ? `PMID ${p.pmid}` : p.doi || p.id);
  if (p.pmid) return h("a", { href: `https://pubmed.ncbi.nlm.nih.gov/${encodeURIComponent(p.pmid)}/`, rel: "noreferrer" }, label);
  if (p.doi) return h("a", { href: `https://doi.org/${encodeURI(p.doi)}`, rel: "noreferrer" }, label);
  return label;
}

function recordTables(activity) {
  if (activity.error) return [notice(activity.error, "error")];
  return [
    table(`Publications (${activity.publications.length}${activity.publications.length >= 100 ? "+" : ""})`, [
      { label: "Title", rowHeader: true, cell: paperLink },
      { label: "Journal", cell: (p) => fmt.text(p.journal) },
      { label: "Year", num: true, cell: (p) => fmt.text(p.year) },
      { label: "Citations", num: true, cell: (p) => fmt.int(p.cited_by) },
      { label: "Author", cell: (p) => p.role ? `${words(p.role)}${p.position ? ` (#${p.position})` : ""}` : "–" },
    ], activity.publications, { className: "records", id: "publications" }),
    table("Clinical trials", [
      { label: "Trial", rowHeader: true, cell: (t) => h("a", { href: `https://clinicaltrials.gov/study/${encodeURIComponent(t.nct_id || "")}`, rel: "noreferrer" }, t.nct_id || t.id) },
      { label: "Title", cell: (t) => fmt.text(t.title) },
      { label: "Phase", cell: (t) => fmt.text(t.phase && words(t.phase)) },
      { label: "Status", cell: (t) => fmt.text(t.status && words(t.status).toLowerCase()) },
      { label: "Role", cell: (t) => fmt.text(t.role && words(t.role)) },
      { label: "Start", cell: (t) => fmt.text(t.start_date) },
    ], activity.trials, { className: "records", id: "trials" }),
    table("Congress roles", [
      { label: "Congress", rowHeader: true, cell: (c) => [c.congress, c.year].filter(Boolean).join(" ") || "–" },
      { label: "Session", cell: (c) => fmt.text(c.session) },
      { label: "Role", cell: (c) => fmt.text(c.role && words(c.role)) },
      { label: "Scope", cell: (c) => fmt.text(c.scope) },
    ], activity.congress_roles, { className: "records", id: "congress-roles" }),
    table("Affiliation history", [
      { label: "Institution", rowHeader: true, cell: (a) => fmt.text(a.name) },
      { label: "Place", cell: (a) => [a.city, a.country].filter(Boolean).join(", ") || "–" },
      { label: "Last seen", num: true, cell: (a) => fmt.text(a.year) },
    ], activity.affiliations, { className: "records", id: "affiliation-history" }),
  ];
}

function activityCard(profile, names, activity = { error: null, publications: [], trials: [], congress_roles: [], affiliations: [] }) {
  const pubs = profile.publications;
  const cong = profile.congresses;
  const refs = profile.referrals;
  return card("activity", "Publications, congresses and trials",
    facts([
      ["Publications", `${fmt.int(pubs.count)} (${fmt.int(pubs.first_author)} first author, ${fmt.int(pubs.last_author)} last author)`],
      ["Years", pubs.first_year ? `${pubs.first_year}–${pubs.last_year}` : null],
      ["Congress sessions", `${fmt.int(cong.sessions)} at ${fmt.int(cong.congresses)} congresses${cong.last_year ? `, last ${cong.last_year}` : ""}`],
      ["Congress roles", cong.roles.length ? cong.roles.map(words).join(", ") : "none"],
      ["Clinical trials", fmt.int(profile.trials)],
      ["Referrals", `sends to ${refs.outgoing.partners} (${refs.outgoing.pair_count} patients), receives from ${refs.incoming.partners} (${refs.incoming.pair_count} patients)`],
      ["Therapeutic areas", (pubs.areas || []).map((a) => `${a.name} (${fmt.int(a.papers)})`).join(", ") || null],
      ["Top topics", (pubs.top_topics || []).map((t) => t.name || t.id).join(", ") || null],
    ]),
    ...recordTables(activity),
    h("h3", {}, "Top collaborators"),
    profile.top_collaborators.length
      ? h("ul", {}, profile.top_collaborators.map((c) => h("li", {}, hcpLink(c.id, names),
        c.papers ? ` — ${c.papers} joint paper${c.papers > 1 ? "s" : ""}` : "")))
      : h("p", { class: "muted" }, "None on record."));
}

// ---------------------------------------------------------------- contacts
function conflictText(c) {
  const depts = c.departments.map(department).join(" and ");
  if (c.kind === "window") {
    return `${depts} contacted this KOL ${c.min_days_apart ?? "?"} day${c.min_days_apart === 1 ? "" : "s"} apart`
      + ` (${c.occurrences ?? 1} time${c.occurrences === 1 ? "" : "s"}, ${fmt.date(c.first_date)} to ${fmt.date(c.last_date)}).`;
  }
  if (c.redacted) return `${depts} pursue overlapping objectives (details hidden across the firewall).`;
  const terms = c.shared_terms || [];
  const products = c.shared_products || [];
  const parts = [];
  if (terms.length) parts.push(`${fmt.pct(c.overlap)} of objective words shared: ${terms.join(", ")}`);
  if (products.length) parts.push(`same product: ${products.join(", ")}`);
  return `${depts} pursue overlapping objectives (${parts.join("; ") || "shared objectives"}).`;
}

const EMPLOYEES = new Map();

/** Learn the names of the employees on `items` (GET /employees/names); ids stay if unknown. */
async function nameEmployees(items) {
  const ids = [...new Set(items.map((e) => e.employee_id).filter((id) => id && !EMPLOYEES.has(id)))];
  if (!ids.length) return;
  try {
    const names = await api("/employees/names", { ids });
    for (const id of ids) EMPLOYEES.set(id, names[id] || null);
  } catch {
    // names are a nicety: the timeline keeps the ids
  }
}

function employeeLabel(id) {
  const name = EMPLOYEES.get(id);
  return name ? `by ${name} (${id})` : `by ${id}`;
}

function timelineItem(e, conflicted) {
  const inConflict = conflicted.has(e.id);
  const own = e.department === session.me()?.department;
  const content = [];
  if (e.objective) content.push(h("p", { class: "objective" }, h("strong", {}, "Objective: "), e.objective));
  if (e.notes) content.push(h("p", { class: "notes" }, h("strong", {}, "Notes: "), e.notes));
  if (e.key_messages?.length) content.push(h("p", {}, h("strong", {}, "Key messages: "), e.key_messages.join("; ")));
  if (e.outcome) content.push(h("p", {}, h("strong", {}, "Outcome: "), words(e.outcome)));
  const money = e.cost ?? e.amount;
  if (money !== null && money !== undefined) content.push(h("p", {}, h("strong", {}, "Spend: "), fmt.money(money)));
  if (e.redacted) {
    content.push(h("p", { class: "muted redacted-note" },
      h("span", { class: "badge redacted" }, "content hidden"),
      ` Another department's record (${department(e.department)}): your role sees when, which department and what type, not what was discussed.`));
  }
  return h("li", {
    class: inConflict ? "in-conflict" : null,
    dataset: { id: e.id, department: e.department || "", redacted: String(Boolean(e.redacted)) },
  },
  h("div", { class: "meta" },
    h("time", { class: "when", datetime: fmt.date(e.date) }, fmt.date(e.date)),
    h("span", { class: "dept" }, department(e.department)),
    h("span", {}, words(e.type)),
    e.employee_id ? h("span", { class: "muted employee" }, employeeLabel(e.employee_id)) : null,
    own ? h("span", { class: "hint" }, "(your department)") : null,
    inConflict ? h("span", { class: "badge conflict", title: "Part of a cross-department conflict" }, "Conflict") : null),
  content.length ? h("div", { class: "content" }, content) : null);
}

function conflictItem(hcpId, c, acked) {
  const ack = acked.get(conflictKey(c));
  return h("li", { dataset: { kind: c.kind, key: conflictKey(c) } }, conflictText(c), " ",
    ack ? h("span", { class: "badge ack" },
      `acknowledged by ${ack.by_employee || ack.by_role} (${department(ack.by_department)}), ${fmt.date(ack.at)}`)
      : session.can("read_portfolio")
        ? ackButton(hcpId, c, () => reload("Conflict acknowledged.")) : null);
}

function logCard(hcpId) {
  if (!session.can("write_engagements")) return null;
  return h("details", { class: "action", id: "log-engagement" },
    h("summary", {}, "Log an engagement"),
    engagementForm(hcpId, (saved) => reload(`Engagement of ${fmt.date(saved.date)} saved.`)));
}

function contactsCard(hcpId, contacts, firstPage, period, acked = new Map()) {
  const conflicted = new Set();
  const conflicts = contacts && !contacts.forbidden && !contacts.error ? contacts.conflicts : [];
  for (const c of conflicts) for (const id of c.engagement_ids || []) conflicted.add(id);
  const list = h("ol", { class: "timeline", id: "timeline", "aria-label": "Contacts, newest first" });
  const more = h("button", { type: "button", class: "secondary", hidden: true }, "Show older contacts");
  const status = h("p", { class: "hint", "aria-live": "polite" });
  const departments = h("select", { id: "timeline-department" },
    h("option", { value: "" }, "All departments"),
    Object.entries(DEPARTMENTS).map(([code, name]) => h("option", { value: code }, name)));
  let cursor = null;
  const show = (page, append) => {
    if (!append) list.replaceChildren();
    list.append(...page.items.map((e) => timelineItem(e, conflicted)));
    cursor = page.next_cursor;
    more.hidden = !cursor;
    const n = list.children.length;
    status.textContent = n ? `${n} contact${n > 1 ? "s" : ""} shown.`
      : `No contacts recorded from ${period.from} to ${period.to}.`;
  };
  const load = async (append) => {
    try {
      const page = await api(`/hcps/${encodeURIComponent(hcpId)}/engagements`,
        { limit: TIMELINE_PAGE, department: departments.value, cursor: append ? cursor : null,
          date_from: period.from, date_to: period.to });
      await nameEmployees(page.items);
      show(page, append);
    } catch (error) {
      status.textContent = messageOf(error);
    }
  };
  departments.addEventListener("change", () => load(false));
  more.addEventListener("click", () => load(true));
  const body = [];
  if (firstPage.error || firstPage.forbidden) body.push(unavailable(firstPage));
  const conflictBox = unavailable(contacts) || (conflicts.length
    ? h("div", { class: "notice error", id: "conflicts" },
      h("h3", {}, `Conflicts (${conflicts.length})`),
      h("ul", { class: "conflicts" }, conflicts.map((c) => conflictItem(hcpId, c, acked))))
    : h("p", { class: "muted", id: "conflicts" }, `No cross-department conflict from ${period.from} to ${period.to}`
      + ` (no two departments within ${contacts.conflict_window_days ?? "?"} days of each other, no shared objective or product).`));
  const section = card("contacts", "Contact timeline across departments",
    conflictBox, logCard(hcpId),
    h("div", { class: "field" }, h("label", { for: "timeline-department" }, "Department"), departments),
    status, list, more, ...body);
  if (!firstPage.error && !firstPage.forbidden) show(firstPage, false);
  return section;
}

function spendCard(contacts, period) {
  const problem = unavailable(contacts);
  if (problem) return card("spend", "Spend and cap", problem);
  const years = contacts.spend_by_year || [];
  const visible = years.some((y) => y.spend !== null);
  const rows = contacts.departments || [];
  return card("spend", "Spend by department and the cap",
    contacts.over_cap ? h("p", { class: "notice error" }, h("span", { class: "badge over" }, "Over cap"),
      " Fair-market-value spend for this KOL is over the annual cap.") : null,
    visible
      ? years.map((y) => barChart(`Spend in ${y.year}, all departments`, [
        { label: String(y.year), value: y.spend, display: fmt.money(y.spend), className: y.over_cap ? "over" : "" },
      ], { cap: y.cap, capLabel: `cap ${fmt.money(y.cap)}` }))
      : notice(session.can("see_spend")
        ? `No spend recorded up to ${period.to}.`
        : "Spend is visible to KRM managers, compliance and administrators only."),
    rows.length && rows.some((r) => r.spend !== null)
      ? barChart(`Spend by department, ${period.from} to ${period.to}`, rows.map((r) => ({
        label: department(r.department), value: r.spend || 0, display: fmt.money(r.spend) })))
      : null,
    table("Contacts by department", [
      { label: "Department", rowHeader: true, cell: (r) => department(r.department) },
      { label: "Contacts", num: true, cell: (r) => fmt.int(r.contacts) },
      { label: "Last contact", cell: (r) => r.last_contact ? `${fmt.date(r.last_contact.date)}, ${words(r.last_contact.type)}` : "–" },
      { label: "Types", cell: (r) => Object.entries(r.types || {}).map(([t, n]) => `${words(t)} ${n}`).join(", ") || "–" },
      { label: "Open objectives", cell: (r) => r.open_objectives === null ? "hidden" : (r.open_objectives.join("; ") || "–") },
      { label: "Spend", num: true, cell: (r) => r.spend === null ? "hidden" : fmt.money(r.spend) },
    ], rows));
}

// ---------------------------------------------------------------- industry payments
const PAYMENT_ROWS = 10;

function paymentTable(caption, label, key, groups, id) {
  const shown = groups.slice(0, PAYMENT_ROWS);
  const more = groups.length > shown.length ? ` (top ${shown.length} of ${groups.length})` : "";
  return table(`${caption}${more}`, [
    { label, rowHeader: true, cell: (g) => fmt.text(g[key]) },
    { label: "Payments", num: true, cell: (g) => fmt.int(g.payments) },
    { label: "Amount", num: true, cell: (g) => fmt.money(g.amount) },
  ], shown, { className: "records", id });
}

/** What manufacturers disclosed paying this HCP (CMS Open Payments): public, not our spend. */
function paymentsCard(panel) {
  const title = "Industry payments (Open Payments)";
  const problem = unavailable(panel);
  if (problem) return card("industry-payments", title, problem);
  const intro = h("p", { class: "hint" }, "What manufacturers disclosed paying this HCP to CMS Open "
    + "Payments (public data, all years on record): conflicts of interest and other companies' "
    + "engagement. Not our spend, except rows marked as our company's.");
  if (!panel.payments) {
    return card("industry-payments", title, intro, h("p", { class: "muted", id: "payments-empty" },
      "No Open Payments disclosure on record for this HCP. Open Payments covers U.S. physicians "
      + "and teaching hospitals; other HCPs, or files not loaded, show nothing here."));
  }
  const years = [...panel.by_year].sort((a, b) => a.year - b.year);
  return card("industry-payments", title, intro,
    facts([
      ["Total disclosed", `${fmt.money(panel.total)} in ${fmt.int(panel.payments)} payment${panel.payments === 1 ? "" : "s"}`],
      ["From our company", panel.ours_total ? fmt.money(panel.ours_total) : null],
      ["Manufacturers", fmt.int(panel.by_manufacturer.length)],
      ["Source", panel.source],
    ]),
    barChart("Disclosed payments by year", years.map((y) => ({
      label: String(y.year), value: y.amount, display: fmt.money(y.amount) }))),
    h("div", { class: "grid-2" },
      paymentTable("By manufacturer", "Manufacturer", "name", panel.by_manufacturer, "payments-manufacturers"),
      paymentTable("By nature of payment", "Nature", "nature", panel.by_nature, "payments-natures")),
    paymentTable("By year", "Year", "year", panel.by_year, "payments-years"),
    panel.by_product.length
      ? paymentTable("By product", "Product", "product", panel.by_product, "payments-products") : null);
}

function newPlan(hcpId) {
  if (!session.can("write_plans")) return null;
  return h("details", { class: "action", id: "new-plan" }, h("summary", {}, "New plan"),
    planForm(hcpId, null, () => reload("Plan created.")));
}

async function plansCard(hcpId) {
  const plans = await apiOrForbidden(`/hcps/${encodeURIComponent(hcpId)}/plans`);
  if (plans.forbidden) return card("plans", "KRM plan", unavailable(plans));
  if (!plans.length) {
    return card("plans", "KRM plan", h("p", { class: "muted" }, "No KRM plan for this KOL yet."), newPlan(hcpId));
  }
  const actuals = await Promise.allSettled(plans.map((p) => api(`/plans/${encodeURIComponent(p.id)}/actual`)));
  return card("plans", "KRM plan and plan vs actual", newPlan(hcpId), plans.map((plan, i) => {
    const actual = settled(actuals[i]);
    return h("article", { class: "plan", dataset: { id: plan.id } },
      h("h3", {}, `${department(plan.department)}: ${fmt.date(plan.period_start)} to ${fmt.date(plan.period_end)}`),
      facts([
        ["Status", words(plan.status)],
        ["Owner", plan.owner],
        ["Objectives", plan.objectives === null ? "hidden (another department's plan)" : (plan.objectives.join("; ") || "–")],
        ["Planned engagements", fmt.int(plan.planned_engagements)],
        ["Budget", plan.budget === null ? null : fmt.money(plan.budget)],
        ["Done so far", actual.error ? actual.error : `${fmt.int(actual.actual_engagements)} (adherence ${fmt.pct(actual.adherence)})`],
        ["Budget used", actual.budget_used === null || actual.budget_used === undefined ? null : fmt.pct(actual.budget_used)],
        ["Last engagement", actual.last_engagement ? fmt.date(actual.last_engagement) : null],
      ]),
      actual.by_type?.length
        ? barChart(`Plan vs actual by type (${department(plan.department)})`, actual.by_type.flatMap((t) => [
          { label: `${words(t.type)} planned`, value: t.planned ?? 0, display: fmt.int(t.planned), className: "alt" },
          { label: `${words(t.type)} done`, value: t.actual, display: fmt.int(t.actual) },
        ]))
        : null,
      mayEditPlan(plan)
        ? h("details", { class: "action edit-plan" }, h("summary", {}, "Edit the plan"),
          planForm(hcpId, plan, () => reload("Plan saved.")))
        : null);
  }));
}

// ---------------------------------------------------------------- page
export async function profilePage({ main, arg: hcpId, params, current, navigate }) {
  const period = periodOf(params);
  fill(main, h("h1", {}, "KOL profile"), h("p", { class: "loading", role: "status" }, "Loading the profile…"));
  const profile = await api(`/hcps/${encodeURIComponent(hcpId)}`);
  if (!current()) return;
  const net = networkCard(hcpId, navigate);
  const community = profile.classification?.community;
  const activityCall = api(`/hcps/${encodeURIComponent(hcpId)}/activity`)
    .catch((error) => ({ error: messageOf(error) }));
  const [network, contacts, firstPage, plans, named, acks, payments] = await Promise.allSettled([
    net.load(),
    apiOrForbidden(`/hcps/${encodeURIComponent(hcpId)}/contacts`, asOfParams(period)),
    apiOrForbidden(`/hcps/${encodeURIComponent(hcpId)}/engagements`,
      { limit: TIMELINE_PAGE, date_from: period.from, date_to: period.to }),
    plansCard(hcpId),
    community === null || community === undefined ? Promise.resolve([])
      : api("/communities", { ids: [String(community)] }),
    api(`/hcps/${encodeURIComponent(hcpId)}/conflicts/acknowledged`),
    apiOrForbidden(`/hcps/${encodeURIComponent(hcpId)}/industry-payments`),
  ]);
  const acked = new Map((acks.status === "fulfilled" ? acks.value : []).map((a) => [a.key, a]));
  const [activity] = await Promise.allSettled([
    activityCall,
    nameEmployees(settled(firstPage).items || []),
  ]);
  if (!current()) return;
  PAPERS.clear();
  for (const p of settled(activity).publications || []) {
    if (p.pmid) PAPERS.set(String(p.pmid), p);
    PAPERS.set(String(p.id), p);
  }
  const names = new Map((settled(network)?.nodes || []).map((n) => [n.id, n.name]));
  for (const c of profile.top_collaborators || []) names.set(c.id, c.name);
  const c = profile.classification;
  const identity = profile.identity;
  const plansSection = plans.status === "fulfilled" ? plans.value
    : card("plans", "KRM plan", notice(messageOf(plans.reason), "error"));
  fill(main,
    h("div", { class: "profile-head" },
      h("h1", {}, identity.name || identity.id),
      c.tier ? h("span", { class: `badge tier-${c.tier}` }, `${c.tier} tier`) : null,
      c.segment ? h("span", { class: "badge" }, `segment ${c.segment}`) : null,
      c.scope ? h("span", { class: "badge" }, `${c.scope} scope`) : null,
      c.rising_star ? h("span", { class: "badge rising" }, "rising star") : null,
      h("span", { class: "muted" }, [identity.specialty, identity.city, identity.state].filter(Boolean).join(" · "))),
    periodForm(period, (next) => navigate(`#/hcp/${encodeURIComponent(hcpId)}?${new URLSearchParams(next)}`),
      "Period for contacts, spend and conflicts"),
    h("p", { class: "hint", id: "period-note" }, `Contacts, spend and conflicts from ${period.from} to ${period.to}.`),
    h("div", { class: "grid-2" },
      h("div", { class: "stack" }, identityCard(profile),
        classificationCard(profile, named.status === "fulfilled" ? named.value[0]?.label : null)),
      influenceCard(profile, names)),
    h("div", { class: "grid-2" }, net.section, contactsCard(hcpId, settled(contacts), settled(firstPage), period, acked)),
    h("div", { class: "grid-2" }, spendCard(settled(contacts), period), plansSection),
    paymentsCard(settled(payments)),
    activityCard(profile, names, settled(activity)));
  announce(`Profile of ${identity.name || identity.id} loaded.`);
}
