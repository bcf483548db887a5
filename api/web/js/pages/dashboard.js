// KRM dashboard: GET /kpis per department, territory and segment, and GET /portfolio.
import { api, apiOrForbidden, messageOf, session } from "../api.js";
import { barChart } from "../charts.js";
import { announce, fill, fmt, h, table } from "../dom.js";
import { DEPARTMENTS, department } from "../labels.js";
import { asOfParams, iso, periodFields, periodFromForm, periodOf, profileHref } from "../period.js";

function kpiTable(caption, rows, labelOf) {
  return table(caption, [
    { label: "", rowHeader: true, cell: labelOf },
    { label: "Engagements", num: true, cell: (k) => fmt.int(k.engagements) },
    { label: "KOLs engaged", num: true, cell: (k) => fmt.int(k.hcps_engaged) },
    { label: "Targets", num: true, cell: (k) => fmt.int(k.targets) },
    { label: "Target coverage", num: true, cell: (k) => fmt.pct(k.target_coverage_rate) },
    { label: "Plan adherence", num: true, cell: (k) => fmt.pct(k.plan_adherence) },
    { label: "Calls per day", num: true, cell: (k) => fmt.num(k.call_rate, 2) },
    { label: "Verified visits", num: true, cell: (k) => fmt.pct(k.verified_visit_rate) },
    { label: "Complete reports", num: true, cell: (k) => fmt.pct(k.call_report_completeness) },
    { label: "Key messages", num: true, cell: (k) => fmt.pct(k.key_message_delivery_rate) },
  ], rows);
}

function section(id, title, ...body) {
  return h("section", { class: "card", id, "aria-labelledby": `${id}-title` },
    h("h2", { id: `${id}-title` }, title), ...body);
}

const ALERT_KINDS = { over_cap: "Over cap", new_conflict: "New conflict", untouched: "Untouched" };

function alertSection(alerts) {
  if (!alerts) return null;
  if (alerts.error) return section("alerts", "Alerts", h("p", { class: "notice error" }, alerts.error));
  const items = alerts.alerts || [];
  return section("alerts", `Alerts (${items.length})`,
    h("p", { class: "hint" }, `As of ${alerts.as_of}: spend over the annual cap this year, departments within `
      + `${alerts.conflict_window_days} days of each other not yet acknowledged, strategic KOLs untouched for ${alerts.stale_days} days.`),
    items.length
      ? h("ul", { class: "alerts" }, items.map((a) => h("li", { dataset: { kind: a.kind, id: a.hcp_id } },
        h("span", { class: `badge alert-${a.kind}` }, ALERT_KINDS[a.kind] || a.kind), " ",
        h("a", { href: profileHref(a.hcp_id) }, a.name || a.hcp_id), `: ${a.message}.`)))
      : h("p", { class: "muted" }, "No alert."));
}

function failed(result) {
  return h("p", { class: "notice error" }, messageOf(result.reason));
}

export async function dashboardPage({ main, params, current, navigate }) {
  const period = periodOf(params);
  const start = period.from;
  const end = period.to;
  const territories = (params.get("territories") || "").split(",").map((t) => t.trim()).filter(Boolean);
  const form = h("form", { class: "card filters", "aria-label": "Dashboard period" },
    ...periodFields(period),
    h("div", { class: "field wide" }, h("label", { for: "territories" }, "Territories",
      h("span", { class: "hint" }, " (codes, comma-separated)")),
    h("input", { id: "territories", name: "territories", value: territories.join(", "), autocomplete: "off" })),
    h("div", { class: "actions" }, h("button", { type: "submit" }, "Update")),
    h("p", { class: "notice error", role: "alert", hidden: true, id: "period-error" }));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const chosen = periodFromForm(form);
    if (chosen.error) {
      const error = form.querySelector("#period-error");
      error.textContent = chosen.error;
      error.hidden = false;
      return;
    }
    const next = new URLSearchParams({ from: chosen.from, to: chosen.to });
    const t = form.elements.territories.value.trim();
    if (t) next.set("territories", t);
    navigate(`#/dashboard?${next}`);
  });
  fill(main, h("h1", {}, "KRM dashboard"), form,
    h("p", { class: "loading", role: "status" }, "Loading KPIs…"));

  const me = session.me();
  if (!session.can("read_kpis")) {
    fill(main, h("h1", {}, "KRM dashboard"),
      h("p", { class: "notice warn" }, `A ${me.role} key may not read KPIs; ask an admin for a KRM manager or medical affairs key.`));
    return;
  }
  const anyDepartment = session.can("read_any_department_kpis");
  const departments = anyDepartment ? Object.keys(DEPARTMENTS) : [me.department];
  const kpiPeriod = { period_start: start, period_end: end };
  const [byDept, overall, byTerritory, portfolio, alerts] = await Promise.all([
    Promise.allSettled(departments.map((d) => api("/kpis", { ...kpiPeriod, department: d }))),
    Promise.allSettled([api("/kpis", anyDepartment ? kpiPeriod : { ...kpiPeriod, department: me.department })]),
    Promise.allSettled(territories.map((t) => api("/kpis", { ...kpiPeriod, territory: t }))),
    session.can("read_portfolio") ? apiOrForbidden("/portfolio", { limit: 25, ...asOfParams(period) }).catch((e) => ({ error: messageOf(e) }))
      : Promise.resolve({ forbidden: `a ${me.role} key may not read the portfolio` }),
    session.can("read_portfolio") ? api("/alerts", { as_of: end, limit: 20 }).catch((e) => ({ error: messageOf(e) }))
      : Promise.resolve(null),
  ]);
  if (!current()) return;

  const deptRows = byDept.map((r, i) => ({ result: r, code: departments[i] }));
  const okDept = deptRows.filter((r) => r.result.status === "fulfilled").map((r) => r.result.value);
  const deptSection = section("kpi-departments", anyDepartment ? "KPIs by department" : `KPIs of ${department(me.department)}`,
    deptRows.filter((r) => r.result.status === "rejected").map((r) => failed(r.result)),
    h("div", { class: "charts" },
      barChart("Engagements by department", okDept.map((k) => ({
        label: department(k.department), value: k.engagements, display: fmt.int(k.engagements) }))),
      barChart("Target coverage by department", okDept.map((k) => ({
        label: department(k.department), value: k.target_coverage_rate ?? 0, display: fmt.pct(k.target_coverage_rate) })), { max: 1 }),
      barChart("Plan adherence by department", okDept.map((k) => ({
        label: department(k.department), value: k.plan_adherence ?? 0, display: fmt.pct(k.plan_adherence) })), { max: 1 })),
    kpiTable("KPIs by department", okDept, (k) => department(k.department)));

  const all = overall[0].status === "fulfilled" ? overall[0].value : null;
  const segments = all ? all.segment_coverage : [];
  const segmentSection = section("kpi-segments", "Coverage by segment",
    all ? null : failed(overall[0]),
    h("div", { class: "charts" },
      barChart("Share of each segment contacted in the period", segments.map((s) => ({
        label: `Segment ${s.segment}`, value: s.coverage ?? 0,
        display: `${fmt.pct(s.coverage)} (${fmt.int(s.contacted)} of ${fmt.int(s.hcps)})` })), { max: 1 }),
      all ? barChart("Outcomes", Object.entries(all.outcome_mix).map(([o, n]) => ({
        label: o.replaceAll("_", " "), value: n, display: fmt.int(n) }))) : null));

  const okTerritories = byTerritory.map((r, i) => ({ r, t: territories[i] }));
  const territorySection = section("kpi-territories", "KPIs by territory",
    territories.length
      ? [okTerritories.filter(({ r }) => r.status === "rejected").map(({ r }) => failed(r)),
        barChart("Engagements by territory", okTerritories.filter(({ r }) => r.status === "fulfilled").map(({ r, t }) => ({
          label: t, value: r.value.engagements, display: fmt.int(r.value.engagements) }))),
        kpiTable("KPIs by territory", okTerritories.filter(({ r }) => r.status === "fulfilled").map(({ r }) => r.value), (k) => k.territory)]
      : h("p", { class: "muted" }, "Enter territory codes above to compare territories."));

  const gaps = [];
  for (const s of segments) {
    const missing = (s.hcps || 0) - (s.contacted || 0);
    if (missing > 0) gaps.push({ where: `Segment ${s.segment}`, gap: `${fmt.int(missing)} of ${fmt.int(s.hcps)} KOLs not contacted in the period` });
  }
  for (const k of okDept) {
    if (k.targets && k.target_coverage_rate !== null && k.target_coverage_rate < 1) {
      const uncovered = Math.round(k.targets * (1 - k.target_coverage_rate));
      gaps.push({ where: department(k.department), gap: `${fmt.int(uncovered)} of ${fmt.int(k.targets)} planned targets not engaged` });
    }
  }
  const gapSection = section("coverage-gaps", "Coverage gaps",
    table("Coverage gaps in the period", [
      { label: "Where", rowHeader: true, cell: (g) => g.where },
      { label: "Gap", cell: (g) => g.gap },
    ], gaps));

  let portfolioSections;
  if (portfolio.forbidden || portfolio.error) {
    const text = portfolio.forbidden ? `Your key's role may not see this: ${portfolio.forbidden}` : portfolio.error;
    portfolioSections = [section("collisions", "Current collisions", h("p", { class: "notice warn" }, text))];
  } else {
    const link = (r) => h("a", { href: profileHref(r.id) }, r.name || r.id);
    portfolioSections = [
      section("collisions", "Current collisions: several departments on one KOL",
        h("p", { class: "hint" }, `From ${fmt.date(portfolio.since)} to ${fmt.date(portfolio.as_of)}.`),
        table("KOLs contacted by several departments", [
          { label: "KOL", rowHeader: true, cell: link },
          { label: "Departments", cell: (r) => (r.departments || []).map(department).join(", ") },
          { label: "Engagements", num: true, cell: (r) => fmt.int(r.engagements) },
          { label: "Last contact", cell: (r) => fmt.date(r.last_date) },
          { label: "Tier", cell: (r) => fmt.text(r.tier) },
          { label: "Influence", num: true, cell: (r) => fmt.num(r.influence) },
        ], portfolio.multi_department)),
      section("uncontacted", "Strategic KOLs nobody contacted lately",
        h("p", { class: "hint" }, `No contact from ${fmt.date(portfolio.stale_since)} to ${fmt.date(portfolio.as_of)}.`),
        table("Strategic KOLs without a recent contact", [
          { label: "KOL", rowHeader: true, cell: link },
          { label: "Influence", num: true, cell: (r) => fmt.num(r.influence) },
          { label: "Last contact", cell: (r) => r.last_date ? fmt.date(r.last_date) : "never" },
        ], portfolio.uncontacted)),
    ];
  }
  // An empty period (say, last year's default on an older export) points to the data.
  const latest = all && all.engagements === 0 ? all.latest_engagement_date : null;
  let emptyNotice = null;
  if (latest) {
    const to = new Date(`${latest}T00:00:00Z`);
    const there = new URLSearchParams({ from: iso(new Date(to.getTime() - 365 * 86400000)), to: latest });
    if (territories.length) there.set("territories", territories.join(","));
    emptyNotice = h("p", { class: "notice warn", id: "empty-period" },
      `No engagements in this period; the latest is from ${fmt.date(latest)}. `,
      h("a", { href: `#/dashboard?${there}` }, `Show the 12 months to ${fmt.date(latest)}`));
  }
  fill(main, h("h1", {}, "KRM dashboard"), form,
    h("p", { class: "hint" }, `Period ${start} to ${end}.`), emptyNotice,
    alertSection(alerts), deptSection, segmentSection, territorySection, ...portfolioSections, gapSection);
  announce("Dashboard updated.");
}
